/** CosineAnnealingLR. */
import { checkNumber, isPositiveInteger, requireOptions } from './checks.js';
import type { OptimizerLike } from './types.js';
import { LRScheduler, type SchedulerOptions } from './base.js';

/** Options of CosineAnnealingLR. */
export interface CosineAnnealingLROptions extends SchedulerOptions {
  /** Steps in half a cosine period. */
  tMax: number;
  /** The lowest lr (default 0). */
  etaMin?: number;
}

interface CosineAnnealingLRSettings {
  tMax: number;
  etaMin: number;
}

/**
 * Anneals the lr from its initial value to `etaMin` along half a cosine over `tMax` steps, then back up
 * (SGDR without restarts). Uses PyTorch's recursive form, so it composes with other lr changes.
 */
export class CosineAnnealingLR extends LRScheduler<CosineAnnealingLRSettings> {
  /** Wraps `optimizer`; the first lr is each group's current lr. */
  constructor(optimizer: OptimizerLike, options: CosineAnnealingLROptions) {
    requireOptions('CosineAnnealingLR', options, '{ tMax, etaMin? }');
    const tMax = checkNumber('CosineAnnealingLR', 'tMax', options.tMax, 'a positive integer', isPositiveInteger);
    const etaMin = checkNumber('CosineAnnealingLR', 'etaMin', options.etaMin ?? 0, 'a finite number');
    super(optimizer, { tMax, etaMin }, options.lastEpoch);
    this.initialStep();
  }

  // Operation order follows PyTorch term by term so the results agree to the last bit or so.
  protected override computeLrs(): number[] {
    const { tMax, etaMin } = this.settings;
    const epoch = this.lastEpoch;
    if (epoch === 0) return this.currentLrs();
    if (this.stepCount === 1 && epoch > 0) {
      return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((epoch * Math.PI) / tMax))) / 2);
    }
    // Where the recursion's denominator would be 1 + cos(pi) = 0.
    if ((epoch - 1 - tMax) % (2 * tMax) === 0) {
      return this.optimizer.paramGroups.map((group, i) => group.lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    const ratio = (1 + Math.cos((Math.PI * epoch) / tMax)) / (1 + Math.cos((Math.PI * (epoch - 1)) / tMax));
    return this.currentLrs().map((lr) => ratio * (lr - etaMin) + etaMin);
  }

  protected override closedFormLrs(): number[] {
    const { tMax, etaMin } = this.settings;
    return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / tMax))) / 2);
  }
}
