/**
 * Zhu & Gupta's gradual pruning schedule ("To prune, or not to prune", 2017): the sparsity rises
 * from `initialSparsity` at `startEpoch` to `finalSparsity` at `endEpoch` along a cubic,
 *   s(t) = s_f + (s_i - s_f) * (1 - (t - t0) / (t_end - t0))^3,   t = t0, t0 + f, ..., t_end,
 * fast at first and slowly at the end, with training (fine-tuning) between the steps.
 * @module
 */
import type { PruningAmount } from './amount.js';

/** Options of gradualSchedule. */
export interface GradualScheduleOptions {
  /** The sparsity the first step reaches (default 0). */
  initialSparsity?: number;
  /** The sparsity the last step reaches, in [initialSparsity, 1]. */
  finalSparsity: number;
  /** The epoch (from 0) of the first step (default 0). */
  startEpoch?: number;
  /** The epoch of the last step; `endEpoch - startEpoch` must be a multiple of `frequency`. */
  endEpoch: number;
  /** Epochs between steps (default 1). */
  frequency?: number;
}

/**
 * The schedule as ModelPruning's `amount`: called with an epoch, it gives the fraction of the
 * entries still unpruned to prune then (0 off the steps), so that pruning each step's amount on
 * top of the earlier ones reaches `sparsity(epoch)`.
 */
export interface GradualSchedule {
  (epoch: number): PruningAmount;
  /** The target sparsity after the step of `epoch` (that of the last step before it off the steps; 0 before the first). */
  sparsity(epoch: number): number;
}

/**
 * Zhu & Gupta's cubic schedule, e.g. `new ModelPruning({ pruningFn: 'l1_unstructured', amount:
 * prune.gradualSchedule({ finalSparsity: 0.8, startEpoch: 1, endEpoch: 5 }) })`.
 */
export function gradualSchedule(options: GradualScheduleOptions): GradualSchedule {
  const label = 'prune.gradualSchedule';
  const { initialSparsity = 0, finalSparsity, startEpoch = 0, endEpoch, frequency = 1 } = options ?? ({} as GradualScheduleOptions);
  const fraction = (name: string, value: number) => {
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new RangeError(`${label}: ${name} must be in [0, 1], got ${value}`);
  };
  const epoch = (name: string, value: number, min: number) => {
    if (!Number.isInteger(value) || value < min) throw new RangeError(`${label}: ${name} must be an integer >= ${min}, got ${value}`);
  };
  fraction('initialSparsity', initialSparsity);
  fraction('finalSparsity', finalSparsity);
  if (finalSparsity < initialSparsity)
    throw new RangeError(`${label}: finalSparsity (${finalSparsity}) must be at least initialSparsity (${initialSparsity})`);
  epoch('startEpoch', startEpoch, 0);
  epoch('endEpoch', endEpoch, startEpoch);
  epoch('frequency', frequency, 1);
  if ((endEpoch - startEpoch) % frequency !== 0)
    throw new RangeError(`${label}: endEpoch - startEpoch (${endEpoch - startEpoch}) must be a multiple of frequency (${frequency})`);
  const span = endEpoch - startEpoch;
  const atStep = (t: number) =>
    span === 0 ? finalSparsity : finalSparsity + (initialSparsity - finalSparsity) * (1 - (t - startEpoch) / span) ** 3;
  const isStep = (t: number) => t >= startEpoch && t <= endEpoch && (t - startEpoch) % frequency === 0;
  const sparsity = (t: number): number => {
    if (t < startEpoch) return 0;
    if (t >= endEpoch) return finalSparsity;
    return atStep(startEpoch + Math.floor((t - startEpoch) / frequency) * frequency);
  };
  const amount = (t: number): PruningAmount => {
    if (!isStep(t)) return 0;
    const before = t === startEpoch ? 0 : sparsity(t - frequency);
    if (before >= 1) return 0;
    const share = (sparsity(t) - before) / (1 - before);
    return share >= 1 ? { fraction: 1 } : Math.max(share, 0);
  };
  return Object.assign(amount, { sparsity });
}
