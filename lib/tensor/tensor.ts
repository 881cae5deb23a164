import { native, type DTypeName, type ElementArray } from '../native.js';
import { aten } from './aten.js';
import { TorchError } from './errors.js';
import { isDevice } from './dtypes.js';
import { formatTensor } from './format.js';
import { HANDLE, TOKEN } from './handle.js';
import { record } from './scope.js';
import { shapeOf, type DType, type Device, type ShapeArgs } from './types.js';
import type { TensorMethods } from '../ops/types.generated.js';

/** A number, or a Tensor, where an operand may be either (numbers promote like Python scalars). */
export type TensorLike = Tensor | number | boolean;

/** Nested JS arrays as `toArray()` returns them. */
export type NestedArray = number | boolean | NestedArray[];

/** A slice for `Tensor.index`: `slice(1, null)` is PyTorch's `1:`; `slice(null, null, 2)` is `::2`. */
export interface Slice {
  start?: number | null;
  stop?: number | null;
  step?: number | null;
}

/**
 * One item of `t.index(...)`: an integer, `null` (new axis, Python's `None`), `'...'`, a `slice()`,
 * a boolean mask or integer index Tensor, an integer array, or a boolean.
 */
export type IndexItem = number | null | '...' | Slice | Tensor | number[] | boolean;

/** Returns a slice; `slice(1, null)` is PyTorch's `1:`, `slice(null, -1)` is `:-1`. */
export function slice(start: number | null = null, stop: number | null = null, step: number | null = null): Slice {
  return { start, stop, step };
}

/** Options of `Tensor.to`. */
export interface ToOptions {
  dtype?: DType;
  device?: Device;
  /** Always return a new tensor, even when nothing changes. */
  copy?: boolean;
  nonBlocking?: boolean;
}

/** Options of `backward()`. */
export interface BackwardOptions {
  /** Keep the graph so backward can run through it again; default: the value of createGraph. */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order gradients. */
  createGraph?: boolean;
}

// Hand-bound hot paths (direct ATen calls) for the commonest training-loop ops.
const hot = native.hot;
// Per-tensor native functions, called with the tensor's handle.
const fns = native.tensor;

/** Runs a hot path: the result Tensor is made here and the addon fills it. */
function viaHot(op: (out: object, self: number, other: number) => number, self: TensorImpl, other: TensorImpl): Tensor {
  const out = emptyResult();
  return filled(out, op(out, self[HANDLE], other[HANDLE]))!;
}

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

function dims(args: number[] | [readonly number[]]): number[] {
  return shapeOf(args as ShapeArgs);
}

function nest(flat: ArrayLike<number | bigint | boolean>, shape: readonly number[], bool: boolean): NestedArray {
  const convert = (value: number | bigint | boolean): number | boolean =>
    bool ? value !== 0 : typeof value === 'bigint' ? Number(value) : (value as number);
  if (shape.length === 0) return convert(flat[0]!);
  let offset = 0;
  const build = (depth: number): NestedArray[] => {
    const out: NestedArray[] = [];
    for (let i = 0; i < shape[depth]!; i++) out.push(depth + 1 === shape.length ? convert(flat[offset++]!) : build(depth + 1));
    return out;
  };
  return build(0);
}

/**
 * A multi-dimensional array on a device, recording operations for autograd when `requiresGrad`.
 * Made by `torch.tensor()`, the factories (`torch.zeros`, `torch.randn`, ...) and operations;
 * freed by `dispose()`, `using`, `torch.tidy`, or, as a backstop, the garbage collector.
 */
class TensorImpl {
  /** Slot and generation of the native tensor in the addon's table; -1 once disposed (lib/tensor/handle.ts). */
  [HANDLE]: number;

  /** Tensors come from `torch.tensor()`, the factories and operations; `new Tensor()` is not for users. */
  constructor(token: object, handle: number) {
    if (token !== TOKEN) {
      throw new TypeError('Tensors are made by torch.tensor(), torch.zeros() and the other factories, not by new Tensor()');
    }
    this[HANDLE] = handle;
    record(this);
  }

