/** PyTorch indexing and the in-place writes. */
import { bound } from '../bound-ops.js';
import type { Tensor } from '../tensor.js';
import type { TensorLike } from './arithmetic.js';

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

/** The indexing and in-place methods of Tensor. */
export interface IndexingMethods {
  /**
   * PyTorch indexing: `t.index(0, slice(1, null), null, '...')` is `t[0, 1:, None, ...]`.
   * Boolean mask and integer tensors select like `t[mask]` and `t[idx]`.
   */
  index(...items: IndexItem[]): Tensor;
  /** `t[items] = value`, in place; returns this tensor. */
  indexPut_(items: IndexItem[], value: TensorLike): Tensor;
  /** Sets every element to zero, in place. */
  zero_(): Tensor;
  /** Sets every element to `value`, in place. */
  fill_(value: number | boolean): Tensor;
  /** Copies `source` (broadcast, converted) into this tensor. */
  copy_(source: Tensor): Tensor;
}

export const indexingMethods: IndexingMethods & ThisType<Tensor> = {
  index(...items) {
    return this._index(items) as Tensor;
  },
  indexPut_(items, value) {
    this._indexPut(items, value);
    return this;
  },
  zero_() {
    bound.zero_.call([this]);
    return this;
  },
  fill_(value) {
    bound.fill_.call([this, value]);
    return this;
  },
  copy_(source) {
    bound.copy_.call([this, source, false]);
    return this;
  },
};
