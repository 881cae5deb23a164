/**
 * globalUnstructured: one unstructured pruning over many tensors at once, as if they were one
 * vector (the smallest |w| across all layers are pruned), as torch.nn.utils.prune's global_unstructured.
 * @module
 */
import { noGrad } from '../../../tensor/autograd.js';
import { cat, onesLike } from '../../../tensor/creation.js';
import { Tensor } from '../../../tensor/tensor.js';
import type { Module } from '../../module.js';
import { describeValue } from '../../../util/validate.js';
import { PruningContainer, describe, pruningTarget, type PruningMethodClass } from './base.js';
import { CustomFromMask } from './custom-from-mask.js';
import { pruningHookOf } from './reparametrization.js';

/** Options of globalUnstructured: the method, its own options (e.g. `amount`), and importance scores. */
export type GlobalUnstructuredOptions<O> = {
  /** An unstructured pruning-method class (L1Unstructured, RandomUnstructured or your own), made with the other options. */
  pruningMethod: PruningMethodClass<O>;
  /**
   * Scores to rank by instead of the tensors' values, per module and tensor name (PyTorch's dict
   * keyed by `(module, name)`); tensors without an entry are ranked by their own values.
   */
  importanceScores?: Map<Module, Record<string, Tensor>>;
} & O;

/**
 * Prunes the tensors `parameters` ([module, name] pairs) together: the method's mask is computed
 * on all their entries (or importance scores) concatenated, on top of earlier pruning, then each
 * tensor gets its slice through customFromMask. Everything is checked before any tensor changes.
 */
export function globalUnstructured<O>(parameters: Iterable<readonly [Module, string]>, options: GlobalUnstructuredOptions<O>): void {
  const label = 'prune.globalUnstructured';
  if (parameters === null || typeof (parameters as Iterable<unknown>)?.[Symbol.iterator] !== 'function')
    throw new TypeError(`${label}: parameters must be an iterable of [module, name] pairs, got ${describeValue(parameters)}`);
  const { pruningMethod, importanceScores, ...methodOptions } = options ?? ({} as GlobalUnstructuredOptions<O>);
  if (importanceScores !== undefined && !(importanceScores instanceof Map))
    throw new TypeError(
      `${label}: importanceScores must be a Map from modules to { name: Tensor }, got ${describeValue(importanceScores)}`,
    );
  if (typeof pruningMethod !== 'function')
    throw new TypeError(`${label}: pruningMethod must be a pruning-method class, got ${describeValue(pruningMethod)}`);
  const pairs = [...parameters];
  const targets = pairs.map((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2)
      throw new TypeError(`${label}: parameters[${i}] must be a [module, name] pair, got ${describeValue(pair)}`);
    const [module, name] = pair;
    try {
      const target = pruningTarget(module, name, label);
      const scores = importanceScores?.get(module)?.[name] ?? target.tensor;
      if (!(scores instanceof Tensor) || scores.shape.join() !== target.tensor.shape.join())
        throw new Error(`${label}: importanceScores for it should be a tensor of shape [${target.tensor.shape.join(', ')}]`);
      const mask = pruningHookOf(module, name) ? maskOf(module, name) : onesLike(target.tensor);
      return { module, name, tensor: target.tensor, scores, mask };
    } catch (error) {
      if (error instanceof Error)
        error.message = `${error.message} (parameters[${i}]: ${describe(module)}'s '${String(name)}'; nothing was pruned)`;
      throw error;
    }
  });
  const container = new PruningContainer();
  container.tensorName = 'temp';
  const method = new pruningMethod(methodOptions as O);
  method.tensorName = 'temp';
  if (method.pruningType !== 'unstructured')
    throw new TypeError(`${label}: only unstructured pruning methods are supported; ${pruningMethod.name} is ${method.pruningType}`);
  container.addPruningMethod(method);
  const finalMask = noGrad(() => {
    const flat = (tensors: Tensor[]) => cat(tensors.map((t) => t.detach().reshape(-1)));
    return container.computeMask(flat(targets.map((t) => t.scores)), flat(targets.map((t) => t.mask)));
  });
  let offset = 0;
  for (const { module, name, tensor } of targets) {
    const count = tensor.numel();
    CustomFromMask.apply(module, name, { mask: finalMask.narrow(0, offset, count).view(tensor.shape) });
    offset += count;
  }
}

function maskOf(module: Module, name: string): Tensor {
  for (const [key, buffer] of module.namedBuffers({ recurse: false })) if (key === `${name}_mask`) return buffer;
  throw new Error(`${describe(module)} has no buffer '${name}_mask'`);
}
