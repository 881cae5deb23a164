/**
 * The server's monitoring: every answered prediction's class and confidence go to the metrics;
 * with a prediction log, each row's input features and prediction are logged (after the answer is
 * sent, never on the request's path); with reference datasets, a drift check of each model's
 * recent window runs every `driftInterval` seconds and fills the drift gauges and the report.
 *
 * Monitoring never stops serving: a log that cannot be opened or written, a reference that cannot
 * be read or does not match the logged columns, a window too small: each is a warning (once per
 * distinct message) and a count in nodetorch_monitoring_errors_total or
 * nodetorch_drift_checks_total, and the server goes on answering.
 * @module
 */
import type { ModelSignature } from '../jit/signature.js';
import { DriftMonitor, type DriftCheck } from '../monitor/drift-monitor.js';
import type { Dataset } from '../monitor/dataset.js';
import { WindowTooSmallError } from '../monitor/errors.js';
import { PredictionLog, type PredictionLogCounters } from '../monitor/prediction-log.js';
import { readTableFile } from '../monitor/table-file.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ServeConfig } from './config.js';
import type { ModelDrift, MonitoringComponent, MonitoringGaugeSource, ServeMetrics } from './metrics.js';
import type { ModelEntry } from './model-manager.js';
import { classNameOf, rowFeatures, rowPredictions, type RowPrediction } from './prediction-features.js';

// better-sqlite3 blocks the event loop while it waits for a lock: a database another connection
// holds must make a flush fail at once (a warning and a metric), not stall every request.
const LOG_BUSY_TIMEOUT_MS = 20;

/** What monitoring needs to know of the model that answered. */
export interface ObservedModel {
  /** The model's name. */
  name: string;
  /** The version that answered. */
  version: string;
  /** Its signature (input names for the feature columns), or null. */
  signature: ModelSignature | null;
  /** Names a class index (index_to_name.json), or gives the index as text. */
  className(index: number): string;
}

/** The ObservedModel of a registered model version. */
export function observedModel(entry: ModelEntry): ObservedModel {
  const names = entry.context?.classNames ?? null;
  return {
    name: entry.name,
    version: entry.version,
    signature: entry.model?.signature ?? null,
    className: (index) => classNameOf(names, index),
  };
}

/** Monitoring settings that only code can give. */
export interface MonitoringOptions {
  /** Reference datasets by model name ('*': every model without its own), besides config's files. */
  references?: Readonly<Record<string, Dataset>>;
  /** Receives each warning (default: process.emitWarning). */
  warn?: (message: string) => void;
  /** The names of the models being served now (for the periodic drift checks). */
  models: () => string[];
}

/** A drift report of one model. */
export interface DriftReport {
  /** The check it shows. */
  check: DriftCheck;
  /** The HTML page. */
  html: string;
}

/** Copies of what a row's log record is made from, kept until the answer has been sent. */
interface Capture {
  inputs: Tensor[];
  predictions: RowPrediction[];
}

/** Prediction metrics, prediction log and drift checks of one server; see the module's description. */
export class ServeMonitoring implements MonitoringGaugeSource {
  /** The prediction log (null when none is configured or it could not be opened). */
  readonly log: PredictionLog | null;
  private readonly references: Map<string, Dataset>;
  private readonly monitors = new Map<string, DriftMonitor>();
  private readonly lastWarning = new Map<string, string>();
  private readonly timer: NodeJS.Timeout | null;
  private readonly warnWith: (message: string) => void;

  private constructor(
    private readonly config: ServeConfig,
    private readonly metrics: ServeMetrics,
    private readonly options: MonitoringOptions,
    references: Map<string, Dataset>,
  ) {
    this.warnWith = options.warn ?? ((message) => process.emitWarning(message, 'NodetorchMonitoringWarning'));
    this.references = references;
    this.log = this.openLog();
    if (this.references.size > 0 && !this.log)
      this.warn('drift', 'config', 'drift_reference is set but there is no prediction log to check it against: set prediction_log');
    this.timer = this.log && this.references.size > 0 ? setInterval(() => this.checkAll(), Math.max(1, config.driftInterval) * 1000) : null;
    this.timer?.unref();
    metrics.attachMonitoring(this);
  }

  /** Opens the log and reads the reference files the config names; failures are warnings. */
  static async create(config: ServeConfig, metrics: ServeMetrics, options: MonitoringOptions): Promise<ServeMonitoring> {
    const references = new Map<string, Dataset>(Object.entries(options.references ?? {}));
    const failures: [string, string][] = [];
    for (const [model, file] of Object.entries(config.driftReference)) {
      if (references.has(model)) continue;
      try {
        references.set(model, await readTableFile(file));
      } catch (error) {
        failures.push([model, `drift reference for ${model === '*' ? 'every model' : `model '${model}'`}: ${(error as Error).message}`]);
      }
    }
    const monitoring = new ServeMonitoring(config, metrics, options, references);
    for (const [model, message] of failures) monitoring.warn('drift', `reference:${model}`, message);
    return monitoring;
  }

  private openLog(): PredictionLog | null {
    const file = this.config.predictionLog;
    if (!file) return null;
    try {
      return new PredictionLog(file, {
        busyTimeoutMs: LOG_BUSY_TIMEOUT_MS,
        retention: {
          ...(this.config.predictionLogMaxAge > 0 ? { maxAgeMs: this.config.predictionLogMaxAge * 1000 } : {}),
          ...(this.config.predictionLogMaxRows > 0 ? { maxRows: this.config.predictionLogMaxRows } : {}),
          ...(this.config.predictionLogMaxBytes > 0 ? { maxBytes: this.config.predictionLogMaxBytes } : {}),
        },
        warn: (message) => this.warn('prediction_log', 'write', message),
        onFlush: ({ ms }) => this.metrics.recordLogWrite(ms),
      });
    } catch (error) {
      this.warn('prediction_log', 'open', `prediction log disabled: ${(error as Error).message}`);
      return null;
    }
  }

