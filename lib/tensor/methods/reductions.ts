/** Reductions over all elements or over dimensions. */
import { methodPacket } from '../../ops/surface.js';
import { bound } from '../bound-ops.js';
import { Tensor } from '../tensor.js';
import type { DType } from '../types.js';

/** Values and their indices, as `max(dim)` and `min(dim)` give them. */
export interface ValuesAndIndices {
  values: Tensor;
  indices: Tensor;
}

/** Keyword arguments of the dimension reductions. */
export interface ReductionOptions {
  dim?: number | number[] | null;
  keepdim?: boolean;
  dtype?: DType;
}

/** The reduction methods of Tensor (each also takes PyTorch's keyword arguments as a trailing options object). */
export interface ReductionMethods {
  /** Sum of all elements, or over `options.dim` (a dimension or a list of them), like torch.sum. */
  sum(options?: ReductionOptions): Tensor;
  /** Sum over `dim` (a dimension, a list of them, or null for all). */
  sum(dim: number | number[] | null, options?: Omit<ReductionOptions, 'dim'>): Tensor;
  /** Sum over `dim`, keeping the reduced dimensions as size 1 when `keepdim`. */
  sum(dim: number | number[] | null, keepdim: boolean, options?: { dtype?: DType }): Tensor;
  /** Mean of all elements, or over `options.dim`, like torch.mean. */
  mean(options?: ReductionOptions): Tensor;
  /** Mean over `dim` (a dimension, a list of them, or null for all). */
  mean(dim: number | number[] | null, options?: Omit<ReductionOptions, 'dim'>): Tensor;
  /** Mean over `dim`, keeping the reduced dimensions as size 1 when `keepdim`. */
  mean(dim: number | number[] | null, keepdim: boolean, options?: { dtype?: DType }): Tensor;
  /** Product of all elements, optionally computed in `dtype`, like torch.prod. */
  prod(options?: { dtype?: DType }): Tensor;
  /** Product along `dim`, keeping it as size 1 when `keepdim`. */
  prod(dim: number, keepdim?: boolean | { keepdim?: boolean; dtype?: DType }): Tensor;
  /** The largest element, as a 0-d tensor. */
  max(): Tensor;
  /** The largest values along `dim` and their indices, like torch.max(input, dim). */
  max(dim: number, keepdim?: boolean | { keepdim?: boolean }): ValuesAndIndices;
  /** The elementwise maximum with `other` (torch.maximum). */
  max(other: Tensor): Tensor;
  /** The smallest element, as a 0-d tensor. */
  min(): Tensor;
  /** The smallest values along `dim` and their indices, like torch.min(input, dim). */
  min(dim: number, keepdim?: boolean | { keepdim?: boolean }): ValuesAndIndices;
  /** The elementwise minimum with `other` (torch.minimum). */
  min(other: Tensor): Tensor;
  /** Index of the largest element (flattened), or along `dim`. */
  argmax(dim?: number | null, keepdim?: boolean | { keepdim?: boolean }): Tensor;
  /** Index of the smallest element (flattened), or along `dim`. */
  argmin(dim?: number | null, keepdim?: boolean | { keepdim?: boolean }): Tensor;
  /** Standard deviation over all elements or `dim`; Bessel-corrected unless `unbiased` is false. */
  std(dim?: number | number[] | null, unbiased?: boolean | { unbiased?: boolean; keepdim?: boolean }, keepdim?: boolean): Tensor;
  /** Variance over all elements or `dim`; Bessel-corrected unless `unbiased` is false. */
  var(dim?: number | number[] | null, unbiased?: boolean | { unbiased?: boolean; keepdim?: boolean }, keepdim?: boolean): Tensor;
  /** Whether every element is true (non-zero), or along `dim`. */
  all(dim?: number, keepdim?: boolean | { keepdim?: boolean }): Tensor;
  /** Whether any element is true (non-zero), or along `dim`. */
  any(dim?: number, keepdim?: boolean | { keepdim?: boolean }): Tensor;
}

// The trailing-options forms are routed to the generated overloads (methods/index.ts): these
// implementations see positional arguments only.
type Positional = (...args: never[]) => unknown;

export const reductionMethods: Record<keyof ReductionMethods, Positional> & ThisType<Tensor> = {
  sum(dim?: number | number[] | null, keepdim: boolean = false) {
    if (dim === undefined || dim === null) return bound.sumAll.call([this, undefined]);
    return bound.sumDim.call([this, dim, keepdim, undefined]);
  },
  mean(dim?: number | number[] | null, keepdim: boolean = false) {
    if (dim === undefined || dim === null) return bound.meanAll.call([this, undefined]);
    return bound.meanDim.call([this, dim, keepdim, undefined]);
  },
  prod(...args: unknown[]) {
    if (args.length === 0) return bound.prodAll.call([this]);
    return methodPacket('prod').call([this, ...args]);
  },
  max(dim?: number | Tensor, keepdim: boolean = false) {
    if (dim === undefined) return bound.maxAll.call([this]);
    if (dim instanceof Tensor) return bound.maximum.call([this, dim]);
    const [values, indices] = bound.maxDim.call([this, dim, keepdim]);
    return { values, indices };
  },
  min(dim?: number | Tensor, keepdim: boolean = false) {
    if (dim === undefined) return bound.minAll.call([this]);
    if (dim instanceof Tensor) return bound.minimum.call([this, dim]);
    const [values, indices] = bound.minDim.call([this, dim, keepdim]);
    return { values, indices };
  },
  argmax(dim: number | null = null, keepdim: boolean = false) {
    return bound.argmax.call([this, dim, keepdim]);
  },
  argmin(dim: number | null = null, keepdim: boolean = false) {
    return bound.argmin.call([this, dim, keepdim]);
  },
  std(dim: number | number[] | null = null, unbiased = true, keepdim: boolean = false) {
    return bound.std.call([this, dim, unbiased, keepdim]);
  },
  var(dim: number | number[] | null = null, unbiased = true, keepdim: boolean = false) {
    return bound.var.call([this, dim, unbiased, keepdim]);
  },
  all(...args: unknown[]) {
    if (args.length === 0) return bound.all.call([this]);
    return methodPacket('all').call([this, ...args]);
  },
  any(...args: unknown[]) {
    if (args.length === 0) return bound.any.call([this]);
    return methodPacket('any').call([this, ...args]);
  },
};