  /** Size of every dimension. */
  get shape(): number[] {
    return fns.shape(this[HANDLE]);
  }
  /** Element type: 'float32', 'int64', 'bool', ... */
  get dtype(): DTypeName {
    return fns.dtype(this[HANDLE]);
  }
  /** 'cpu', 'cuda:0', ... */
  get device(): string {
    return fns.device(this[HANDLE]);
  }
  /** Whether autograd records operations on this tensor. */
  get requiresGrad(): boolean {
    return fns.requiresGrad(this[HANDLE]);
  }
  set requiresGrad(value: boolean) {
    fns.setRequiresGrad(this[HANDLE], value);
  }
  /** The accumulated gradient (after backward), or null; assignable, checked against shape, dtype and device. */
  get grad(): Tensor | null {
    return fns.grad(this[HANDLE]) as Tensor | null;
  }
  set grad(value: Tensor | null) {
    fns.setGrad(this[HANDLE], value);
  }
  /** Name of the autograd node that made this tensor (e.g. 'AddBackward0'), or null for leaves. */
  get gradFn(): string | null {
    return fns.gradFn(this[HANDLE]);
  }
  /** Whether this tensor is a leaf of the autograd graph (made by the user, not by a recorded op). */
  get isLeaf(): boolean {
    return fns.isLeaf(this[HANDLE]);
  }
  /** Whether `dispose()` has freed this tensor (through this object or a copy of it). */
  get isDisposed(): boolean {
    const handle = this[HANDLE];
    return handle < 0 || !fns.isLive(handle);
  }
  /** Frees the native tensor now rather than when the garbage collector finds this object. */
  dispose(): void {
    const handle = this[HANDLE];
    if (handle < 0) return;
    fns.release(handle);
    // Mark it here too, which saves isDisposed a native call; a frozen tensor keeps its handle
    // (the addon knows it was freed).
    if (Object.isExtensible(this)) this[HANDLE] = -1;
  }
  /** Whether the elements are laid out densely in row-major order. */
  isContiguous(): boolean {
    return fns.isContiguous(this[HANDLE]);
  }
  /** Keeps `.grad` for this non-leaf tensor on the next backward. */
  retainGrad(): this {
    fns.retainGrad(this[HANDLE]);
    return this;
  }
  /** @internal */
  get _strides(): number[] {
    return fns.strides(this[HANDLE]);
  }
  /** @internal */
  get _numel(): number {
    return fns.numel(this[HANDLE]);
  }
  /** @internal */
  get _dim(): number {
    return fns.dim(this[HANDLE]);
  }
  /** @internal Identity of the storage (views share it), or null. */
  get _storageId(): number | null {
    return fns.storageId(this[HANDLE]);
  }
  /** @internal Elements between the start of the storage and the first element. */
  get _storageOffset(): number {
    return fns.storageOffset(this[HANDLE]);
  }
  /** @internal Size of the whole storage in bytes. */
  get _storageBytes(): number {
    return fns.storageBytes(this[HANDLE]);
  }
  /** @internal */
  _toTypedArray(): ElementArray {
    return fns.toTypedArray(this[HANDLE]);
  }
  /** @internal The value of a one-element tensor (booleans stay booleans). */
  _item(): number | boolean {
    return fns.item(this[HANDLE]);
  }
  /** @internal */
  _index(items: unknown[]): unknown {
    return fns.index(this[HANDLE], items);
  }
  /** @internal */
  _indexPut(items: unknown[], value: unknown): void {
    fns.indexPut(this[HANDLE], items, value);
  }

  /**
   * The value of a one-element tensor as a JS number (a bool tensor gives 1 or 0, so the type stays
   * `number`; `toArray()` gives booleans).
   */
  item(): number {
    return Number(this._item());
  }

