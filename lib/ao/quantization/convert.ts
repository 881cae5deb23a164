/**
 * torch.ao.quantization.convert: eager-mode static quantization's last step. Each observed layer is
 * replaced by its quantized counterpart, built from its calibrated observer and its weights.
 * @module
 */
import { deepCopy } from '../../nn/deep-copy.js';
import { Module } from '../../nn/module.js';
import { FusedModule, type ModuleClass } from '../nn/intrinsic/fused.js';
import { DEFAULT_STATIC_QUANT_MODULE_MAPPINGS, type FromFloat } from './mappings.js';
import { OBSERVER_NAME, hasObserver, observerForwardHook } from './observer-hook.js';
import type { ObserverBase } from './observers/base.js';
import { DeQuantStub } from './stubs.js';

/** Options of {@link convert}. */
export interface ConvertOptions {
  /** Convert `model` itself rather than a deep copy (default false). */
  inplace?: boolean;
  /** Float class -> quantized module maker (default DEFAULT_STATIC_QUANT_MODULE_MAPPINGS). */
  mapping?: ReadonlyMap<ModuleClass, FromFloat>;
}

/**
 * PyTorch's eager-mode `convert`: every module with a qconfig whose class is in the mapping is
 * replaced by its quantized counterpart (children first; fused modules as one), with the user's
 * forward hooks moved over; qconfigs are removed afterwards. Returns a converted deep copy (`model`
 * unchanged), or `model` with `inplace`. A layer to convert without an observer (convert before
 * prepare) or whose observer saw no data (no calibration) is an error naming the layer; every
 * replacement is built before any is made, so an error leaves the model as it was.
 */
export function convert<M extends Module>(model: M, options: ConvertOptions = {}): M {
  if (!(model instanceof Module)) throw new TypeError('convert: model must be an nn.Module');
  const mapping = options.mapping ?? DEFAULT_STATIC_QUANT_MODULE_MAPPINGS;
  if (![...model.modules()].some(hasObserver))
    throw new Error('convert: the model has no observers: run prepare(model) and calibrate it before convert');
  const target = options.inplace ? model : deepCopy(model);
  swapModules(target, mapping, { requireObservers: true });
  for (const module of target.modules()) delete module.qconfig;
  return target;
}

/**
 * @internal Replaces every module with a qconfig whose class is in `mapping` by what the mapping
 * makes of it, keeping the user's hooks (prepare's observer hook is dropped). All replacements are
 * made before any is swapped in, so an error changes nothing. With `requireObservers`, a mapped
 * layer must have a calibrated observer (convert); without, not (prepareQat's float-to-QAT swap).
 */
export function swapModules(target: Module, mapping: ReadonlyMap<ModuleClass, FromFloat>, options: { requireObservers: boolean }): void {
  const swaps: [string, Module, Module][] = [];
  planSwaps(target, '', mapping, swaps, options.requireObservers);
  for (const [path, original, replacement] of swaps) {
    for (const hook of original.registeredForwardPreHooks()) replacement.registerForwardPreHook(hook);
    for (const hook of original.registeredForwardHooks()) if (hook !== observerForwardHook) replacement.registerForwardHook(hook);
    target.setSubmodule(path, replacement);
  }
}

// PyTorch's _convert: children first (not into fused modules), then the module itself if mapped.
function planSwaps(
  module: Module,
  path: string,
  mapping: ReadonlyMap<ModuleClass, FromFloat>,
  swaps: [string, Module, Module][],
  requireObservers: boolean,
): void {
  for (const [name, child] of module.namedChildren()) {
    const childPath = path ? `${path}.${name}` : name;
    const fromFloat = child.qconfig ? mapping.get(child.constructor as ModuleClass) : undefined;
    if (!fromFloat) {
      if (!(child instanceof FusedModule)) planSwaps(child, childPath, mapping, swaps, requireObservers);
      continue;
    }
    const what = `'${childPath}' (${child.constructor.name})`;
    if (requireObservers && !(child instanceof DeQuantStub)) {
      if (!hasObserver(child)) throw new Error(`convert: ${what} has no observer: run prepare(model) and calibrate it before convert`);
      const observer = child.getSubmodule(OBSERVER_NAME) as ObserverBase;
      if (observer.hasObserved === false)
        throw new Error(`convert: the observer of ${what} saw no data: run the prepared model on calibration data before convert`);
    }
    try {
      swaps.push([childPath, child, fromFloat(child)]);
    } catch (error) {
      throw new Error(`convert: ${what}: ${(error as Error).message}`, { cause: error });
    }
  }
}
