/**
 * EarlyStopping (Lightning's): stops the fit when `monitor` has not improved by `minDelta` for
 * `patience` checks, when it reaches `stoppingThreshold`, or (with `checkFinite`) when it is NaN or
 * infinite. Checked at the end of every training epoch, after validation.
 * @module
 */
import { invalidOption, isNonNegative, isNonNegativeInteger, check } from '../../util/validate.js';
import type { LightningModule } from '../lightning-module.js';
import type { Trainer } from '../trainer.js';
import { Callback } from './callback.js';
import { improves, monitored } from './monitor.js';

/** Options of EarlyStopping. */
export interface EarlyStoppingOptions {
  /** The logged key to watch (required). */
  monitor: string;
  /** Checks without improvement before stopping (default 3). */
  patience?: number;
  /** The least change that counts as an improvement (default 0). */
  minDelta?: number;
  /** 'min' (default) or 'max'. */
  mode?: 'min' | 'max';
  /** Stop when the value is NaN or infinite (default true). */
  checkFinite?: boolean;
  /** Stop once the value is at least this good. */
  stoppingThreshold?: number;
}

/** Stops training when a monitored value stops improving. */
export class EarlyStopping extends Callback {
  /** The key watched. */
  readonly monitor: string;
  private readonly patience: number;
  private readonly minDelta: number;
  private readonly mode: 'min' | 'max';
  private readonly checkFinite: boolean;
  private readonly stoppingThreshold: number | undefined;
  /** Checks since the last improvement. */
  waitCount = 0;
  /** The best value seen. */
  bestScore: number;
  /** The epoch at which it stopped the fit (-1: it did not). */
  stoppedEpoch = -1;

  /** An EarlyStopping callback watching `options.monitor`. */
  constructor(options: EarlyStoppingOptions) {
    super();
    if (typeof options?.monitor !== 'string' || options.monitor === '')
      throw invalidOption('EarlyStopping', 'monitor', 'a logged key', options?.monitor);
    this.monitor = options.monitor;
    this.patience = check('EarlyStopping', 'patience', options.patience ?? 3, 'a non-negative integer', isNonNegativeInteger);
    this.minDelta = Math.abs(
      check(
        'EarlyStopping',
        'minDelta',
        options.minDelta ?? 0,
        'a non-negative number',
        (v): v is number => typeof v === 'number' && isNonNegative(Math.abs(v)),
      ),
    );
    const mode = options.mode ?? 'min';
    if (mode !== 'min' && mode !== 'max') throw invalidOption('EarlyStopping', 'mode', "'min' or 'max'", mode);
    this.mode = mode;
    this.checkFinite = options.checkFinite ?? true;
    this.stoppingThreshold = options.stoppingThreshold;
    this.bestScore = mode === 'min' ? Infinity : -Infinity;
  }

  /** Checks the monitored value. */
  onTrainEpochEnd(trainer: Trainer, _module: LightningModule): void {
    const value = monitored(trainer, this.monitor, 'EarlyStopping');
    let reason: string | null = null;
    if (this.checkFinite && !Number.isFinite(value)) reason = `${this.monitor} = ${value} is not finite`;
    else if (
      this.stoppingThreshold !== undefined &&
      (this.mode === 'min' ? value <= this.stoppingThreshold : value >= this.stoppingThreshold)
    )
      reason = `${this.monitor} = ${value} reached the stopping threshold ${this.stoppingThreshold}`;
    else if (improves(value, this.bestScore, this.mode, this.minDelta)) {
      this.bestScore = value;
      this.waitCount = 0;
    } else if (++this.waitCount >= this.patience)
      reason = `${this.monitor} did not improve for ${this.waitCount} checks (best ${this.bestScore})`;
    if (reason) {
      this.stoppedEpoch = trainer.currentEpoch;
      trainer.requestStop(`EarlyStopping: ${reason}`);
    }
  }

  override stateDict(): Record<string, unknown> {
    return { wait_count: this.waitCount, stopped_epoch: this.stoppedEpoch, best_score: this.bestScore, patience: this.patience };
  }

  override loadStateDict(state: Record<string, unknown>): void {
    this.waitCount = Number(state.wait_count ?? 0);
    this.stoppedEpoch = Number(state.stopped_epoch ?? -1);
    this.bestScore = Number(state.best_score ?? this.bestScore);
  }
}
