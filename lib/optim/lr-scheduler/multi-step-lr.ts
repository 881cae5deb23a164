/** MultiStepLR. */
import { describeValue } from '../../util/validate.js';
import { bisectRight, checkNumber, isNonNegative, isNonNegativeInteger, requireOptions } from './checks.js';
import type { OptimizerLike } from './types.js';
import { LRScheduler, type SchedulerOptions } from './base.js';

/** Options of MultiStepLR. */
export interface MultiStepLROptions extends SchedulerOptions {
  /** Steps at which the lr decays; a step listed k times decays by gamma^k. */
  milestones: readonly number[];
  /** Multiplicative decay (default 0.1). */
  gamma?: number;
}

interface MultiStepLRSettings {
  milestones: number[];
  gamma: number;
}

/** Multiplies the lr by `gamma` at each milestone. */
export class MultiStepLR extends LRScheduler<MultiStepLRSettings> {
  /** Wraps `optimizer`; a milestone at 0 decays the lr already at construction, as in PyTorch. */
  constructor(optimizer: OptimizerLike, options: MultiStepLROptions) {
    requireOptions('MultiStepLR', options, '{ milestones, gamma? }');
    const { milestones } = options;
    if (!Array.isArray(milestones) || !milestones.every((m) => typeof m === 'number' && isNonNegativeInteger(m))) {
      throw new TypeError(`MultiStepLR: milestones must be an array of non-negative integers, got ${describeValue(milestones)}`);
    }
    const gamma = checkNumber('MultiStepLR', 'gamma', options.gamma ?? 0.1, 'a non-negative number', isNonNegative);
    super(optimizer, { milestones: [...milestones].sort((a, b) => a - b), gamma }, options.lastEpoch);
    this.initialStep();
  }

  protected override computeLrs(): number[] {
    const { milestones, gamma } = this.settings;
    const hits = milestones.filter((m) => m === this.lastEpoch).length;
    if (hits === 0) return this.currentLrs();
    return this.currentLrs().map((lr) => lr * gamma ** hits);
  }

  protected override closedFormLrs(): number[] {
    const { milestones, gamma } = this.settings;
    return this.baseLrs.map((base) => base * gamma ** bisectRight(milestones, this.lastEpoch));
  }
}
