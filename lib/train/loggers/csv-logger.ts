/**
 * CSVLogger (Lightning's layout): `<saveDir>/<name>/version_<N>/metrics.csv`, one row per
 * logged step with a column per key (blank where a row has no value), and `hparams.yaml`.
 * The file is rewritten atomically as columns appear, so it is always a complete CSV.
 * @module
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { writeFileAtomic } from '../../io/atomic.js';
import type { Logger, RunStatus } from './logger.js';

/** Options of CSVLogger. */
export interface CSVLoggerOptions {
  /** The experiment's folder name (default 'lightning_logs'). */
  name?: string;
  /** The version (default: the next free `version_N`). */
  version?: number | string;
  /** Write to disk every N rows (default 1: every row). */
  flushLogsEveryNSteps?: number;
}

/** The next `version_N` under `dir`. */
export function nextVersion(dir: string): number {
  const versions = (existsSync(dir) ? readdirSync(dir) : [])
    .map((entry) => /^version_(\d+)$/.exec(entry)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number);
  return versions.length ? Math.max(...versions) + 1 : 0;
}

/** Logs metrics to a CSV file and hyperparameters to YAML. */
export class CSVLogger implements Logger {
  readonly name: string;
  readonly version: number | string;
  readonly logDir: string;
  private readonly rows: Record<string, number>[] = [];
  private readonly columns = new Set<string>(['step']);
  private readonly flushEvery: number;
  private unflushed = 0;

  /** A logger under `saveDir`. */
  constructor(saveDir: string, options: CSVLoggerOptions = {}) {
    this.name = options.name ?? 'lightning_logs';
    const root = path.join(saveDir, this.name);
    this.version = options.version ?? nextVersion(root);
    this.logDir = path.join(root, typeof this.version === 'number' ? `version_${this.version}` : this.version);
    this.flushEvery = options.flushLogsEveryNSteps ?? 1;
    mkdirSync(this.logDir, { recursive: true });
  }

  /** The metrics file. */
  get metricsFile(): string {
    return path.join(this.logDir, 'metrics.csv');
  }

  async logMetrics(metrics: Record<string, number>, step: number): Promise<void> {
    for (const key of Object.keys(metrics)) this.columns.add(key);
    this.rows.push({ ...metrics, step });
    if (++this.unflushed >= this.flushEvery) await this.save();
  }

  async logHyperparams(params: Record<string, unknown>): Promise<void> {
    await writeFileAtomic(path.join(this.logDir, 'hparams.yaml'), stringify(params));
  }

  async save(): Promise<void> {
    this.unflushed = 0;
    const columns = [...this.columns].sort((a, b) => (a === 'step' ? 1 : b === 'step' ? -1 : a.localeCompare(b)));
    const lines = [columns.map(csvField).join(',')];
    for (const row of this.rows) lines.push(columns.map((column) => (column in row ? String(row[column]) : '')).join(','));
    await writeFileAtomic(this.metricsFile, lines.join('\n') + '\n');
  }

  async finalize(_status: RunStatus): Promise<void> {
    await this.save();
  }
}

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
