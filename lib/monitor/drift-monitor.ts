/**
 * DriftMonitor: drift of a sliding window of logged predictions against a reference dataset, the
 * piece a server calls to export drift gauges and serve a drift report. Each `check()` reads the
 * newest predictions of one model from the PredictionLog (at most `limit`, no older than
 * `maxAgeMs`), runs dataDrift on the columns the reference has, and keeps the result for
 * `gauges()` and `html()`. A window with fewer than `minRows` predictions, an empty one included, is
 * a WindowTooSmallError (a MonitorError: too early, not a failure); the last good result stays
 * available.
 * @module
 */
import { dataDrift, type DataDriftOptions, type DataDriftResult } from './data-drift.js';
import { readDataset, type Dataset } from './dataset.js';
import { MonitorError, WindowTooSmallError, describeValue } from './errors.js';
import type { PredictionLog, PredictionWindow, WindowOptions } from './prediction-log.js';
import { renderDriftReport } from './report.js';

/** Options of {@link DriftMonitor}. */
export interface DriftMonitorOptions extends Omit<DataDriftOptions, 'columns'> {
  /** The reference dataset (from training): records or columns. */
  reference: Dataset;
  /** The log the window is read from. */
  log: PredictionLog;
  /** Only this model's predictions (default: all). */
  model?: string;
  /** Only this version's (default: all). */
  version?: string;
  /** Columns to compare (default: every column of the reference). */
  columns?: readonly string[];
  /** The newest predictions in the window, at most (default 1000). */
  limit?: number;
  /** Leave out predictions older than this many milliseconds (default: no age limit). */
  maxAgeMs?: number;
  /** Fewest predictions a window needs (default 30). */
  minRows?: number;
  /** Compare outputs too (`output`, `output.<key>` columns; the reference must have them). */
  outputs?: boolean;
}

/** One check's outcome. */
export interface DriftCheck {
  /** dataDrift's result on the window. */
  result: DataDriftResult;
  /** The window: predictions and the times of the oldest and newest. */
  window: { rows: number; from: number; to: number };
  /** When the check ran (ms since the epoch). */
  checkedAt: number;
}

/** One gauge sample per column, and the dataset's. */
export interface DriftGauges {
  /** Share of drifted columns. */
  share: number;
  /** 1 when the dataset drifted. */
  datasetDrift: number;
  /** Per column: statistic, p-value (null for distances) and 1 when drifted. */
  features: { name: string; test: string; statistic: number; pValue: number | null; drifted: number }[];
}

/** Drift of a prediction log's recent window against a reference; see the module's description. */
export class DriftMonitor {
  private readonly options: DriftMonitorOptions;
  private readonly columns: string[];
  private lastCheck: DriftCheck | undefined;
  private lastWindow: Record<string, unknown[]> | undefined;

  /** A monitor over `options.log` against `options.reference`; the reference is checked here. */
  constructor(options: DriftMonitorOptions) {
    if (options === null || typeof options !== 'object')
      throw new MonitorError(`DriftMonitor: expected options, got ${describeValue(options)}`);
    const { limit = 1000, minRows = 30, maxAgeMs } = options;
    if (!Number.isInteger(limit) || limit < 1)
      throw new MonitorError(`DriftMonitor: limit must be a positive integer, got ${describeValue(limit)}`);
    if (!Number.isInteger(minRows) || minRows < 1 || minRows > limit)
      throw new MonitorError(`DriftMonitor: minRows must be an integer in [1, limit], got ${describeValue(minRows)}`);
    if (maxAgeMs !== undefined && !(typeof maxAgeMs === 'number' && maxAgeMs > 0))
      throw new MonitorError(`DriftMonitor: maxAgeMs must be a number > 0, got ${describeValue(maxAgeMs)}`);
    const names = readDataset(options.reference, 'reference').names;
    this.columns = options.columns ? [...options.columns] : names;
    for (const name of this.columns)
      if (!names.includes(name))
        throw new MonitorError(`DriftMonitor: column '${name}' is not in the reference dataset (its columns: ${names.join(', ')})`);
    this.options = options;
  }

  /** Reads the window and runs dataDrift on it; throws a MonitorError when the window is too small or does not match. */
  check(now = Date.now()): DriftCheck {
    const { log, model, version, limit = 1000, maxAgeMs, minRows = 30, outputs } = this.options;
    const window = readWindow(log, {
      ...(model !== undefined ? { model } : {}),
      ...(version !== undefined ? { version } : {}),
      ...(maxAgeMs !== undefined ? { since: now - maxAgeMs } : {}),
      limit,
      outputs: outputs ?? false,
    });
    const rows = window?.rows ?? 0;
    if (!window || rows < minRows)
      throw new WindowTooSmallError(
        `the drift window holds ${rows} predictions${model ? ` of model '${model}'` : ''}, fewer than minRows (${minRows})`,
        rows,
        minRows,
      );
    const result = dataDrift(this.options.reference, window.columns, { ...this.driftOptions(), columns: this.columns });
    this.lastCheck = { result, window: { rows: window.rows, from: window.from, to: window.to }, checkedAt: now };
    this.lastWindow = window.columns;
    return this.lastCheck;
  }

  /** The last successful check, if any. */
  get last(): DriftCheck | undefined {
    return this.lastCheck;
  }

  /** Gauge values from the last check (undefined before the first). */
  gauges(): DriftGauges | undefined {
    const check = this.lastCheck;
    if (!check) return undefined;
    return {
      share: check.result.share,
      datasetDrift: check.result.datasetDrift ? 1 : 0,
      features: Object.entries(check.result.features).map(([name, f]) => ({
        name,
        test: f.test,
        statistic: f.statistic,
        pValue: f.pValue,
        drifted: f.drifted ? 1 : 0,
      })),
    };
  }

  /** The HTML report of the last check (undefined before the first). */
  html(title = 'Data drift report'): string | undefined {
    const check = this.lastCheck;
    if (!check || !this.lastWindow) return undefined;
    const current = `prediction log ${this.options.log.file}${this.options.model ? `, model '${this.options.model}'` : ''}, ${check.window.rows} predictions from ${new Date(check.window.from).toISOString()} to ${new Date(check.window.to).toISOString()}`;
    return renderDriftReport({
      reference: this.options.reference,
      current: this.lastWindow,
      result: check.result,
      sources: { reference: 'reference', current },
      title,
    });
  }

  private driftOptions(): DataDriftOptions {
    const { categorical, driftShare, tests, thresholds } = this.options;
    return {
      ...(categorical ? { categorical } : {}),
      ...(driftShare !== undefined ? { driftShare } : {}),
      ...(tests ? { tests } : {}),
      ...(thresholds ? { thresholds } : {}),
    };
  }
}

// An idle server's log is empty: that is a window of 0 rows (too early), not a failed check.
function readWindow(log: PredictionLog, options: WindowOptions & { outputs: boolean }): PredictionWindow | undefined {
  try {
    return log.window(options);
  } catch (error) {
    if (error instanceof WindowTooSmallError) return undefined;
    throw error;
  }
}
