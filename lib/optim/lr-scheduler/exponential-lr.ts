/** ExponentialLR. */
import { checkNumber, isNonNegative, requireOptions } from './checks.js';
import type { OptimizerLike } from './types.js';
import { LRScheduler, type SchedulerOptions } from './base.js';

/** Options of ExponentialLR. */
export interface ExponentialLROptions extends SchedulerOptions {
  /** Multiplicative decay per step. */
  gamma: number;
}

interface ExponentialLRSettings {
  gamma: number;
}

/** Multiplies the lr by `gamma` every step. */
export class ExponentialLR extends LRScheduler<ExponentialLRSettings> {
  /** Wraps `optimizer`; the first lr is each group's current lr. */
  constructor(optimizer: OptimizerLike, options: ExponentialLROptions) {
    requireOptions('ExponentialLR', options, '{ gamma }');
    const gamma = checkNumber('ExponentialLR', 'gamma', options.gamma, 'a non-negative number', isNonNegative);
    super(optimizer, { gamma }, options.lastEpoch);
    this.initialStep();
  }

  protected override computeLrs(): number[] {
    if (this.lastEpoch === 0) return this.currentLrs();
    return this.currentLrs().map((lr) => lr * this.settings.gamma);
  }

  protected override closedFormLrs(): number[] {
    return this.baseLrs.map((base) => base * this.settings.gamma ** this.lastEpoch);
  }
}
