/** ReduceLROnPlateau. */
import { describeValue } from '../../util/validate.js';
import {
  checkChoice,
  checkNumber,
  checkOptimizer,
  isNonNegative,
  isNonNegativeInteger,
  mergeSettings,
  perGroup,
  stateNumber,
  stateNumbers,
} from './checks.js';
import type { MetricLike, OptimizerLike, SchedulerState } from './types.js';

/** Options of ReduceLROnPlateau. */
export interface ReduceLROnPlateauOptions {
  /** 'min': reduce when the metric stops decreasing; 'max': when it stops increasing (default 'min'). */
  mode?: 'min' | 'max';
  /** new lr = lr * factor, in [0, 1) (default 0.1). */
  factor?: number;
  /** Steps without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** Least change that counts as an improvement (default 1e-4). */
  threshold?: number;
  /** 'rel': relative to the best value; 'abs': absolute (default 'rel'). */
  thresholdMode?: 'rel' | 'abs';
  /** Steps to wait after a reduction before counting bad steps again (default 0). */
  cooldown?: number;
  /** Lower bound on the lr, one for all groups or one per group (default 0). */
  minLr?: number | readonly number[];
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
}

interface PlateauSettings {
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLrs: number[];
  eps: number;
}

function plateauSettings(optimizer: OptimizerLike, options: ReduceLROnPlateauOptions): PlateauSettings {
  const where = 'ReduceLROnPlateau';
  checkOptimizer(where, optimizer);
  return {
    mode: checkChoice(where, 'mode', options.mode ?? 'min', ['min', 'max'] as const),
    factor: checkNumber(where, 'factor', options.factor ?? 0.1, 'a number in [0, 1)', (v) => v >= 0 && v < 1),
    patience: checkNumber(where, 'patience', options.patience ?? 10, 'a non-negative integer', isNonNegativeInteger),
    threshold: checkNumber(where, 'threshold', options.threshold ?? 1e-4, 'a non-negative number', isNonNegative),
    thresholdMode: checkChoice(where, 'thresholdMode', options.thresholdMode ?? 'rel', ['rel', 'abs'] as const),
    cooldown: checkNumber(where, 'cooldown', options.cooldown ?? 0, 'a non-negative integer', isNonNegativeInteger),
    minLrs: perGroup(where, 'minLr', options.minLr ?? 0, optimizer.paramGroups.length, 'a non-negative number', isNonNegative),
    eps: checkNumber(where, 'eps', options.eps ?? 1e-8, 'a non-negative number', isNonNegative),
  };
}

function isBetter(value: number, best: number, { mode, threshold, thresholdMode }: PlateauSettings): boolean {
  if (mode === 'min') return thresholdMode === 'rel' ? value < best * (1 - threshold) : value < best - threshold;
  return thresholdMode === 'rel' ? value > best * (threshold + 1) : value > best + threshold;
}

// JSON has no Infinity, and the best value starts at +-Infinity.
const encodeNumber = (value: number): number | string => (Number.isFinite(value) ? value : String(value));
const decodeNumber = (value: unknown): unknown => (typeof value === 'string' ? Number(value) : value);

/**
 * Reduces the lr by `factor` once a metric has not improved for `patience` steps. Unlike the other
 * schedulers it is stepped with the metric, `step(loss)`, and leaves the lr alone at construction.
 */
export class ReduceLROnPlateau {
  /** The optimizer whose param groups this scheduler sets. */
  readonly optimizer: OptimizerLike;
  /** Steps taken. */
  lastEpoch = 0;
  /** Best metric so far (+Infinity in 'min' mode, -Infinity in 'max' mode before the first step). */
  best: number;
  /** Consecutive steps without improvement. */
  numBadEpochs = 0;
  /** Steps of cooldown left. */
  cooldownCounter = 0;
  private settings: PlateauSettings;
  private lastLr: number[];

  /** Wraps `optimizer`; nothing changes until the first `step(metric)`. */
  constructor(optimizer: OptimizerLike, options: ReduceLROnPlateauOptions = {}) {
    this.settings = plateauSettings(optimizer, options);
    this.optimizer = optimizer;
    this.best = this.settings.mode === 'min' ? Infinity : -Infinity;
    this.lastLr = this.currentLrs();
  }

  /** Whether a recent reduction still suspends counting bad steps. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Records one metric value (e.g. a validation loss) and reduces the lr if it has plateaued. */
  step(metric: MetricLike): void {
    const current = typeof metric === 'number' ? metric : metric?.item?.();
    if (typeof current !== 'number') {
      throw new TypeError(`ReduceLROnPlateau: metric must be a number or a one-element tensor, got ${describeValue(metric)}`);
    }
    this.lastEpoch += 1;
    if (isBetter(current, this.best, this.settings)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.settings.patience) {
      this.reduceLrs();
      this.cooldownCounter = this.settings.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.currentLrs();
  }

  /** The lrs after the last step (the groups' lrs before any step), one per param group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The scheduler's state (hyperparameters included) as a plain JSON-able object. */
  stateDict(): SchedulerState {
    const { lastEpoch, numBadEpochs, cooldownCounter, lastLr } = this;
    return structuredClone({ ...this.settings, best: encodeNumber(this.best), lastEpoch, numBadEpochs, cooldownCounter, lastLr });
  }

  /** Restores a state from `stateDict()`; the optimizer's param groups are not touched. */
  loadStateDict(state: SchedulerState): void {
    const where = 'ReduceLROnPlateau';
    this.settings = mergeSettings(this.settings, state);
    this.best = stateNumber(where, { best: decodeNumber(state.best) }, 'best');
    this.lastEpoch = stateNumber(where, state, 'lastEpoch');
    this.numBadEpochs = stateNumber(where, state, 'numBadEpochs');
    this.cooldownCounter = stateNumber(where, state, 'cooldownCounter');
    this.lastLr = stateNumbers(where, state, 'lastLr');
  }

  private reduceLrs(): void {
    this.optimizer.paramGroups.forEach((group, i) => {
      const oldLr = group.lr;
      const newLr = Math.max(oldLr * this.settings.factor, this.settings.minLrs[i]!);
      if (oldLr - newLr > this.settings.eps) group.lr = newLr;
    });
  }

  private currentLrs(): number[] {
    return this.optimizer.paramGroups.map((group) => group.lr);
  }
}
