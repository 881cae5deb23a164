/**
 * MLflowLogger: writes MLflow's file store (the `mlruns/` folder that `mlflow ui` reads) directly:
 * `<trackingDir>/<experiment id>/meta.yaml`, and per run `<run id>/meta.yaml`, `metrics/<key>`
 * ("timestamp value step" lines), `params/<key>`, `tags/<key>` and `artifacts/` (checkpoints go there).
 * Keys with '/' become sub-folders, as MLflow stores them. The Default experiment (id 0) is created
 * when missing, as MLflow does.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse, stringify } from 'yaml';
import { flattenParams } from './flatten-params.js';
import type { Logger, RunStatus } from './logger.js';

/** Options of MLflowLogger. */
export interface MLflowLoggerOptions {
  /** The experiment's name (default 'lightning_logs'); created when missing. */
  experimentName?: string;
  /** The run's name (default: a generated one). */
  runName?: string;
  /** Extra tags for the run. */
  tags?: Record<string, string>;
}

// MLflow's RunStatus enum.
const STATUS = { RUNNING: 1, FINISHED: 3, FAILED: 4, KILLED: 5 } as const;
const FINAL: Record<RunStatus, number> = { success: STATUS.FINISHED, failed: STATUS.FAILED, interrupted: STATUS.KILLED };

/** A metric, param or tag key as MLflow accepts it (letters, digits, _ - . / and space). */
function checkKey(key: string, what: string): string {
  if (!/^[\w\-. /]+$/.test(key) || key.split('/').some((part) => part === '' || part === '..'))
    throw new TypeError(`MLflowLogger: invalid ${what} name '${key}' (MLflow allows letters, digits, _ - . / and spaces)`);
  return key;
}

function writeKey(dir: string, key: string, text: string, append = false): void {
  const file = path.join(dir, ...key.split('/'));
  mkdirSync(path.dirname(file), { recursive: true });
  if (append) appendFileSync(file, text);
  else writeFileSync(file, text);
}

/** Logs to an MLflow file store. */
export class MLflowLogger implements Logger {
  readonly name: string;
  readonly version: string;
  /** The run's folder; `logDir` (where checkpoints go) is its artifacts folder. */
  readonly runDir: string;
  readonly logDir: string;
  /** The experiment's id. */
  readonly experimentId: string;
  private readonly meta: Record<string, unknown>;

  /** A run in the file store at `trackingDir` (default './mlruns'). */
  constructor(trackingDir = 'mlruns', options: MLflowLoggerOptions = {}) {
    const root = path.resolve(trackingDir);
    this.name = options.experimentName ?? 'lightning_logs';
    mkdirSync(root, { recursive: true });
    if (!existsSync(path.join(root, '0', 'meta.yaml'))) this.writeExperiment(root, '0', 'Default');
    this.experimentId = this.findExperiment(root) ?? this.createExperiment(root);
    this.version = randomUUID().replace(/-/g, '');
    this.runDir = path.join(root, this.experimentId, this.version);
    this.logDir = path.join(this.runDir, 'artifacts');
    for (const sub of ['metrics', 'params', 'tags', 'artifacts']) mkdirSync(path.join(this.runDir, sub), { recursive: true });
    const runName = options.runName ?? `run-${this.version.slice(0, 8)}`;
    this.meta = {
      artifact_uri: pathToFileURL(this.logDir).href,
      end_time: null,
      entry_point_name: '',
      experiment_id: this.experimentId,
      lifecycle_stage: 'active',
      run_id: this.version,
      run_name: runName,
      run_uuid: this.version,
      source_name: '',
      source_type: 4,
      source_version: '',
      start_time: Date.now(),
      status: STATUS.RUNNING,
      tags: [],
      user_id: os.userInfo().username,
    };
    this.writeMeta();
    const tags = { 'mlflow.runName': runName, 'mlflow.user': os.userInfo().username, 'mlflow.source.type': 'LOCAL', ...options.tags };
    for (const [key, value] of Object.entries(tags)) writeKey(path.join(this.runDir, 'tags'), checkKey(key, 'tag'), value);
  }

  logMetrics(metrics: Record<string, number>, step: number): void {
    const timestamp = Date.now();
    for (const [key, value] of Object.entries(metrics)) {
      writeKey(path.join(this.runDir, 'metrics'), checkKey(key, 'metric'), `${timestamp} ${value} ${step}\n`, true);
    }
  }

  logHyperparams(params: Record<string, unknown>): void {
    const { _run: run, ...rest } = params as { _run?: { gitCommit?: string | null; command?: string } };
    // Nested hyperparameters as MLflow params: `{ opt: { lr: 0.1 } }` -> `opt/lr` = '0.1'.
    for (const [key, value] of Object.entries(flattenParams(rest)))
      writeKey(path.join(this.runDir, 'params'), checkKey(key, 'param'), typeof value === 'string' ? value : JSON.stringify(value));
    if (run?.gitCommit) writeKey(path.join(this.runDir, 'tags'), 'mlflow.source.git.commit', run.gitCommit);
    if (run?.command) writeKey(path.join(this.runDir, 'tags'), 'mlflow.source.name', run.command);
  }

  save(): void {}

  finalize(status: RunStatus): void {
    this.meta.status = FINAL[status];
    this.meta.end_time = Date.now();
    this.writeMeta();
  }

  private writeMeta(): void {
    writeFileSync(path.join(this.runDir, 'meta.yaml'), stringify(this.meta));
  }

  private writeExperiment(root: string, id: string, name: string): void {
    mkdirSync(path.join(root, id), { recursive: true });
    const now = Date.now();
    const meta = {
      artifact_location: pathToFileURL(path.join(root, id)).href,
      creation_time: now,
      experiment_id: id,
      last_update_time: now,
      lifecycle_stage: 'active',
      name,
    };
    writeFileSync(path.join(root, id, 'meta.yaml'), stringify(meta));
  }

  private findExperiment(root: string): string | undefined {
    for (const id of readdirSync(root)) {
      const file = path.join(root, id, 'meta.yaml');
      if (!existsSync(file)) continue;
      const meta = parse(readFileSync(file, 'utf8')) as { name?: string; lifecycle_stage?: string } | null;
      if (meta?.name === this.name && meta.lifecycle_stage !== 'deleted') return id;
    }
    return undefined;
  }

  private createExperiment(root: string): string {
    const ids = readdirSync(root)
      .filter((id) => /^\d+$/.test(id))
      .map(Number);
    const id = String(Math.max(0, ...ids) + 1);
    this.writeExperiment(root, id, this.name);
    return id;
  }
}
