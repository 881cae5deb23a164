/** LinearLR. */
import { checkNumber, isFraction, isPositiveInteger } from './checks.js';
import type { OptimizerLike } from './types.js';
import { LRScheduler, type SchedulerOptions } from './base.js';

/** Options of LinearLR. */
export interface LinearLROptions extends SchedulerOptions {
  /** Factor on the initial lr at the first step, in (0, 1] (default 1/3). */
  startFactor?: number;
  /** Factor reached after `totalIters` steps, in [0, 1] (default 1). */
  endFactor?: number;
  /** Steps over which the factor changes (default 5). */
  totalIters?: number;
}

interface LinearLRSettings {
  startFactor: number;
  endFactor: number;
  totalIters: number;
}

/** Scales the lr by a factor going linearly from `startFactor` to `endFactor` over `totalIters` steps (warmup or decay). */
export class LinearLR extends LRScheduler<LinearLRSettings> {
  /** Wraps `optimizer`; the first lr is each group's current lr times `startFactor`. */
  constructor(optimizer: OptimizerLike, options: LinearLROptions = {}) {
    // startFactor 0 would divide by zero in PyTorch's recursion.
    const startFactor = checkNumber('LinearLR', 'startFactor', options.startFactor ?? 1 / 3, 'a number in (0, 1]', (v) => v > 0 && v <= 1);
    const endFactor = checkNumber('LinearLR', 'endFactor', options.endFactor ?? 1, 'a number in [0, 1]', isFraction);
    const totalIters = checkNumber('LinearLR', 'totalIters', options.totalIters ?? 5, 'a positive integer', isPositiveInteger);
    super(optimizer, { startFactor, endFactor, totalIters }, options.lastEpoch);
    this.initialStep();
  }

  protected override computeLrs(): number[] {
    const { startFactor, endFactor, totalIters } = this.settings;
    const epoch = this.lastEpoch;
    if (epoch === 0) return this.currentLrs().map((lr) => lr * startFactor);
    if (epoch > totalIters) return this.currentLrs();
    const change = 1 + (endFactor - startFactor) / (totalIters * startFactor + (epoch - 1) * (endFactor - startFactor));
    return this.currentLrs().map((lr) => lr * change);
  }

  protected override closedFormLrs(): number[] {
    const { startFactor, endFactor, totalIters } = this.settings;
    const factor = startFactor + ((endFactor - startFactor) * Math.min(totalIters, this.lastEpoch)) / totalIters;
    return this.baseLrs.map((base) => base * factor);
  }
}
