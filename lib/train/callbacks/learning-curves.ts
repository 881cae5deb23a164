/**
 * LearningCurves: records the epoch-level values (as the progress bar's summary table does) and,
 * at the end of fit, draws them as `curves.svg` and `curves.png` in the run folder: a panel per
 * metric family (train and validation loss together, then each other metric), x = epoch. The
 * Trainer adds one unless `enableCurves: false` or another LearningCurves is among the callbacks.
 * Drawing never fails the fit: a failure is warned about (once per process) and the fit goes on.
 * @module
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../io/atomic.js';
import type { Checkpoint } from '../checkpoint.js';
import type { LightningModule } from '../lightning-module.js';
import type { Trainer } from '../trainer.js';
import { Callback } from './callback.js';
import { curvePoints, renderCurves } from './curves-chart.js';
import { epochRow } from './progress-bar.js';

/** Options of LearningCurves. */
export interface LearningCurvesOptions {
  /** The folder (default: the first logger's logDir, else the trainer's defaultRootDir). */
  dirpath?: string;
  /** The files' name without extension (default 'curves'). */
  filename?: string;
  /** The PNG's size as a multiple of the SVG's (default 2). */
  scale?: number;
}

let warned = false;

/** Draws loss and metric curves at the end of fit. */
export class LearningCurves extends Callback {
  private readonly dirpath: string | undefined;
  private readonly filename: string;
  private readonly scale: number;
  private history: Record<string, number>[] = [];
  /** The files written by the last fit (empty until then, or when drawing failed). */
  files: string[] = [];

  /** Curves written where `options` say. */
  constructor(options: LearningCurvesOptions = {}) {
    super();
    this.dirpath = options.dirpath;
    this.filename = options.filename ?? 'curves';
    this.scale = options.scale ?? 2;
    if (!(this.scale > 0)) throw new RangeError(`LearningCurves: scale must be a positive number, got ${options.scale}`);
  }

  /** The epochs recorded so far go into checkpoints, so a resumed fit draws the whole run. */
  override stateDict(): Record<string, unknown> {
    return { history: this.history.map((row) => ({ ...row })) };
  }

  /** Restores the recorded epochs. */
  override loadStateDict(state: Record<string, unknown>): void {
    if (Array.isArray(state.history)) this.history = state.history.map((row) => ({ ...(row as Record<string, number>) }));
  }

  /** Starts a fresh history unless a checkpoint restored one. */
  onFitStart(trainer: Trainer, _module: LightningModule): void {
    if (trainer.fitState.globalStep === 0) this.history = [];
  }

  /** Records the epoch's values. */
  onTrainEpochEnd(trainer: Trainer, _module: LightningModule): void {
    this.history.push(epochRow(trainer));
  }

  /** A checkpoint saved at the end of an epoch (before this callback's turn) includes that epoch. */
  onSaveCheckpoint(trainer: Trainer, _module: LightningModule, checkpoint: Checkpoint): void {
    const last = this.history[this.history.length - 1];
    if (!trainer.epochComplete || last?.epoch === trainer.currentEpoch) return;
    checkpoint.callbacks[this.stateKey] = { history: [...(this.stateDict().history as Record<string, number>[]), epochRow(trainer)] };
  }

  /** Writes the SVG and the PNG. */
  async onFitEnd(trainer: Trainer, _module: LightningModule): Promise<void> {
    this.files = [];
    const points = curvePoints(this.history);
    if (points.length === 0) return;
    const dir = this.dirpath ?? trainer.logger?.logDir ?? trainer.defaultRootDir;
    try {
      const { svg, png } = await renderCurves(points, this.scale);
      await mkdir(dir, { recursive: true });
      const files = [path.join(dir, `${this.filename}.svg`), path.join(dir, `${this.filename}.png`)];
      await writeFileAtomic(files[0]!, svg);
      await writeFileAtomic(files[1]!, png);
      this.files = files;
    } catch (error) {
      if (warned) return;
      warned = true;
      process.emitWarning(`LearningCurves: could not draw the learning curves in ${dir}: ${(error as Error).message}`, {
        code: 'NODETORCH_CURVES',
      });
    }
  }
}
