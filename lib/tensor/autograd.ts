import { native } from '../native.js';
import type { Tensor } from './tensor.js';

function withGradMode<T>(enabled: boolean, fn: () => T, name: string): T {
  const previous = native.setGradEnabled(enabled);
  try {
    const result = fn();
    if (result instanceof Promise) {
      throw new TypeError(`${name}(fn): fn must be synchronous (grad mode is per thread and would not follow the Promise)`);
    }
    return result;
  } finally {
    native.setGradEnabled(previous);
  }
}

/** Runs `fn` without recording operations for autograd, like `with torch.no_grad():`. */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn, 'noGrad');
}

/** Runs `fn` with autograd recording on, even inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn, 'enableGrad');
}

/**
 * Runs `fn` in inference mode, like `with torch.inference_mode():` — no autograd recording and
 * no version counting, for the fastest inference. Tensors made inside are inference tensors: they
 * cannot take part in autograd later. Async work started inside (forwardAsync) runs in the mode too.
 * `enabled: false` turns the mode off inside an enclosing one.
 */
export function inferenceMode<T>(fn: () => T, options: { enabled?: boolean } = {}): T {
  native.enterInferenceMode(options.enabled ?? true);
  try {
    const result = fn();
    if (result instanceof Promise) {
      throw new TypeError('inferenceMode(fn): fn must be synchronous (the mode is per thread and would not follow the Promise)');
    }
    return result;
  } finally {
    native.exitInferenceMode();
  }
}

/** Whether inference mode is on for this thread (PyTorch's `torch.is_inference_mode_enabled()`). */
export function isInferenceModeEnabled(): boolean {
  return native.isInferenceModeEnabled();
}

/** Whether operations are being recorded for autograd on this thread. */
export function isGradEnabled(): boolean {
  return native.isGradEnabled();
}

/** Turns autograd recording on or off until changed again (prefer noGrad/enableGrad scopes). */
export function setGradEnabled(enabled: boolean): void {
  native.setGradEnabled(enabled);
}

/** Options of `autograd.grad`. */
export interface GradOptions {
  /** The vectors of the vector-Jacobian products, one per output (null for scalar outputs). */
  gradOutputs?: (Tensor | null)[];
  /** Keep the graph for another backward; default: createGraph. */
  retainGraph?: boolean;
  /** Record the gradient computation, for higher-order derivatives. */
  createGraph?: boolean;
  /** Return null for inputs the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
}

/** torch.autograd: functional gradients. */
export const autograd = {
  /**
   * Gradients of `outputs` with respect to `inputs`, returned instead of accumulated into `.grad`.
   */
  grad(outputs: Tensor | Tensor[], inputs: Tensor | Tensor[], options: GradOptions = {}): (Tensor | null)[] {
    const outs = Array.isArray(outputs) ? outputs : [outputs];
    const ins = Array.isArray(inputs) ? inputs : [inputs];
    const gradOutputs = options.gradOutputs ?? outs.map(() => null);
    return native.grad(
      outs,
      ins,
      gradOutputs,
      options.retainGraph,
      options.createGraph ?? false,
      options.allowUnused ?? false,
    ) as (Tensor | null)[];
  },
  /** Backward from several tensors at once, accumulating into the leaves' `.grad`. */
  backward(
    tensors: Tensor | Tensor[],
    gradTensors?: (Tensor | null)[],
    options: { retainGraph?: boolean; createGraph?: boolean } = {},
  ): void {
    const list = Array.isArray(tensors) ? tensors : [tensors];
    native.backward(list, gradTensors ?? list.map(() => null), options.retainGraph, options.createGraph ?? false);
  },
};
