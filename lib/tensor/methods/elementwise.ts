/** Elementwise functions and the softmaxes. */
import { bound } from '../bound-ops.js';
import { Tensor } from '../tensor.js';
import type { DType } from '../types.js';

/** The elementwise methods of Tensor (each also takes PyTorch's keyword arguments as a trailing options object). */
export interface ElementwiseMethods {
  /** `e ** this`. */
  exp(): Tensor;
  /** `exp` in place. */
  exp_(): Tensor;
  /** Natural logarithm. */
  log(): Tensor;
  /** Square root. */
  sqrt(): Tensor;
  /** Absolute value. */
  abs(): Tensor;
  /** Limits elements to [min, max]; either bound may be null. */
  clamp(min?: number | Tensor | null, max?: number | Tensor | null): Tensor;
  /** `clamp` in place. */
  clamp_(min?: number | null, max?: number | null): Tensor;
  /** `max(this, 0)`. */
  relu(): Tensor;
  /** `relu` in place. */
  relu_(): Tensor;
  /** `1 / (1 + e ** -this)`. */
  sigmoid(): Tensor;
  /** Hyperbolic tangent. */
  tanh(): Tensor;
  /** Softmax along `dim` (computed in `dtype` when given). */
  softmax(dim: number, options?: { dtype?: DType }): Tensor;
  /** Log of the softmax along `dim`, computed stably. */
  logSoftmax(dim: number, options?: { dtype?: DType }): Tensor;
}

export const elementwiseMethods: ElementwiseMethods & ThisType<Tensor> = {
  exp() {
    return bound.exp.call([this]);
  },
  exp_() {
    bound.exp_.call([this]);
    return this;
  },
  log() {
    return bound.log.call([this]);
  },
  sqrt() {
    return bound.sqrt.call([this]);
  },
  abs() {
    return bound.abs.call([this]);
  },
  clamp(min = null, max = null) {
    const tensors = min instanceof Tensor || max instanceof Tensor;
    return (tensors ? bound.clampTensor : bound.clamp).call([this, min, max]);
  },
  clamp_(min = null, max = null) {
    bound.clamp_.call([this, min, max]);
    return this;
  },
  relu() {
    return bound.relu.call([this]);
  },
  relu_() {
    bound.relu_.call([this]);
    return this;
  },
  sigmoid() {
    return bound.sigmoid.call([this]);
  },
  tanh() {
    return bound.tanh.call([this]);
  },
  softmax(dim, options = {}) {
    return bound.softmax.call([this, dim, options.dtype]);
  },
  logSoftmax(dim, options = {}) {
    return bound.logSoftmax.call([this, dim, options.dtype]);
  },
};
