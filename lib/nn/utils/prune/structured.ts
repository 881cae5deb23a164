/**
 * Structured pruning methods: whole channels along `dim`, chosen at random (RandomStructured) or
 * by their L_n norm (LnStructured), as in torch.nn.utils.prune.
 * @module
 */
import type { Device } from '../../../tensor/types.js';
import { frobeniusNorm, nuclearNorm } from '../../../ops/functions.generated.js';
import { rand, zerosLike } from '../../../tensor/creation.js';
import type { Tensor } from '../../../tensor/tensor.js';
import { checkAmount, unitsToPrune, type CheckedAmount, type PruningAmount } from './amount.js';
import { BasePruningMethod, type PruningType } from './base.js';
import { checkDim, checkDimOption, checkStructured, normalizeDim } from './checks.js';

/** Options of RandomStructured. */
export interface RandomStructuredOptions {
  /** An integer count of channels, or a fraction of them in [0, 1] (see {@link PruningAmount}). */
  amount: PruningAmount;
  /** The dimension whose slices are the channels (default -1, PyTorch's default). */
  dim?: number;
}

/** The norm LnStructured ranks channels by: any p of `torch.norm` (Infinity and -Infinity too), 'fro' or 'nuc'. */
export type StructuredNorm = number | 'fro' | 'nuc';

/** Options of LnStructured. */
export interface LnStructuredOptions {
  /** An integer count of channels, or a fraction of them in [0, 1] (see {@link PruningAmount}). */
  amount: PruningAmount;
  /** The norm's order, as `torch.norm`'s p. */
  n: StructuredNorm;
  /** The dimension whose slices are the channels (default -1). */
  dim?: number;
}

// A mask of zeros with ones on the channels `channels` (indices along dim), times defaultMask.
function keepChannels(t: Tensor, dim: number, channels: Tensor, defaultMask: Tensor): Tensor {
  const mask = zerosLike(t);
  mask.indexFill_(dim, channels.to({ device: t.device as Device }), 1);
  return mask.mul_(defaultMask.to({ dtype: mask.dtype }));
}

/** Prunes `amount` channels along `dim` chosen at random: the k lowest of `torch.rand(channels)`, as PyTorch draws them. */
export class RandomStructured extends BasePruningMethod {
  /** Composes as a structured method (on the channels not pruned yet). */
  readonly pruningType: PruningType = 'structured';
  /** The amount, checked. */
  readonly amount: CheckedAmount;
  /** The channel dimension. */
  readonly dim: number;
  /** Checks `amount` and `dim` (an integer; its range is checked against the tensor). */
  constructor(options: RandomStructuredOptions) {
    super();
    this.amount = checkAmount(options?.amount, 'prune.RandomStructured');
    this.dim = checkDimOption(options.dim ?? -1, 'prune.RandomStructured');
  }
  /** Zeros on the channels whose random draw is among the k lowest (`prob > kthvalue(prob, k)` kept). */
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    const label = 'prune.RandomStructured';
    checkStructured(t, label);
    const dim = normalizeDim(checkDim(t, this.dim, label), t.dim());
    const size = t.shape[dim]!;
    const count = unitsToPrune(this.amount, size, label);
    if (count === 0) return defaultMask;
    const prob = rand([size]);
    const threshold = prob.kthvalue(count).values;
    return keepChannels(t, dim, prob.gt(threshold).nonzero().flatten(), defaultMask);
  }
}

/** Prunes the `amount` channels along `dim` of smallest L_n norm (ties broken as ATen's topk breaks them). */
export class LnStructured extends BasePruningMethod {
  /** Composes as a structured method (on the channels not pruned yet). */
  readonly pruningType: PruningType = 'structured';
  /** The amount, checked. */
  readonly amount: CheckedAmount;
  /** The norm's order. */
  readonly n: StructuredNorm;
  /** The channel dimension. */
  readonly dim: number;
  /** Checks `amount`, `n` and `dim`. */
  constructor(options: LnStructuredOptions) {
    super();
    const label = 'prune.LnStructured';
    this.amount = checkAmount(options?.amount, label);
    const n = options.n;
    if (!((typeof n === 'number' && !Number.isNaN(n)) || n === 'fro' || n === 'nuc'))
      throw new TypeError(
        `${label}: n must be a number (the norm's order; Infinity and -Infinity too), 'fro' or 'nuc', got ${JSON.stringify(n) ?? String(n)}`,
      );
    this.n = n;
    this.dim = checkDimOption(options.dim ?? -1, label);
  }
  /** Ones on the channels with the largest norms (`topk(norm, channels - k)`), times `defaultMask`. */
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    const label = 'prune.LnStructured';
    checkStructured(t, label);
    const dim = normalizeDim(checkDim(t, this.dim, label), t.dim());
    const size = t.shape[dim]!;
    const count = unitsToPrune(this.amount, size, label);
    const others = [...Array(t.dim()).keys()].filter((d) => d !== dim);
    const norm = this.n === 'fro' ? frobeniusNorm(t, others) : this.n === 'nuc' ? nuclearNorm(t, others) : t.norm(this.n, others);
    const kept = norm.topk(size - count, { largest: true }).indices;
    return count === 0 ? defaultMask : keepChannels(t, dim, kept, defaultMask);
  }
}