  /** Counts a failure and warns when its message differs from the last one of the same kind. */
  private warn(component: MonitoringComponent, kind: string, message: string): void {
    this.metrics.recordMonitoringError(component);
    const key = `${component}:${kind}`;
    if (this.lastWarning.get(key) === message) return;
    this.lastWarning.set(key, message);
    this.warnWith(message);
  }

  /**
   * Called with one request's model inputs and outputs (both still alive): records the class
   * and confidence of each row in the metrics now, and returns what logs the rows once the answer
   * has been sent (`done(latencyMs)`), or null when nothing is to be logged.
   */
  observe(model: ObservedModel, inputs: readonly Tensor[], outputs: readonly Tensor[]): ((latencyMs: number) => void) | null {
    let predictions: RowPrediction[];
    try {
      predictions = rowPredictions(outputs, (index) => model.className(index));
    } catch (error) {
      this.warn('features', model.name, `cannot read the predictions of model '${model.name}': ${(error as Error).message}`);
      return null;
    }
    for (const prediction of predictions)
      this.metrics.recordPrediction(model.name, model.version, {
        ...(prediction.class !== undefined ? { className: prediction.class } : {}),
        ...(prediction.confidence !== undefined ? { confidence: prediction.confidence } : {}),
      });
    if (!this.log) return null;
    // The caller frees its tensors after the answer; the copies live until the rows are logged.
    const capture: Capture = { inputs: inputs.map((t) => t.detach().clone()), predictions };
    return (latencyMs) => setImmediate(() => this.logRows(model, capture, latencyMs));
  }

  private logRows(model: ObservedModel, capture: Capture, latencyMs: number): void {
    try {
      const features = rowFeatures(
        capture.inputs,
        model.signature?.inputs.map((input) => input.name),
      );
      const timestamp = Date.now();
      features.forEach((inputs, row) => {
        this.log?.record({
          model: model.name,
          version: model.version,
          inputs,
          outputs: capture.predictions[row] ?? null,
          latencyMs,
          timestamp,
        });
      });
    } catch (error) {
      this.warn('features', model.name, `cannot log the inputs of model '${model.name}': ${(error as Error).message}`);
    } finally {
      for (const t of capture.inputs) t.dispose();
    }
  }

  /** The models with a reference to check drift against. */
  monitoredModels(): string[] {
    if (!this.log) return [];
    return this.options.models().filter((name) => this.references.has(name) || this.references.has('*'));
  }

  private monitorOf(model: string): DriftMonitor {
    let monitor = this.monitors.get(model);
    if (!monitor) {
      const reference = this.references.get(model) ?? this.references.get('*');
      if (!reference || !this.log) throw new Error(`model '${model}' has no drift reference (set drift_reference)`);
      monitor = new DriftMonitor({
        reference,
        log: this.log,
        model,
        limit: this.config.driftWindow,
        minRows: Math.min(this.config.driftMinRows, this.config.driftWindow),
      });
      this.monitors.set(model, monitor);
    }
    return monitor;
  }

  /** Flushes the log and checks `model`'s window now; throws what the check threw (after counting it). */
  checkDrift(model: string): DriftCheck {
    try {
      this.log?.flush();
    } catch (error) {
      this.warn('prediction_log', 'write', (error as Error).message);
    }
    try {
      const check = this.monitorOf(model).check();
      this.metrics.recordDriftCheck(model, 'ok');
      this.lastWarning.delete(`drift:${model}`);
      return check;
    } catch (error) {
      if (error instanceof WindowTooSmallError) this.metrics.recordDriftCheck(model, 'too_few_rows');
      else {
        this.metrics.recordDriftCheck(model, 'error');
        this.warn('drift', model, `drift check of model '${model}' failed: ${(error as Error).message}`);
      }
      throw error;
    }
  }

  /** Checks every monitored model; failures are counted and warned about, never thrown. */
  checkAll(): void {
    for (const model of this.monitoredModels()) {
      try {
        this.checkDrift(model);
      } catch {
        // counted and warned about in checkDrift
      }
    }
  }

  /** The report of `model`'s newest check (run now), or of its last good one when this one fails. */
  report(model: string): DriftReport {
    let failure: unknown;
    try {
      this.checkDrift(model);
    } catch (error) {
      failure = error;
    }
    const monitor = this.monitors.get(model);
    const check = monitor?.last;
    const html = monitor?.html(`Data drift of model '${model}'`);
    if (!check || !html) throw failure;
    return { check, html };
  }

  /** The drift gauges' source: each monitored model's last good check. */
  drift(): ModelDrift[] {
    const out: ModelDrift[] = [];
    for (const [model, monitor] of this.monitors) {
      const gauges = monitor.gauges();
      const check = monitor.last;
      if (gauges && check) out.push({ model, gauges, windowRows: check.window.rows, checkedAt: check.checkedAt });
    }
    return out;
  }

  /** The prediction-log gauges' source. */
  predictionLog(): PredictionLogCounters | null {
    return this.log?.counters ?? null;
  }

  /** Stops the drift checks and writes and closes the log. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    try {
      this.log?.flush();
    } catch (error) {
      this.warn('prediction_log', 'write', (error as Error).message);
    }
    this.log?.close();
  }
}
