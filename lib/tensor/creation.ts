import { markAsUntransferable } from 'node:worker_threads';
import { native } from '../native.js';
import { isComplexDType, isFloatingDType } from './dtypes.js';
import { bound } from './bound-ops.js';
import { Tensor } from './tensor.js';
import type { DType, TensorOptions } from './types.js';

/** Nested arrays of numbers or booleans, as `tensor()` accepts them. */
export type NestedData = number | boolean | bigint | readonly NestedData[];

/** Typed arrays that map to a dtype without conversion. */
export type TypedArray =
  Float32Array | Float64Array | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Int32Array | BigInt64Array | Uint16Array;

// A shape argument, checked here so that a non-array gets a message naming the factory.
function sizeOf(factory: string, shape: readonly number[]): number[] {
  const given: unknown = shape; // checked as unknown: Array.isArray would narrow shape to any[]
  if (!Array.isArray(given))
    throw new TypeError(`${factory}(): shape must be an array of integers, got ${given === null ? 'null' : typeof given}`);
  return [...shape];
}

function finish(result: Tensor, options: TensorOptions): Tensor {
  if (options.requiresGrad) result.requiresGrad = true;
  return result;
}

function factoryArgs(options: TensorOptions): unknown[] {
  return [options.dtype, undefined, options.device, undefined];
}

function inferShape(data: NestedData): number[] {
  const shape: number[] = [];
  let level: NestedData = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0] as NestedData;
  }
  return shape;
}

type Kind = 'bool' | 'int' | 'float' | 'bigint';

// Flattens `data` row-major, checking that it is rectangular and holds only numbers/booleans/bigints.
// The path of an element (`[1][2]`) is built only for an error message: building it per element
// was most of the cost of tensor() on large arrays.
function flatten(data: NestedData, shape: number[]): { flat: (number | boolean | bigint)[]; kind: Kind } {
  const flat: (number | boolean | bigint)[] = [];
  let kinds = 0; // bits: 1 bool, 2 int, 4 float, 8 bigint
  const at: number[] = [];
  const path = () => at.map((i) => `[${i}]`).join('');
  const leaf = (value: NestedData): void => {
    if (typeof value === 'number') kinds |= Number.isInteger(value) ? 2 : 4;
    else if (typeof value === 'boolean') kinds |= 1;
    else if (typeof value === 'bigint') kinds |= 8;
    else if (Array.isArray(value))
      throw new TypeError(
        `tensor(): ragged nested array: data${path()} is an array where a value was expected (shape so far ${JSON.stringify(shape)})`,
      );
    else throw new TypeError(`tensor(): data${path()} must be a number, boolean or bigint, got ${value === null ? 'null' : typeof value}`);
    flat.push(value);
  };
  const walk = (value: NestedData, depth: number): void => {
    if (depth === shape.length) return leaf(value);
    if (!Array.isArray(value) || value.length !== shape[depth]) {
      throw new TypeError(
        `tensor(): ragged nested array: data${path()} has ${Array.isArray(value) ? `length ${value.length}` : 'no elements'}, expected ${shape[depth]}`,
      );
    }
    at.push(0);
    for (let i = 0; i < value.length; i++) {
      at[depth] = i;
      walk(value[i] as NestedData, depth + 1);
    }
    at.pop();
  };
  walk(data, 0);
  const kind: Kind = kinds & 4 ? 'float' : kinds & 8 ? 'bigint' : kinds & 2 ? 'int' : kinds & 1 ? 'bool' : 'float';
  return { flat, kind };
}

const defaultDtype: Record<Kind, DType> = { bool: 'bool', int: 'int64', float: 'float32', bigint: 'int64' };

/**
 * A new tensor holding a copy of `data`: nested arrays, a number or boolean (0-dim), a typed array
 * (1-dim), or a Tensor. The dtype is inferred like PyTorch (all integers: int64; any fraction:
 * float32; booleans: bool) unless `options.dtype` says otherwise.
 */
