/**
 * The functions of torch.nn.utils.prune: each prunes one tensor of one module (everything after
 * the tensor's name in an options object) and returns the module; `remove` makes pruning
 * permanent and `isPruned` tells whether a module tree has any.
 * @module
 */
import type { Tensor } from '../../../tensor/tensor.js';
import { Module } from '../../module.js';
import { describeValue } from '../../../util/validate.js';
import { describe, type ImportanceScoresOption } from './base.js';
import { CustomFromMask } from './custom-from-mask.js';
import { pruningHookOf, pruningHooks } from './reparametrization.js';
import { LnStructured, RandomStructured, type LnStructuredOptions, type RandomStructuredOptions } from './structured.js';
import { Identity, L1Unstructured, RandomUnstructured, type UnstructuredOptions } from './unstructured.js';

/** Reparametrizes `module[name]` with a mask of ones (prunes nothing). */
export function identity<M extends Module>(module: M, name: string): M {
  Identity.apply(module, name);
  return module;
}

/** Prunes `amount` entries of `module[name]` chosen at random (`torch.randLike`, so `torch.manualSeed` makes it repeatable). */
export function randomUnstructured<M extends Module>(module: M, name: string, options: UnstructuredOptions): M {
  RandomUnstructured.apply(module, name, options);
  return module;
}

/** Prunes the `amount` entries of `module[name]` (or of `importanceScores`) with the smallest absolute value. */
export function l1Unstructured<M extends Module>(module: M, name: string, options: UnstructuredOptions & ImportanceScoresOption): M {
  L1Unstructured.apply(module, name, options);
  return module;
}

/** Prunes `amount` channels of `module[name]` along `dim` chosen at random. */
export function randomStructured<M extends Module>(module: M, name: string, options: RandomStructuredOptions): M {
  RandomStructured.apply(module, name, options);
  return module;
}

/** Prunes the `amount` channels of `module[name]` along `dim` with the smallest L`n` norm (of `importanceScores` if given). */
export function lnStructured<M extends Module>(module: M, name: string, options: LnStructuredOptions & ImportanceScoresOption): M {
  LnStructured.apply(module, name, options);
  return module;
}

/** Prunes the entries of `module[name]` where `mask` is 0. */
export function customFromMask<M extends Module>(module: M, name: string, options: { mask: Tensor }): M {
  CustomFromMask.apply(module, name, options);
  return module;
}

/**
 * Makes the pruning of `module[name]` permanent: `name` is a parameter again holding the masked
 * values (the same tensor object as `name_orig` was, so optimizers keep it), and `name_orig`,
 * `name_mask` and the hook are gone. A tensor that is not pruned is an error.
 */
export function remove<M extends Module>(module: M, name: string): M {
  if (!(module instanceof Module)) throw new TypeError(`prune.remove: expected a torch.nn.Module, got ${describeValue(module)}`);
  const found = pruningHookOf(module, name);
  if (!found) {
    const pruned = pruningHooks(module).map(({ method }) => `'${method.tensorName}'`);
    const what = new Map(module.namedParameters({ recurse: false })).has(name)
      ? `parameter '${name}' of ${describe(module)} has to be pruned before pruning can be removed`
      : `${describe(module)} has no pruned tensor named '${name}'`;
    throw new Error(`prune.remove: ${what} (pruned here: ${pruned.join(', ') || 'none'})`);
  }
  found.method.remove(module);
  module.removeForwardPreHook(found.hook);
  return module;
}

/** Whether `module` or any descendant has a pruned tensor (a pruning forward pre-hook). */
export function isPruned(module: Module): boolean {
  for (const submodule of module.modules()) if (pruningHooks(submodule).length > 0) return true;
  return false;
}
