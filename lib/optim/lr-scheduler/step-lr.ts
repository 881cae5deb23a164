/** StepLR. */
import { checkNumber, isNonNegative, isPositiveInteger, requireOptions } from './checks.js';
import type { OptimizerLike } from './types.js';
import { LRScheduler, type SchedulerOptions } from './base.js';

/** Options of StepLR. */
export interface StepLROptions extends SchedulerOptions {
  /** Period of lr decay, in steps. */
  stepSize: number;
  /** Multiplicative decay (default 0.1). */
  gamma?: number;
}

interface StepLRSettings {
  stepSize: number;
  gamma: number;
}

/** Multiplies the lr by `gamma` every `stepSize` steps. */
export class StepLR extends LRScheduler<StepLRSettings> {
  /** Wraps `optimizer`; the first lr is each group's current lr. */
  constructor(optimizer: OptimizerLike, options: StepLROptions) {
    requireOptions('StepLR', options, '{ stepSize, gamma? }');
    const stepSize = checkNumber('StepLR', 'stepSize', options.stepSize, 'a positive integer', isPositiveInteger);
    const gamma = checkNumber('StepLR', 'gamma', options.gamma ?? 0.1, 'a non-negative number', isNonNegative);
    super(optimizer, { stepSize, gamma }, options.lastEpoch);
    this.initialStep();
  }

  protected override computeLrs(): number[] {
    const { stepSize, gamma } = this.settings;
    if (this.lastEpoch === 0 || this.lastEpoch % stepSize !== 0) return this.currentLrs();
    return this.currentLrs().map((lr) => lr * gamma);
  }

  protected override closedFormLrs(): number[] {
    const { stepSize, gamma } = this.settings;
    return this.baseLrs.map((base) => base * gamma ** Math.floor(this.lastEpoch / stepSize));
  }
}