export function tensor(data: NestedData | TypedArray | Tensor, options: TensorOptions = {}): Tensor {
  if (data instanceof Tensor) {
    const copy = data
      .detach()
      .to({ dtype: options.dtype ?? data.dtype, device: options.device ?? (data.device as TensorOptions['device']), copy: true });
    return finish(copy, options);
  }
  if (ArrayBuffer.isView(data)) return finish(fromTypedArray(data, undefined, { ...options, copy: true }), options);
  const shape = inferShape(data);
  const { flat, kind } = flatten(data, shape);
  const dtype = options.dtype ?? defaultDtype[kind];
  const isIntegral = !isFloatingDType(dtype) && !isComplexDType(dtype);
  let buffer: TypedArray;
  if (kind === 'bigint') {
    buffer = BigInt64Array.from(flat, (v) => BigInt(v));
  } else {
    // The constructor applies ToNumber (true is 1) without a map function: a mapped
    // Float64Array.from takes V8's slow path, 25x slower on a 784-value array.
    buffer = new Float64Array(flat as number[]);
    if (isIntegral && dtype !== 'bool') {
      const bad = buffer.find((v) => !Number.isFinite(v));
      if (bad !== undefined) throw new TypeError(`tensor(): ${bad} cannot be converted to dtype ${dtype}`);
    }
  }
  const created = native.fromTypedArray(buffer, shape, dtype, true) as Tensor;
  const placed = options.device && options.device !== 'cpu' ? created.to({ device: options.device }) : created;
  if (placed !== created) created.dispose();
  return finish(placed, options);
}

/**
 * Whether `data`'s memory can back a tensor for as long as the tensor lives. Keeping the buffer
 * object alive is not enough on its own: a transfer (postMessage, structuredClone) moves the
 * memory to a new owner, and a resizable buffer can shrink under the tensor. Transfers are
 * therefore turned into copies for a shared buffer (Node's markAsUntransferable; newer Node
 * versions throw instead), and a resizable or growable buffer is never shared.
 */
function canShareMemory(data: ArrayBufferView): boolean {
  const buffer = data.buffer as ArrayBuffer & { resizable?: boolean; growable?: boolean };
  if (buffer.resizable === true || buffer.growable === true) return false;
  // A SharedArrayBuffer cannot be detached or shrunk; its memory lives while the object does.
  if (Object.prototype.toString.call(buffer) !== '[object SharedArrayBuffer]') markAsUntransferable(buffer);
  return true;
}

/**
 * A tensor over the typed array's memory. Without conversion the memory is shared, as
 * `torch.from_numpy` shares it (writes show through both ways; the tensor keeps the buffer alive),
 * SharedArrayBuffers included; a shared ArrayBuffer can no longer be transferred (a transfer to a
 * worker copies it instead, or throws on newer Node versions). With `copy: true`, a different
 * dtype, a misaligned view, or a resizable or growable buffer, the data is copied.
 * Uint16Array holds raw float16/bfloat16 bits when `dtype` says so.
 */
export function fromTypedArray(data: TypedArray, shape?: readonly number[], options: TensorOptions & { copy?: boolean } = {}): Tensor {
  const copy = options.copy === true || (ArrayBuffer.isView(data) && !canShareMemory(data));
  const created = native.fromTypedArray(data, shape ? [...shape] : [data.length], options.dtype, copy) as Tensor;
  const placed = options.device && options.device !== 'cpu' ? created.to({ device: options.device }) : created;
  if (placed !== created) created.dispose();
  return finish(placed, options);
}

/** Zeros of the given shape, e.g. `zeros([2, 3])`. */
export function zeros(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return finish(bound.zeros.call([sizeOf('zeros', shape), ...factoryArgs(options)]), options);
}
/** Ones of the given shape, e.g. `ones([2, 3])`. */
export function ones(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return finish(bound.ones.call([sizeOf('ones', shape), ...factoryArgs(options)]), options);
}
/** Uninitialized memory of the given shape. */
export function empty(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return finish(bound.empty.call([sizeOf('empty', shape), ...factoryArgs(options)]), options);
}
/** A tensor filled with `value`; the dtype follows the value (bool, int64 or float32) unless given. */
export function full(shape: readonly number[], value: number | boolean, options: TensorOptions = {}): Tensor {
  return finish(bound.full.call([sizeOf('full', shape), value, ...factoryArgs(options)]), options);
}
/** Uniform samples in [0, 1). */
export function rand(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return finish(bound.rand.call([sizeOf('rand', shape), ...factoryArgs(options)]), options);
}
/** Standard normal samples. */
export function randn(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return finish(bound.randn.call([sizeOf('randn', shape), ...factoryArgs(options)]), options);
}
/** Integers uniform in [low, high) (int64 unless `dtype` says otherwise). */
export function randint(low: number, high: number, shape: readonly number[], options: TensorOptions = {}): Tensor {
  return finish(bound.randint.call([low, high, sizeOf('randint', shape), ...factoryArgs({ dtype: 'int64', ...options })]), options);
}
/** A random permutation of 0..n-1 (int64 unless `dtype` says otherwise). */
export function randperm(n: number, options: TensorOptions = {}): Tensor {
  return finish(bound.randperm.call([n, ...factoryArgs({ dtype: 'int64', ...options })]), options);
}
/** `arange(end)`, `arange(start, end)` or `arange(start, end, step)`; int64 when all are integers. */
export function arange(end: number, options?: TensorOptions): Tensor;
export function arange(start: number, end: number, options?: TensorOptions): Tensor;
export function arange(start: number, end: number | undefined, step: number, options?: TensorOptions): Tensor;
export function arange(...args: (number | undefined | TensorOptions)[]): Tensor {
  // Like Python: arange(end), arange(start, end), arange(start, end, step), options last in any of them.
  const last = args[args.length - 1];
  const options = (last !== null && typeof last === 'object' ? args.pop() : {}) as TensorOptions;
  const [start, end, step = 1] = args as [number, number | undefined, number | undefined];
  const [from, to] = end === undefined ? [0, start] : [start, end];
  return finish(bound.arange.call([from, to, step, ...factoryArgs(options)]), options);
}
/** `steps` evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  return finish(bound.linspace.call([start, end, steps, ...factoryArgs(options)]), options);
}
/** The n x m (default n x n) identity matrix. */
export function eye(n: number, m = n, options: TensorOptions = {}): Tensor {
  return finish(bound.eye.call([n, m, ...factoryArgs(options)]), options);
}

