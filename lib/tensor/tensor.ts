/**
 * The Tensor class: a handle to a native tensor, its properties, and memory management. The
 * operations are installed on its prototype: the hand-written ones (lib/tensor/methods/) and the
 * generated ATen methods (lib/ops/surface.ts), by lib/index.ts.
 * @module
 */
import { native, type DTypeName, type ElementArray } from '../native.js';
import type { TensorMethods } from '../ops/types.generated.js';
import { TorchError } from './errors.js';
import { formatTensor } from './format.js';
import { formatQuantized } from './format-quantized.js';
import { HANDLE, TOKEN } from './handle.js';
import type { HandWrittenMethods } from './methods/index.js';
import { record } from './scope.js';

export type { TensorLike } from './methods/arithmetic.js';
export type { NestedArray, ToOptions } from './methods/conversion.js';
export type { IndexItem, Slice } from './methods/indexing.js';
export type { BackwardOptions } from './methods/autograd.js';
export type { ValuesAndIndices, ReductionOptions } from './methods/reductions.js';

// Per-tensor native functions, called with the tensor's handle.
const fns = native.tensor;

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

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
  /** Sets it as PyTorch's requires_grad_ does: only floating and complex tensors can require grad, and a non-leaf cannot be turned off. */
  set requiresGrad(value: boolean) {
    fns.setRequiresGrad(this[HANDLE], value);
  }
  /** The accumulated gradient (after backward), or null; assignable, checked against shape, dtype and device. */
  get grad(): Tensor | null {
    return fns.grad(this[HANDLE]) as Tensor | null;
  }
  /** Replaces the gradient (null clears it); it must match this tensor's shape, dtype and device. */
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

  /** Frees the tensor now (`using` calls this). */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Prints like PyTorch: `tensor([[1., 2.], [3., 4.]], requires_grad=True)`. */
  toString(): string {
    if (this.isDisposed) return 'tensor(<disposed>)';
    if (this.dtype.startsWith('q')) return formatQuantized(this as unknown as Tensor);
    return formatTensor({
      values: this._toTypedArray(),
      shape: this.shape,
      dtype: this.dtype,
      device: this.device,
      requiresGrad: this.requiresGrad,
      gradFn: this.gradFn,
    });
  }

  /** What `console.log` and `util.inspect` print: the same as toString(). */
  [inspectSymbol](): string {
    return this.toString();
  }
}

/**
 * A tensor: the properties above, the hand-written methods (lib/tensor/methods/), and the
 * generated ATen methods they do not define (lib/ops/surface.ts).
 */
export interface Tensor extends TensorImpl, HandWrittenMethods, Omit<TensorMethods, keyof TensorImpl | keyof HandWrittenMethods> {}

/**
 * The Tensor class. `x instanceof Tensor` works; tensors are made by the factories and operations,
 * not with `new`.
 */
export const Tensor = TensorImpl as unknown as TensorConstructor;

/** The type of the {@link Tensor} class: abstract, since tensors come from the factories and operations, not `new`. */
export type TensorConstructor = abstract new (token: never, handle: never) => Tensor;
// Every copy of the package brands its Tensors alike, so that the addon can tell a Tensor of another
// copy (the ESM and CommonJS builds in one process) from an unrelated object in its error message.
Object.defineProperty(TensorImpl.prototype, Symbol.for('nodetorch.Tensor'), { value: true });
native.setClasses(TensorImpl, TorchError, HANDLE, TOKEN);
