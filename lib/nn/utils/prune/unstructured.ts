/**
 * Unstructured pruning methods: Identity (prunes nothing), RandomUnstructured and L1Unstructured
 * (the entries with the lowest |value|), as in torch.nn.utils.prune.
 * @module
 */
import { aten } from '../../../ops/surface.js';
import { randLike } from '../../../tensor/creation.js';
import type { Tensor } from '../../../tensor/tensor.js';
import { checkAmount, unitsToPrune, type CheckedAmount, type PruningAmount } from './amount.js';
import { BasePruningMethod, type PruningType } from './base.js';

/** Options of the unstructured methods: how many entries to prune. */
export interface UnstructuredOptions {
  /** An integer count of entries, or a fraction of them in [0, 1] (see {@link PruningAmount}). */
  amount: PruningAmount;
}

/** Prunes nothing: applies the reparametrization with a mask of ones (PyTorch's `prune.identity`). */
export class Identity extends BasePruningMethod {
  /** Composes as an unstructured method. */
  readonly pruningType: PruningType = 'unstructured';
  /** The mask is `defaultMask` itself. */
  computeMask(_t: Tensor, defaultMask: Tensor): Tensor {
    return defaultMask;
  }
}

// Sets the `count` entries of a clone of `defaultMask` that `pick` chooses to 0.
function zeroEntries(defaultMask: Tensor, count: number, pick: () => Tensor): Tensor {
  const mask = aten.clone.default(defaultMask, { memoryFormat: 'contiguous_format' });
  if (count !== 0) mask.view(-1).indexFill_(0, pick(), 0);
  return mask;
}

/** Prunes `amount` entries chosen at random: the top-k of `torch.randLike(t)`, as PyTorch draws them. */
export class RandomUnstructured extends BasePruningMethod {
  /** Composes as an unstructured method. */
  readonly pruningType: PruningType = 'unstructured';
  /** The amount, checked. */
  readonly amount: CheckedAmount;
  /** Checks `amount` (an integer count >= 0, or a fraction in [0, 1]). */
  constructor(options: UnstructuredOptions) {
    super();
    this.amount = checkAmount(options?.amount, 'prune.RandomUnstructured');
  }
  /** `defaultMask` with the k entries of the largest random draws set to 0. */
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    const count = unitsToPrune(this.amount, t.numel(), 'prune.RandomUnstructured');
    return zeroEntries(defaultMask, count, () => randLike(t).reshape(-1).topk(count).indices);
  }
}

/** Prunes the `amount` entries of smallest absolute value (ties broken as ATen's topk breaks them). */
export class L1Unstructured extends BasePruningMethod {
  /** Composes as an unstructured method. */
  readonly pruningType: PruningType = 'unstructured';
  /** The amount, checked. */
  readonly amount: CheckedAmount;
  /** Checks `amount` (an integer count >= 0, or a fraction in [0, 1]). */
  constructor(options: UnstructuredOptions) {
    super();
    this.amount = checkAmount(options?.amount, 'prune.L1Unstructured');
  }
  /** `defaultMask` with the k entries of smallest |t| set to 0 (`topk(|t|, k, largest=False)`). */
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    const count = unitsToPrune(this.amount, t.numel(), 'prune.L1Unstructured');
    return zeroEntries(defaultMask, count, () => t.abs().reshape(-1).topk(count, { largest: false }).indices);
  }
}
