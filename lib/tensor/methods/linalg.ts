/** Matrix products. */
import { native } from '../../native.js';
import { bound } from '../bound-ops.js';
import { Tensor } from '../tensor.js';
import { viaHot } from './arithmetic.js';

/** The linear-algebra methods of Tensor. */
export interface LinalgMethods {
  /** Matrix product with broadcasting batch dimensions (vectors are promoted as in NumPy). */
  matmul(other: Tensor): Tensor;
  /** `matmul` computed on the libuv thread pool, leaving the event loop free. */
  matmulAsync(other: Tensor): Promise<Tensor>;
  /** Product of two matrices. */
  mm(other: Tensor): Tensor;
  /** Product of two batches of matrices. */
  bmm(other: Tensor): Tensor;
}

export const linalgMethods: LinalgMethods & ThisType<Tensor> = {
  matmul(other) {
    if (other instanceof Tensor) return viaHot(native.hot.matmul, this, other);
    return bound.matmul.call([this, other]);
  },
  matmulAsync(other) {
    return bound.matmul.callAsync([this, other]);
  },
  mm(other) {
    return bound.mm.call([this, other]);
  },
  bmm(other) {
    return bound.bmm.call([this, other]);
  },
};
