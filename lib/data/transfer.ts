/**
 * Moving tensors between threads. A tensor travels as its elements in a typed array plus shape and
 * dtype; the sender transfers the array's buffer (no copy in `postMessage`) and the receiver wraps it
 * with `fromTypedArray` (no copy either), so a batch costs one copy out of LibTorch in the worker.
 */
import { fromTypedArray, type TypedArray } from '../tensor/creation.js';
import { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/types.js';
import { isPlainObject } from '../util/validate.js';

/** Key that marks a packed tensor inside a packed value. */
export const TENSOR_KEY = '__nodetorchTensor__';

/** A tensor as it crosses a thread boundary. */
export interface PackedTensor {
  data: TypedArray;
  shape: number[];
  dtype: DType;
}

/** Copies a tensor's elements (on the CPU, row-major) into a fresh typed array the caller owns. */
export function packTensor(tensor: Tensor): PackedTensor {
  if (tensor.dtype === 'complex64' || tensor.dtype === 'complex128')
    throw new TypeError(`DataLoader workers cannot send ${tensor.dtype} tensors; return real tensors (torch.viewAsReal) from the dataset`);
  return { data: tensor.toTypedArray(), shape: [...tensor.shape], dtype: tensor.dtype };
}

/** Rebuilds a packed tensor over the received memory (zero-copy when the array's type matches the dtype). */
export function unpackTensor(packed: PackedTensor): Tensor {
  return fromTypedArray(packed.data, packed.shape, { dtype: packed.dtype });
}

/**
 * Replaces every tensor in `value` (searched through arrays, plain objects and Maps) by its packed
 * form, adding the buffers to `transfer`. Other values are left for the structured clone.
 */
export function packValue(value: unknown, transfer: ArrayBuffer[]): unknown {
  if (value instanceof Tensor) {
    const packed = packTensor(value);
    transfer.push(packed.data.buffer as ArrayBuffer);
    return { [TENSOR_KEY]: packed };
  }
  if (Array.isArray(value)) return value.map((item) => packValue(item, transfer));
  if (value instanceof Map) return new Map([...value].map(([key, item]) => [key, packValue(item, transfer)]));
  if (typeof value === 'object' && value !== null && isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, packValue(item, transfer)]));
  }
  return value;
}

/** The inverse of {@link packValue}: packed tensors become Tensors again. */
export function unpackValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unpackValue);
  if (value instanceof Map) return new Map([...value].map(([key, item]) => [key, unpackValue(item)]));
  if (typeof value === 'object' && value !== null && isPlainObject(value)) {
    const record = value;
    if (TENSOR_KEY in record) return unpackTensor(record[TENSOR_KEY] as PackedTensor);
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, unpackValue(item)]));
  }
  return value;
}
