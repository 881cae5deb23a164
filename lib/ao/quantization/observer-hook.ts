/**
 * The forward hook prepare registers on an observed layer: its output goes through the layer's
 * `activation_post_process` child. One shared function (not a closure), so deep copies of a
 * prepared model keep working and convert can tell it from the user's own hooks.
 * @module
 */
import type { Module } from '../../nn/module.js';
import type { Tensor } from '../../tensor/tensor.js';

/** The name of an observed layer's observer child, as PyTorch's. */
export const OBSERVER_NAME = 'activation_post_process';

/** Runs the layer's output through its observer (the observer returns it unchanged, or fake-quantized in QAT). */
export function observerForwardHook(module: Module, _inputs: unknown[], output: unknown): unknown {
  return (module.getSubmodule(OBSERVER_NAME).forward as (x: Tensor) => Tensor)(output as Tensor);
}

/** Whether `module` has an observer child (an Identity placeholder, as FloatFunctional's before prepare, is none). */
export function hasObserver(module: Module): boolean {
  for (const [name, child] of module.namedChildren())
    if (name === OBSERVER_NAME) return typeof (child as unknown as { calculateQparams?: unknown }).calculateQparams === 'function';
  return false;
}
