/** Backpropagation from a tensor. */
import { native } from '../../native.js';
import type { Tensor } from '../tensor.js';

/** Options of `backward()`. */
export interface BackwardOptions {
  /** Keep the graph so backward can run through it again; default: the value of createGraph. */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order gradients. */
  createGraph?: boolean;
}

/** The autograd methods of Tensor. */
export interface AutogradMethods {
  /**
   * Computes gradients of this tensor with respect to the graph leaves and accumulates them into
   * their `.grad`. A non-scalar tensor needs `gradient` (the vector of the vector-Jacobian product).
   */
  backward(gradient?: Tensor | null, options?: BackwardOptions): void;
}

export const autogradMethods: AutogradMethods & ThisType<Tensor> = {
  backward(gradient, options = {}) {
    native.backward([this], [gradient ?? null], options.retainGraph, options.createGraph ?? false);
  },
};