function likeArgs(options: TensorOptions): unknown[] {
  return [...factoryArgs(options), undefined];
}
/** Zeros with the shape (and by default dtype and device) of `like`. */
export function zerosLike(like: Tensor, options: TensorOptions = {}): Tensor {
  return finish(bound.zerosLike.call([like, ...likeArgs(options)]), options);
}
/** Ones with the shape (and by default dtype and device) of `like`. */
export function onesLike(like: Tensor, options: TensorOptions = {}): Tensor {
  return finish(bound.onesLike.call([like, ...likeArgs(options)]), options);
}
/** Uninitialized memory with the shape (and by default dtype and device) of `like`. */
export function emptyLike(like: Tensor, options: TensorOptions = {}): Tensor {
  return finish(bound.emptyLike.call([like, ...likeArgs(options)]), options);
}
/** `value` everywhere, with the shape (and by default dtype and device) of `like`. */
export function fullLike(like: Tensor, value: number | boolean, options: TensorOptions = {}): Tensor {
  return finish(bound.fullLike.call([like, value, ...likeArgs(options)]), options);
}
/** Uniform samples in [0, 1) with the shape (and by default dtype and device) of `like`. */
export function randLike(like: Tensor, options: TensorOptions = {}): Tensor {
  return finish(bound.randLike.call([like, ...likeArgs(options)]), options);
}
/** Standard normal samples with the shape (and by default dtype and device) of `like`. */
export function randnLike(like: Tensor, options: TensorOptions = {}): Tensor {
  return finish(bound.randnLike.call([like, ...likeArgs(options)]), options);
}
/** Integers uniform in [low, high) with the shape (and by default dtype and device) of `like`. */
export function randintLike(like: Tensor, low: number, high: number, options: TensorOptions = {}): Tensor {
  return finish(bound.randintLike.call([like, low, high, ...likeArgs(options)]), options);
}

/** Seeds every random generator (CPU and CUDA), like `torch.manual_seed`. */
export function manualSeed(seed: number | bigint): void {
  native.manualSeed(seed);
}

/** The default CPU generator's state as a uint8 tensor, like `torch.get_rng_state()` (checkpoints save it). */
export function getRngState(): Tensor {
  return native.getRngState() as Tensor;
}

/** Restores the default CPU generator from a tensor that {@link getRngState} returned, like `torch.set_rng_state`. */
export function setRngState(state: Tensor): void {
  native.setRngState(state);
}

/** Makes LibTorch use deterministic algorithms only (ops without one throw), like `torch.use_deterministic_algorithms`. */
export function useDeterministicAlgorithms(mode: boolean): void {
  native.useDeterministicAlgorithms(mode);
}

/** Whether {@link useDeterministicAlgorithms} is on. */
export function areDeterministicAlgorithmsEnabled(): boolean {
  return native.areDeterministicAlgorithmsEnabled();
}

/** Concatenates tensors along an existing dimension. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  return bound.cat.call([tensors, dim]);
}
/** Stacks tensors along a new dimension. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  return bound.stack.call([tensors, dim]);
}
