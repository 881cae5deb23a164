/** Tensor methods that convert: to JS arrays, to another dtype or device, copies and views of the same data. */
import type { ElementArray } from '../../native.js';
import { bound } from '../bound-ops.js';
import { isDevice } from '../dtypes.js';
import type { Tensor } from '../tensor.js';
import type { DType, Device } from '../types.js';
import type { MemoryFormat } from '../../ops/spec.js';

/** Nested JS arrays as `toArray()` returns them. */
export type NestedArray = number | boolean | NestedArray[];

/** Options of `Tensor.to`. */
export interface ToOptions {
  dtype?: DType;
  device?: Device;
  /** Always return a new tensor, even when nothing changes. */
  copy?: boolean;
  nonBlocking?: boolean;
  /** The layout of the result: 'channels_last' (NHWC strides) for 4-D image batches, ...; default 'preserve_format'. */
  memoryFormat?: MemoryFormat;
}

/** The conversion methods of Tensor. */
export interface ConversionMethods {
  /** The elements, flat and row-major: Float32Array, BigInt64Array for int64, Uint8Array for bool, ... */
  toTypedArray(): ElementArray;
  /** The elements as nested arrays (a plain number or boolean for a 0-dim tensor), like `tolist()`. */
  toArray(): NestedArray;
  /** `toArray()` with the device copy and layout change done off the event loop. */
  toArrayAsync(): Promise<NestedArray>;
  /** Converts dtype and/or device: `to('cuda')`, `to('float64')`, `to({ dtype, device })`. */
  to(target: DType | Device | ToOptions): Tensor;
  /** A copy on the CPU (this tensor if it is there). */
  cpu(): Tensor;
  /** A copy on GPU `index` (default 0). */
  cuda(index?: number): Tensor;
  /** As float32. */
  float(): Tensor;
  /** As float64. */
  double(): Tensor;
  /** As float16. */
  half(): Tensor;
  /** As int64. */
  long(): Tensor;
  /** As int32. */
  int(): Tensor;
  /** As bool. */
  bool(): Tensor;
  /** A copy with its own storage (autograd records it). */
  clone(): Tensor;
  /** A tensor sharing storage that is cut off from the autograd graph. */
  detach(): Tensor;
  /**
   * This tensor when its elements are dense in `memoryFormat` (default row-major,
   * 'contiguous_format'), else a copy that is; 'channels_last' lays a 4-D tensor out as NHWC.
   */
  contiguous(memoryFormat?: MemoryFormat): Tensor;
  /** Sets requiresGrad in place and returns this tensor. */
  requiresGrad_(requiresGrad?: boolean): Tensor;
}

function nest(flat: ArrayLike<number | bigint | boolean>, shape: readonly number[], bool: boolean): NestedArray {
  const convert = (value: number | bigint | boolean): number | boolean =>
    bool ? value !== 0 : typeof value === 'bigint' ? Number(value) : value;
  if (shape.length === 0) return convert(flat[0]!);
  let offset = 0;
  const build = (depth: number): NestedArray[] => {
    const out: NestedArray[] = [];
    for (let i = 0; i < shape[depth]!; i++) out.push(depth + 1 === shape.length ? convert(flat[offset++]!) : build(depth + 1));
    return out;
  };
  return build(0);
}

export const conversionMethods: ConversionMethods & ThisType<Tensor> = {
  toTypedArray() {
    return this._toTypedArray();
  },
  toArray() {
    return nest(this._toTypedArray(), this.shape, this.dtype === 'bool');
  },
  async toArrayAsync() {
    const cpu = await bound.to.callAsync([this, undefined, undefined, 'cpu', undefined, false, true, 'contiguous_format']);
    try {
      return cpu.toArray();
    } finally {
      cpu.dispose();
    }
  },
  to(target) {
    const options: ToOptions = typeof target === 'string' ? (isDevice(target) ? { device: target } : { dtype: target }) : target;
    return bound.to.call([
      this,
      options.dtype,
      undefined,
      options.device,
      undefined,
      options.nonBlocking ?? false,
      options.copy ?? false,
      options.memoryFormat,
    ]);
  },
  cpu() {
    return this.to({ device: 'cpu' });
  },
  cuda(index = 0) {
    return this.to({ device: `cuda:${index}` });
  },
  float() {
    return this.to({ dtype: 'float32' });
  },
  double() {
    return this.to({ dtype: 'float64' });
  },
  half() {
    return this.to({ dtype: 'float16' });
  },
  long() {
    return this.to({ dtype: 'int64' });
  },
  int() {
    return this.to({ dtype: 'int32' });
  },
  bool() {
    return this.to({ dtype: 'bool' });
  },
  clone() {
    return bound.clone.call([this]);
  },
  detach() {
    return bound.detach.call([this]);
  },
  contiguous(memoryFormat) {
    return memoryFormat === undefined ? bound.contiguous.call([this]) : bound.contiguous.call([this, memoryFormat]);
  },
  requiresGrad_(requiresGrad = true) {
    this.requiresGrad = requiresGrad;
    return this;
  },
};
