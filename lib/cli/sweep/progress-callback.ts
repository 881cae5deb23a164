/**
 * SweepProgress: the callback through which a sweep's trial reports its metrics after every
 * epoch. The sweep starts each trial with NODETORCH_SWEEP_PROGRESS=<file>; the trial appends one
 * JSON line per epoch there (`{"epoch":0,"metrics":{"val/acc":0.91,...}}`), which the sweep reads
 * while the trial runs to decide early termination (hyperband, median stopping).
 * @module
 */
import { appendFileSync } from 'node:fs';
import { Callback } from '../../train/callbacks/callback.js';
import type { LightningModule } from '../../train/lightning-module.js';
import type { Trainer } from '../../train/trainer.js';

/** The environment variable naming the progress file. */
export const PROGRESS_ENV = 'NODETORCH_SWEEP_PROGRESS';

/** One line of the progress file. */
export interface ProgressLine {
  epoch: number;
  metrics: Record<string, number>;
}

/** Appends the epoch's metrics to a progress file. */
export class SweepProgress extends Callback {
  /** Reports to `file`. */
  constructor(readonly file: string) {
    super();
  }

  /** After validation (the Trainer calls this hook last in an epoch), so val/* values are this epoch's. */
  onTrainEpochEnd(trainer: Trainer, _module: LightningModule): void {
    const metrics: Record<string, number> = {};
    for (const [key, value] of trainer.callbackMetrics) if (Number.isFinite(value)) metrics[key] = value;
    const line: ProgressLine = { epoch: trainer.currentEpoch, metrics };
    // One small append per epoch: the reader never sees half a line it would keep (it drops an unterminated one).
    appendFileSync(this.file, JSON.stringify(line) + '\n');
  }
}

/** The progress callback when the trial runs under a sweep (NODETORCH_SWEEP_PROGRESS set), else null. */
export function progressCallbackFromEnv(env: NodeJS.ProcessEnv = process.env): SweepProgress | null {
  const file = env[PROGRESS_ENV];
  return file ? new SweepProgress(file) : null;
}
