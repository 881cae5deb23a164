/** Elementwise comparisons: each gives a bool tensor, broadcasting. */
import { bound } from '../bound-ops.js';
import type { Tensor } from '../tensor.js';
import type { TensorLike } from './arithmetic.js';

/** The comparison methods of Tensor. */
export interface ComparisonMethods {
  /** `this == other`. */
  eq(other: TensorLike): Tensor;
  /** `this != other`. */
  ne(other: TensorLike): Tensor;
  /** `this < other`. */
  lt(other: TensorLike): Tensor;
  /** `this <= other`. */
  le(other: TensorLike): Tensor;
  /** `this > other`. */
  gt(other: TensorLike): Tensor;
  /** `this >= other`. */
  ge(other: TensorLike): Tensor;
  /** Elementwise `not` (zero is false). */
  logicalNot(): Tensor;
}

export const comparisonMethods: ComparisonMethods & ThisType<Tensor> = {
  eq(other) {
    return bound.eq.call([this, other]);
  },
  ne(other) {
    return bound.ne.call([this, other]);
  },
  lt(other) {
    return bound.lt.call([this, other]);
  },
  le(other) {
    return bound.le.call([this, other]);
  },
  gt(other) {
    return bound.gt.call([this, other]);
  },
  ge(other) {
    return bound.ge.call([this, other]);
  },
  logicalNot() {
    return bound.logicalNot.call([this]);
  },
};