  /** Number of elements. */
  numel(): number {
    return this._numel;
  }
  /** Number of dimensions. */
  dim(): number {
    return this._dim;
  }
  /** Size of every dimension, or of dimension `d` (negative counts from the end). */
  size(): number[];
  size(d: number): number;
  size(d?: number): number[] | number {
    if (d === undefined) return this.shape;
    const n = this._dim;
    const index = d < 0 ? d + n : d;
    if (index < 0 || index >= n)
      throw new TorchError(`Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${d})`);
    return this.shape[index]!;
  }
  /** Strides of every dimension, in elements. */
  stride(): number[] {
    return this._strides;
  }

  // ---- conversion -------------------------------------------------------------------------

  /** The elements, flat and row-major: Float32Array, BigInt64Array for int64, Uint8Array for bool, ... */
  toTypedArray(): ElementArray {
    return this._toTypedArray();
  }
  /** The elements as nested arrays (a plain number or boolean for a 0-dim tensor), like `tolist()`. */
  toArray(): NestedArray {
    return nest(this._toTypedArray(), this.shape, this.dtype === 'bool');
  }
  /** `toArray()` with the device copy and layout change done off the event loop. */
  async toArrayAsync(): Promise<NestedArray> {
    const cpu = (await aten.to.callAsync([this, undefined, undefined, 'cpu', undefined, false, true, 'contiguous_format'])) as Tensor;
    try {
      return cpu.toArray();
    } finally {
      cpu.dispose();
    }
  }

  /** Converts dtype and/or device: `to('cuda')`, `to('float64')`, `to({ dtype, device })`. */
  to(target: DType | Device | ToOptions): Tensor {
    const options: ToOptions = typeof target === 'string' ? (isDevice(target) ? { device: target } : { dtype: target as DType }) : target;
    const result = aten.to.call([
      this,
      options.dtype,
      undefined,
      options.device,
      undefined,
      options.nonBlocking ?? false,
      options.copy ?? false,
      undefined,
    ]) as Tensor;
    return result;
  }
  cpu(): Tensor {
    return this.to({ device: 'cpu' });
  }
  cuda(index = 0): Tensor {
    return this.to({ device: `cuda:${index}` });
  }
  float(): Tensor {
    return this.to({ dtype: 'float32' });
  }
  double(): Tensor {
    return this.to({ dtype: 'float64' });
  }
  half(): Tensor {
    return this.to({ dtype: 'float16' });
  }
  long(): Tensor {
    return this.to({ dtype: 'int64' });
  }
  int(): Tensor {
    return this.to({ dtype: 'int32' });
  }
  bool(): Tensor {
    return this.to({ dtype: 'bool' });
  }
  clone(): Tensor {
    return aten.clone.call([this]) as Tensor;
  }
  /** A tensor sharing storage that is cut off from the autograd graph. */
  detach(): Tensor {
    return aten.detach.call([this]) as Tensor;
  }
  contiguous(): Tensor {
    return aten.contiguous.call([this]) as Tensor;
  }
  /** Sets requiresGrad in place and returns this tensor. */
  requiresGrad_(requiresGrad = true): this {
    this.requiresGrad = requiresGrad;
    return this;
  }

  // ---- arithmetic -------------------------------------------------------------------------

