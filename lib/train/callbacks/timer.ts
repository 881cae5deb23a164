/**
 * Timer (Lightning's): stops the fit once it has run for `duration` (milliseconds, or
 * Lightning's 'DD:HH:MM:SS' string), checked after every training step.
 * @module
 */
import type { LightningModule } from '../lightning-module.js';
import type { Trainer } from '../trainer.js';
import { Callback } from './callback.js';

/** Options of Timer. */
export interface TimerOptions {
  /** The longest the fit may run: milliseconds, or 'DD:HH:MM:SS'. */
  duration: number | string;
}

/** Parses Lightning's 'DD:HH:MM:SS' (or a number of milliseconds). */
export function durationMs(duration: number | string): number {
  if (typeof duration === 'number' && duration > 0) return duration;
  const match = typeof duration === 'string' ? /^(\d+):(\d{1,2}):(\d{1,2}):(\d{1,2})$/.exec(duration) : null;
  if (!match) throw new TypeError(`Timer: duration must be milliseconds or 'DD:HH:MM:SS', got ${JSON.stringify(duration)}`);
  const [days, hours, minutes, seconds] = match.slice(1).map(Number) as [number, number, number, number];
  return (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000;
}

/** Stops training after a time limit. */
export class Timer extends Callback {
  private readonly limitMs: number;
  private elapsedBefore = 0;
  private startedAt = 0;

  /** A timer with `options.duration`. */
  constructor(options: TimerOptions) {
    super();
    this.limitMs = durationMs(options?.duration);
  }

  /** Milliseconds the fit has run (across resumes). */
  get elapsedMs(): number {
    return this.elapsedBefore + (this.startedAt ? performance.now() - this.startedAt : 0);
  }

  /** Starts timing. */
  onFitStart(_trainer: Trainer, _module: LightningModule): void {
    this.startedAt = performance.now();
  }

  /** Stops the fit once the time is up. */
  onTrainBatchEnd(trainer: Trainer, _module: LightningModule): void {
    if (this.elapsedMs >= this.limitMs) trainer.requestStop(`Timer: the duration of ${this.limitMs} ms has passed`);
  }

  override stateDict(): Record<string, unknown> {
    return { time_elapsed: { train: this.elapsedMs / 1000 } };
  }

  override loadStateDict(state: Record<string, unknown>): void {
    const seconds = (state.time_elapsed as { train?: number } | undefined)?.train;
    this.elapsedBefore = typeof seconds === 'number' ? seconds * 1000 : 0;
  }
}
