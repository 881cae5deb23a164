/**
 * ModelCheckpoint (Lightning's): saves checkpoints at the end of training epochs (after
 * validation), keeping the `saveTopK` best by `monitor` (or the latest without one) and `last.ckpt`
 * with `saveLast`. File names come from a template such as 'epoch={epoch}-val_loss={val/loss:.3f}'.
 * Files are written atomically; a replaced best is deleted only after its successor is complete.
 * @module
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { check, invalidOption, isPositiveInteger } from '../../util/validate.js';
import type { LightningModule } from '../lightning-module.js';
import type { Trainer } from '../trainer.js';
import { Callback } from './callback.js';
import { improves, monitored } from './monitor.js';

/** Options of ModelCheckpoint. */
export interface ModelCheckpointOptions {
  /** The folder (default: `<logger folder or defaultRootDir>/checkpoints`). */
  dirpath?: string;
  /** The name template (default 'epoch={epoch}-step={step}'); `{key}` or `{key:.Nf}` insert values. */
  filename?: string;
  /** The logged key that ranks checkpoints. */
  monitor?: string;
  /** 'min' (default) or 'max'. */
  mode?: 'min' | 'max';
  /** How many best checkpoints to keep (default 1; -1 keeps all; 0 none). */
  saveTopK?: number;
  /** Also keep `last.ckpt`, the latest state (default false). */
  saveLast?: boolean;
  /** Check every N epochs (default 1). */
  everyNEpochs?: number;
}

interface Saved {
  file: string;
  score: number;
}

/** Saves checkpoints during fit. */
export class ModelCheckpoint extends Callback {
  private readonly dirpath: string | undefined;
  private readonly filename: string;
  private readonly monitor: string | undefined;
  private readonly mode: 'min' | 'max';
  private readonly saveTopK: number;
  private readonly saveLast: boolean;
  private readonly everyNEpochs: number;
  private kept: Saved[] = [];
  /** The best checkpoint's path ('' before the first). */
  bestModelPath = '';
  /** The best checkpoint's score (undefined before the first, or without a monitor). */
  bestModelScore: number | undefined;
  /** The latest checkpoint's path. */
  lastModelPath = '';

  /** A checkpoint callback configured by `options`. */
  constructor(options: ModelCheckpointOptions = {}) {
    super();
    this.dirpath = options.dirpath;
    this.filename = options.filename ?? 'epoch={epoch}-step={step}';
    this.monitor = options.monitor;
    const mode = options.mode ?? 'min';
    if (mode !== 'min' && mode !== 'max') throw invalidOption('ModelCheckpoint', 'mode', "'min' or 'max'", mode);
    this.mode = mode;
    const topK = options.saveTopK ?? 1;
    if (!Number.isInteger(topK) || topK < -1) throw invalidOption('ModelCheckpoint', 'saveTopK', 'an integer >= -1', topK);
    this.saveTopK = topK;
    this.saveLast = options.saveLast ?? false;
    this.everyNEpochs = check('ModelCheckpoint', 'everyNEpochs', options.everyNEpochs ?? 1, 'a positive integer', isPositiveInteger);
  }

  /** Its key in a checkpoint's `callbacks`, distinct per monitor and mode, as Lightning's. */
  override get stateKey(): string {
    return `ModelCheckpoint{'monitor': ${this.monitor === undefined ? 'None' : `'${this.monitor}'`}, 'mode': '${this.mode}'}`;
  }

  /** Saves at the end of a training epoch (validation has run, schedulers have stepped). */
  async onTrainEpochEnd(trainer: Trainer, module: LightningModule): Promise<void> {
    if (!trainer.options.enableCheckpointing || (trainer.currentEpoch + 1) % this.everyNEpochs !== 0) return;
    const dir = this.dirpath ?? trainer.checkpointDir;
    const score = this.monitor === undefined ? trainer.globalStep : monitored(trainer, this.monitor, 'ModelCheckpoint');
    if (this.saveTopK !== 0) {
      const file = path.join(dir, `${this.format(trainer)}.ckpt`);
      const worst = this.kept.length ? this.kept[this.kept.length - 1]! : undefined;
      const full = this.saveTopK !== -1 && this.kept.length >= this.saveTopK;
      const better = this.monitor === undefined || !worst || improves(score, worst.score, this.mode);
      if (!full || better) {
        await trainer.saveCheckpoint(file, module);
        this.kept = this.kept.filter((saved) => saved.file !== file);
        this.kept.push({ file, score });
        const direction = this.mode === 'min' || this.monitor === undefined ? 1 : -1;
        // Without a monitor the newest ranks first (the score is the step).
        this.kept.sort((a, b) => (this.monitor === undefined ? b.score - a.score : direction * (a.score - b.score)));
        const dropped = this.saveTopK === -1 ? [] : this.kept.splice(this.saveTopK);
        for (const old of dropped) if (old.file !== file) await rm(old.file, { force: true });
        this.bestModelPath = this.kept[0]!.file;
        this.bestModelScore = this.monitor === undefined ? undefined : this.kept[0]!.score;
        this.lastModelPath = file;
      }
    }
    if (this.saveLast) {
      const last = path.join(dir, 'last.ckpt');
      await trainer.saveCheckpoint(last, module);
      this.lastModelPath = last;
    }
  }

  /** The file name for the current state: `{epoch}`, `{step}` and logged keys, with `{key:.3f}` formats. */
  format(trainer: Trainer): string {
    return this.filename.replace(/\{([^}:]+)(?::\.(\d+)f)?\}/g, (_, key: string, digits: string | undefined) => {
      const value =
        key === 'epoch' ? trainer.currentEpoch : key === 'step' ? trainer.globalStep : monitored(trainer, key, 'ModelCheckpoint filename');
      return digits === undefined ? String(value) : value.toFixed(Number(digits));
    });
  }

  override stateDict(): Record<string, unknown> {
    return {
      monitor: this.monitor ?? null,
      best_model_score: this.bestModelScore ?? null,
      best_model_path: this.bestModelPath,
      last_model_path: this.lastModelPath,
      best_k_models: Object.fromEntries(this.kept.map((saved) => [saved.file, saved.score])),
    };
  }

  override loadStateDict(state: Record<string, unknown>): void {
    this.bestModelPath = typeof state.best_model_path === 'string' ? state.best_model_path : '';
    this.lastModelPath = typeof state.last_model_path === 'string' ? state.last_model_path : '';
    this.bestModelScore = typeof state.best_model_score === 'number' ? state.best_model_score : undefined;
    const best = (state.best_k_models ?? {}) as Record<string, number>;
    this.kept = Object.entries(best).map(([file, score]) => ({ file, score: Number(score) }));
  }
}