  add(other: TensorLike, options?: { alpha?: number }): Tensor {
    if (other instanceof Tensor && options?.alpha === undefined) return viaHot(hot.add, this, other);
    return aten.add.call([this, other, options?.alpha]) as Tensor;
  }
  add_(other: TensorLike, options: { alpha?: number } = {}): this {
    aten.add_.call([this, other, options.alpha]);
    return this;
  }
  sub(other: TensorLike, options?: { alpha?: number }): Tensor {
    if (other instanceof Tensor && options?.alpha === undefined) return viaHot(hot.sub, this, other);
    return aten.sub.call([this, other, options?.alpha]) as Tensor;
  }
  sub_(other: TensorLike, options: { alpha?: number } = {}): this {
    aten.sub_.call([this, other, options.alpha]);
    return this;
  }
  mul(other: TensorLike): Tensor {
    if (other instanceof Tensor) return viaHot(hot.mul, this, other);
    return aten.mul.call([this, other]) as Tensor;
  }
  mul_(other: TensorLike): this {
    aten.mul_.call([this, other]);
    return this;
  }
  /** Division; `roundingMode` 'trunc' or 'floor' rounds the quotient. */
  div(other: TensorLike, options: { roundingMode?: 'trunc' | 'floor' } = {}): Tensor {
    // True division is div.Tensor, which the addon calls unboxed.
    if (options.roundingMode === undefined) return aten.divTrue.call([this, other]) as Tensor;
    return aten.div.call([this, other, options.roundingMode]) as Tensor;
  }
  div_(other: TensorLike, options: { roundingMode?: 'trunc' | 'floor' } = {}): this {
    aten.div_.call([this, other, options.roundingMode ?? null]);
    return this;
  }
  neg(): Tensor {
    return aten.neg.call([this]) as Tensor;
  }
  remainder(other: TensorLike): Tensor {
    return aten.remainder.call([this, other]) as Tensor;
  }
  pow(exponent: TensorLike): Tensor {
    return (exponent instanceof Tensor ? aten.powTensor : aten.powScalar).call([this, exponent]) as Tensor;
  }
  pow_(exponent: number): this {
    aten.pow_.call([this, exponent]);
    return this;
  }

  // ---- comparison -------------------------------------------------------------------------

  eq(other: TensorLike): Tensor {
    return aten.eq.call([this, other]) as Tensor;
  }
  ne(other: TensorLike): Tensor {
    return aten.ne.call([this, other]) as Tensor;
  }
  lt(other: TensorLike): Tensor {
    return aten.lt.call([this, other]) as Tensor;
  }
  le(other: TensorLike): Tensor {
    return aten.le.call([this, other]) as Tensor;
  }
  gt(other: TensorLike): Tensor {
    return aten.gt.call([this, other]) as Tensor;
  }
  ge(other: TensorLike): Tensor {
    return aten.ge.call([this, other]) as Tensor;
  }
  logicalNot(): Tensor {
    return aten.logicalNot.call([this]) as Tensor;
  }

  // ---- reductions -------------------------------------------------------------------------

