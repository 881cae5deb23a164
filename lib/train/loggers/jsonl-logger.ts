/**
 * JSONLLogger: one JSON object per line in `<saveDir>/<name>/version_<N>/metrics.jsonl`
 * (`{ "step": 10, "train/loss_step": 0.52 }`), appended as values arrive, so a crash loses at most
 * the line being written; hyperparameters go to `hparams.json`.
 * @module
 */
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../io/atomic.js';
import { nextVersion } from './csv-logger.js';
import type { Logger, RunStatus } from './logger.js';

/** Options of JSONLLogger. */
export interface JSONLLoggerOptions {
  /** The experiment's folder name (default 'lightning_logs'). */
  name?: string;
  /** The version (default: the next free `version_N`). */
  version?: number | string;
}

/** Logs metrics as JSON lines. */
export class JSONLLogger implements Logger {
  readonly name: string;
  readonly version: number | string;
  readonly logDir: string;
  private ready: Promise<unknown> | null = null;

  /** A logger under `saveDir`. */
  constructor(saveDir: string, options: JSONLLoggerOptions = {}) {
    this.name = options.name ?? 'lightning_logs';
    const root = path.join(saveDir, this.name);
    this.version = options.version ?? nextVersion(root);
    this.logDir = path.join(root, typeof this.version === 'number' ? `version_${this.version}` : this.version);
  }

  /** The metrics file. */
  get metricsFile(): string {
    return path.join(this.logDir, 'metrics.jsonl');
  }

  async logMetrics(metrics: Record<string, number>, step: number): Promise<void> {
    await this.folder();
    await appendFile(this.metricsFile, JSON.stringify({ step, ...metrics }) + '\n');
  }

  async logHyperparams(params: Record<string, unknown>): Promise<void> {
    await this.folder();
    await writeFileAtomic(path.join(this.logDir, 'hparams.json'), JSON.stringify(params, null, 2) + '\n');
  }

  save(): void {}

  async finalize(status: RunStatus): Promise<void> {
    await this.folder();
    await appendFile(this.metricsFile, JSON.stringify({ status }) + '\n');
  }

  private folder(): Promise<unknown> {
    return (this.ready ??= mkdir(this.logDir, { recursive: true }));
  }
}
