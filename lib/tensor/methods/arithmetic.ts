/** Arithmetic Tensor methods; add, sub, mul and matmul of two tensors take hand-bound native paths. */
import { native } from '../../native.js';
import { bound } from '../bound-ops.js';
import { HANDLE } from '../handle.js';
import { emptyResult, filled } from '../result.js';
import { Tensor } from '../tensor.js';

/** A number, or a Tensor, where an operand may be either (numbers promote like Python scalars). */
export type TensorLike = Tensor | number | boolean;

const hot = native.hot;

/** Runs a hot path: the result Tensor is made here and the addon fills it. */
export function viaHot(op: (out: object, self: number, other: number) => number, self: Tensor, other: Tensor): Tensor {
  const out = emptyResult();
  return filled(out, op(out, self[HANDLE], other[HANDLE]))!;
}

/** The arithmetic methods of Tensor (each also takes PyTorch's keyword arguments as a trailing options object). */
export interface ArithmeticMethods {
  /** `this + alpha * other`, broadcasting. */
  add(other: TensorLike, options?: { alpha?: number }): Tensor;
  /** `add` in place. */
  add_(other: TensorLike, options?: { alpha?: number }): Tensor;
  /** `this - alpha * other`, broadcasting. */
  sub(other: TensorLike, options?: { alpha?: number }): Tensor;
  /** `sub` in place. */
  sub_(other: TensorLike, options?: { alpha?: number }): Tensor;
  /** Elementwise product, broadcasting. */
  mul(other: TensorLike): Tensor;
  /** `mul` in place. */
  mul_(other: TensorLike): Tensor;
  /** Division; `roundingMode` 'trunc' or 'floor' rounds the quotient. */
  div(other: TensorLike, options?: { roundingMode?: 'trunc' | 'floor' | null }): Tensor;
  /** `div` in place. */
  div_(other: TensorLike, options?: { roundingMode?: 'trunc' | 'floor' | null }): Tensor;
  /** `-this`. */
  neg(): Tensor;
  /** Python's modulus: the result has the sign of the divisor. */
  remainder(other: TensorLike): Tensor;
  /** `this ** exponent`. */
  pow(exponent: TensorLike): Tensor;
  /** `pow` in place. */
  pow_(exponent: number): Tensor;
}

export const arithmeticMethods: ArithmeticMethods & ThisType<Tensor> = {
  add(other, options) {
    if (other instanceof Tensor && options?.alpha === undefined) return viaHot(hot.add, this, other);
    return bound.add.call([this, other, options?.alpha]);
  },
  add_(other, options = {}) {
    bound.add_.call([this, other, options.alpha]);
    return this;
  },
  sub(other, options) {
    if (other instanceof Tensor && options?.alpha === undefined) return viaHot(hot.sub, this, other);
    return bound.sub.call([this, other, options?.alpha]);
  },
  sub_(other, options = {}) {
    bound.sub_.call([this, other, options.alpha]);
    return this;
  },
  mul(other) {
    if (other instanceof Tensor) return viaHot(hot.mul, this, other);
    return bound.mul.call([this, other]);
  },
  mul_(other) {
    bound.mul_.call([this, other]);
    return this;
  },
  div(other, options = {}) {
    // True division is div.Tensor, which the addon calls unboxed.
    if (options.roundingMode === undefined || options.roundingMode === null) return bound.divTrue.call([this, other]);
    return bound.div.call([this, other, options.roundingMode]);
  },
  div_(other, options = {}) {
    bound.div_.call([this, other, options.roundingMode ?? null]);
    return this;
  },
  neg() {
    return bound.neg.call([this]);
  },
  remainder(other) {
    return bound.remainder.call([this, other]);
  },
  pow(exponent) {
    return (exponent instanceof Tensor ? bound.powTensor : bound.powScalar).call([this, exponent]);
  },
  pow_(exponent) {
    bound.pow_.call([this, exponent]);
    return this;
  },
};