  /** Sum of all elements, or over `dim` (a dimension or a list of them). */
  sum(dim?: number | number[] | null, keepdim = false, options: { dtype?: DType } = {}): Tensor {
    if (dim === undefined || dim === null) return aten.sumAll.call([this, options.dtype]) as Tensor;
    return aten.sumDim.call([this, dim, keepdim, options.dtype]) as Tensor;
  }
  mean(dim?: number | number[] | null, keepdim = false, options: { dtype?: DType } = {}): Tensor {
    if (dim === undefined || dim === null) return aten.meanAll.call([this, options.dtype]) as Tensor;
    return aten.meanDim.call([this, dim, keepdim, options.dtype]) as Tensor;
  }
  prod(): Tensor {
    return aten.prodAll.call([this]) as Tensor;
  }
  /** `max()` of all elements; `max(dim, keepdim)` gives values and indices; `max(other)` is elementwise. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  max(other: Tensor): Tensor;
  max(dim?: number | Tensor, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    if (dim === undefined) return aten.maxAll.call([this]) as Tensor;
    if (dim instanceof Tensor) return aten.maximum.call([this, dim]) as Tensor;
    const [values, indices] = aten.maxDim.call([this, dim, keepdim]) as [Tensor, Tensor];
    return { values, indices };
  }
  /** `min()` of all elements; `min(dim, keepdim)` gives values and indices; `min(other)` is elementwise. */
  min(): Tensor;
  min(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  min(other: Tensor): Tensor;
  min(dim?: number | Tensor, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    if (dim === undefined) return aten.minAll.call([this]) as Tensor;
    if (dim instanceof Tensor) return aten.minimum.call([this, dim]) as Tensor;
    const [values, indices] = aten.minDim.call([this, dim, keepdim]) as [Tensor, Tensor];
    return { values, indices };
  }
  argmax(dim: number | null = null, keepdim = false): Tensor {
    return aten.argmax.call([this, dim, keepdim]) as Tensor;
  }
  argmin(dim: number | null = null, keepdim = false): Tensor {
    return aten.argmin.call([this, dim, keepdim]) as Tensor;
  }
  /** Standard deviation over all elements or `dim`; Bessel-corrected unless `unbiased` is false. */
  std(dim: number | number[] | null = null, unbiased = true, keepdim = false): Tensor {
    return aten.std.call([this, dim, unbiased, keepdim]) as Tensor;
  }
  var(dim: number | number[] | null = null, unbiased = true, keepdim = false): Tensor {
    return aten.var.call([this, dim, unbiased, keepdim]) as Tensor;
  }
  all(): Tensor {
    return aten.all.call([this]) as Tensor;
  }
  any(): Tensor {
    return aten.any.call([this]) as Tensor;
  }

  // ---- linear algebra ---------------------------------------------------------------------

  matmul(other: Tensor): Tensor {
    if (other instanceof Tensor) return viaHot(hot.matmul, this, other);
    return aten.matmul.call([this, other]) as Tensor;
  }
  /** `matmul` computed on the libuv thread pool, leaving the event loop free. */
  matmulAsync(other: Tensor): Promise<Tensor> {
    return aten.matmul.callAsync([this, other]) as Promise<Tensor>;
  }
  mm(other: Tensor): Tensor {
    return aten.mm.call([this, other]) as Tensor;
  }
  bmm(other: Tensor): Tensor {
    return aten.bmm.call([this, other]) as Tensor;
  }

  // ---- elementwise functions ---------------------------------------------------------------

  exp(): Tensor {
    return aten.exp.call([this]) as Tensor;
  }
  exp_(): this {
    aten.exp_.call([this]);
    return this;
  }
  log(): Tensor {
    return aten.log.call([this]) as Tensor;
  }
  sqrt(): Tensor {
    return aten.sqrt.call([this]) as Tensor;
  }
  abs(): Tensor {
    return aten.abs.call([this]) as Tensor;
  }
  /** Limits elements to [min, max]; either bound may be null. */
  clamp(min: number | Tensor | null = null, max: number | Tensor | null = null): Tensor {
    const tensors = min instanceof Tensor || max instanceof Tensor;
    return (tensors ? aten.clampTensor : aten.clamp).call([this, min, max]) as Tensor;
  }
  clamp_(min: number | null = null, max: number | null = null): this {
    aten.clamp_.call([this, min, max]);
    return this;
  }
  relu(): Tensor {
    return aten.relu.call([this]) as Tensor;
  }
  relu_(): this {
    aten.relu_.call([this]);
    return this;
  }
  sigmoid(): Tensor {
    return aten.sigmoid.call([this]) as Tensor;
  }
  tanh(): Tensor {
    return aten.tanh.call([this]) as Tensor;
  }
  softmax(dim: number, options: { dtype?: DType } = {}): Tensor {
    return aten.softmax.call([this, dim, options.dtype]) as Tensor;
  }
  logSoftmax(dim: number, options: { dtype?: DType } = {}): Tensor {
    return aten.logSoftmax.call([this, dim, options.dtype]) as Tensor;
  }

  // ---- shape ------------------------------------------------------------------------------

  /** `reshape(2, 3)` or `reshape([2, 3])`; -1 infers one size. */
  reshape(...shape: number[] | [readonly number[]]): Tensor {
    return aten.reshape.call([this, dims(shape)]) as Tensor;
  }
  /** Like reshape, but always shares storage (fails for incompatible strides). */
  view(...shape: number[] | [readonly number[]]): Tensor {
    return aten.view.call([this, dims(shape)]) as Tensor;
  }
  permute(...order: number[] | [readonly number[]]): Tensor {
    return aten.permute.call([this, dims(order)]) as Tensor;
  }
  transpose(dim0: number, dim1: number): Tensor {
    return aten.transpose.call([this, dim0, dim1]) as Tensor;
  }
  /** The transpose of a 2-D tensor; 0-D and 1-D tensors come back as they are (as views). */
  t(): Tensor {
    return aten.t.call([this]) as Tensor;
  }
  squeeze(dim?: number): Tensor {
    return (dim === undefined ? aten.squeezeAll.call([this]) : aten.squeezeDim.call([this, dim])) as Tensor;
  }
  unsqueeze(dim: number): Tensor {
    return aten.unsqueeze.call([this, dim]) as Tensor;
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return aten.flatten.call([this, startDim, endDim]) as Tensor;
  }
  expand(...shape: number[] | [readonly number[]]): Tensor {
    return aten.expand.call([this, dims(shape)]) as Tensor;
  }
  /** Splits into pieces of `size` along `dim`, or into the given sizes. */
  split(size: number | number[], dim = 0): Tensor[] {
    return (Array.isArray(size) ? aten.splitSizes : aten.splitSize).call([this, size, dim]) as Tensor[];
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return aten.chunk.call([this, chunks, dim]) as Tensor[];
  }

  // ---- indexing ---------------------------------------------------------------------------

  /**
   * PyTorch indexing: `t.index(0, slice(1, null), null, '...')` is `t[0, 1:, None, ...]`.
   * Boolean mask and integer tensors select like `t[mask]` and `t[idx]`.
   */
  index(...items: IndexItem[]): Tensor {
    return this._index(items) as Tensor;
  }
  /** `t[items] = value`, in place; returns this tensor. */
  indexPut_(items: IndexItem[], value: TensorLike): this {
    this._indexPut(items, value);
    return this;
  }

  // ---- in place ---------------------------------------------------------------------------

  zero_(): this {
    aten.zero_.call([this]);
    return this;
  }
  fill_(value: number | boolean): this {
    aten.fill_.call([this, value]);
    return this;
  }
  copy_(source: Tensor): this {
    aten.copy_.call([this, source, false]);
    return this;
  }

  // ---- autograd ---------------------------------------------------------------------------

  /**
   * Computes gradients of this tensor with respect to the graph leaves and accumulates them into
   * their `.grad`. A non-scalar tensor needs `gradient` (the vector of the vector-Jacobian product).
   */
  backward(gradient?: Tensor | null, options: BackwardOptions = {}): void {
    native.backward([this], [gradient ?? null], options.retainGraph, options.createGraph ?? false);
  }

  // ---- memory and printing ----------------------------------------------------------------

  /** Frees the tensor now (`using` calls this). */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Prints like PyTorch: `tensor([[1., 2.], [3., 4.]], requires_grad=True)`. */
  toString(): string {
    if (this.isDisposed) return 'tensor(<disposed>)';
    return formatTensor({
      values: this._toTypedArray(),
      shape: this.shape,
      dtype: this.dtype,
      device: this.device,
      requiresGrad: this.requiresGrad,
      gradFn: this.gradFn,
    });
  }

  [inspectSymbol](): string {
    return this.toString();
  }
}

/** A tensor: the fields and methods above, and the generated ATen methods they do not define (lib/ops/surface.ts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the interface only merges its bases
export interface Tensor extends TensorImpl, Omit<TensorMethods, keyof TensorImpl> {}

/**
 * The Tensor class. `x instanceof Tensor` works; tensors are made by the factories and operations,
 * not with `new`.
 */
export const Tensor = TensorImpl as unknown as abstract new (token: never, handle: never) => Tensor;
// Every copy of the package brands its Tensors alike, so that the addon can tell a Tensor of another
// copy (the ESM and CommonJS builds in one process) from an unrelated object in its error message.
Object.defineProperty(TensorImpl.prototype, Symbol.for('nodetorch.Tensor'), { value: true });
native.setClasses(TensorImpl, TorchError, HANDLE, TOKEN);

/**
 * A Tensor with no native tensor yet, for a native call to fill (`native.callOpInto`, the hot
 * paths): making it in JS is cheaper than having the addon call the constructor.
 */
export function emptyResult(): Tensor {
  return new TensorImpl(TOKEN, -1) as Tensor;
}

/** Gives `out` the handle a native call returned; null when the op gave no tensor. */
export function filled(out: Tensor, handle: number): Tensor | null {
  out[HANDLE] = handle;
  return handle < 0 ? null : out;
}
