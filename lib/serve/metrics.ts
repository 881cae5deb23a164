/**
 * The metrics a server exposes, in its own prom-client registry: TorchServe's three families
 * (ts_inference_requests_total, ts_inference_latency_microseconds, ts_queue_latency_microseconds,
 * labelled model_name, model_version, hostname), and what users miss there: latency and batch-size
 * histograms, the mean latency since start, answers by status code, queue depth, model load time, workers, process CPU and memory
 * (prom-client's default metrics) and LibTorch's native memory as the addon counts it. With
 * monitoring on: the predicted class distribution and confidence histogram, drift gauges per
 * feature and per dataset, and the prediction log's write latency, size and losses.
 * @module
 */
import { hostname } from 'node:os';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DriftGauges } from '../monitor/drift-monitor.js';
import type { PredictionLogCounters } from '../monitor/prediction-log.js';
import { memory } from '../tensor/runtime.js';

/** What a gauge reads when scraped: one value per model version. */
export interface ModelGaugeSource {
  /**
   * Every model version with its queue depth and capacity (job_queue_size), worker count and load
   * time (null while loading).
   */
  models(): { name: string; version: string; queueDepth: number; queueCapacity: number; workers: number; loadSeconds: number | null }[];
}

/** One model's last drift check, as the drift gauges show it. */
export interface ModelDrift {
  /** The model's name. */
  model: string;
  /** The gauges of its last successful check. */
  gauges: DriftGauges;
  /** Predictions in the checked window. */
  windowRows: number;
  /** When the check ran, in ms since the epoch. */
  checkedAt: number;
}

/** What the monitoring gauges read when scraped. */
export interface MonitoringGaugeSource {
  /** The last drift check of every model that has one. */
  drift(): ModelDrift[];
  /** The prediction log's counters (null when no log is open). */
  predictionLog(): PredictionLogCounters | null;
}

/** Where a monitoring failure happened, for nodetorch_monitoring_errors_total. */
export type MonitoringComponent = 'prediction_log' | 'drift' | 'features';

/** How a drift check ended: a result, a failure (bad reference or window), or too few predictions yet. */
export type DriftCheckOutcome = 'ok' | 'error' | 'too_few_rows';

let processMetrics: Registry | null = null;

/**
 * prom-client's default metrics (process CPU, memory, event-loop lag, GC), collected once per
 * process: collectDefaultMetrics starts a GC observer and event-loop monitor per call that nothing
 * stops, so one per server would pile up in a process that creates many.
 */
function processMetricsRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}

/** The server's metrics. */
export class ServeMetrics {
  /** The registry /metrics renders. */
  readonly registry = new Registry();
  private readonly host = hostname();
  private readonly requests: Counter;
  private readonly latency: Counter;
  private readonly queueLatency: Counter;
  private readonly latencySeconds: Histogram;
  private readonly batchSizes: Histogram;
  private readonly responses: Counter;
  private readonly predictions: Counter;
  private readonly confidence: Histogram;
  private readonly driftChecks: Counter;
  private readonly monitoringErrors: Counter;
  private readonly logWrites: Histogram;
  private monitoring: MonitoringGaugeSource | null = null;

  /**
   * The metric families, registered in a registry of their own.
   * @param source Where the per-model gauges read their values at scrape time.
   */
  constructor(source: ModelGaugeSource) {
    const labelNames = ['model_name', 'model_version', 'hostname'] as const;
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'ts_inference_requests_total',
      help: 'Total number of inference requests.',
      labelNames,
      registers,
    });
    this.latency = new Counter({
      name: 'ts_inference_latency_microseconds',
      help: 'Cumulative inference duration in microseconds',
      labelNames,
      registers,
    });
    this.queueLatency = new Counter({
      name: 'ts_queue_latency_microseconds',
      help: 'Cumulative queue duration in microseconds',
      labelNames,
      registers,
    });
    this.latencySeconds = new Histogram({
      name: 'nodetorch_inference_latency_seconds',
      help: 'Inference request latency (receipt to answer), seconds',
      labelNames: ['model_name', 'model_version'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    const latencySeconds = this.latencySeconds;
    new Gauge({
      name: 'nodetorch_inference_latency_mean_microseconds',
      help: 'Mean inference request latency since start (the latency histogram sum over its count), microseconds',
      labelNames: ['model_name', 'model_version'],
      registers,
      // Read from the histogram at scrape time: it already holds each label set's sum and count.
      async collect() {
        this.reset();
        const sums = new Map<string, number>();
        const { values } = await latencySeconds.get();
        const key = (labels: object) => JSON.stringify(labels);
        for (const { metricName, labels, value } of values) if (metricName?.endsWith('_sum')) sums.set(key(labels), value);
        for (const { metricName, labels, value } of values)
          if (metricName?.endsWith('_count') && value > 0)
            this.set(labels as { model_name: string; model_version: string }, (sums.get(key(labels))! / value) * 1e6);
      },
    });
    this.batchSizes = new Histogram({
      name: 'nodetorch_batch_size',
      help: 'Requests per executed batch',
      labelNames: ['model_name', 'model_version'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers,
    });
    const perModel = (name: string, help: string, read: (m: ReturnType<ModelGaugeSource['models']>[number]) => number | null) =>
      new Gauge({
        name,
        help,
        labelNames: ['model_name', 'model_version'],
        registers,
        collect() {
          this.reset();
          for (const model of source.models()) {
            const value = read(model);
            if (value !== null) this.set({ model_name: model.name, model_version: model.version }, value);
          }
        },
      });
    perModel('nodetorch_queue_depth', 'Requests waiting for a worker', (m) => m.queueDepth);
    perModel('nodetorch_queue_capacity', 'Requests the queue holds (job_queue_size) before refusing more', (m) => m.queueCapacity);
    perModel('nodetorch_workers', 'Workers of the model (forwards that may run at once)', (m) => m.workers);
    perModel('nodetorch_model_load_time_seconds', 'Time the model took to load', (m) => m.loadSeconds);
    new Gauge({
      name: 'nodetorch_native_memory_bytes',
      help: 'LibTorch memory as the addon counts it: bytes of live tensor storages, CPU allocator blocks in use and cached',
      labelNames: ['kind'],
      registers,
      collect() {
        const now = memory();
        this.set({ kind: 'storages' }, now.bytes);
        this.set({ kind: 'cpu_allocated' }, now.cpuAllocatedBytes);
        this.set({ kind: 'cpu_cached' }, now.cpuCachedBytes);
      },
    });
    new Gauge({
      name: 'nodetorch_live_tensors',
      help: 'Live tensors',
      registers,
      collect() {
        this.set(memory().liveTensors);
      },
    });
    const counter = (name: string, help: string, labelNames: string[]) => new Counter({ name, help, labelNames, registers });
    this.responses = counter(
      'nodetorch_inference_responses_total',
      'Answers of the inference routes (/predictions, KServe infer) by requested version and HTTP status code',
      ['model_name', 'model_version', 'code'],
    );
    this.predictions = counter('nodetorch_predictions_total', 'Predicted rows by predicted class (the argmax of a classifier output)', [
      'model_name',
      'model_version',
      'class',
    ]);
    this.confidence = new Histogram({
      name: 'nodetorch_prediction_confidence',
      help: "Confidence of each predicted row (the top class's softmax probability)",
      labelNames: ['model_name', 'model_version'],
      buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1],
      registers,
    });
    this.driftChecks = counter(
      'nodetorch_drift_checks_total',
      'Drift checks of the prediction window, by outcome (ok, error, too_few_rows)',
      ['model_name', 'outcome'],
    );
    this.monitoringErrors = counter(
      'nodetorch_monitoring_errors_total',
      'Monitoring failures that did not stop serving, by component (prediction_log, drift, features)',
      ['component'],
    );
    this.logWrites = new Histogram({
      name: 'nodetorch_prediction_log_write_seconds',
      help: 'Duration of each prediction-log flush (one transaction), seconds',
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.driftGauges(registers);
    this.predictionLogGauges(registers);
    const shared = processMetricsRegistry();
    for (const { name } of shared.getMetricsAsArray()) {
      const metric = shared.getSingleMetric(name);
      if (metric) this.registry.registerMetric(metric);
    }
  }

  private driftGauges(registers: Registry[]): void {
    const drifts = () => this.monitoring?.drift() ?? [];
    const perModel = (name: string, help: string, read: (d: ModelDrift) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['model_name'],
        registers,
        collect() {
          this.reset();
          for (const d of drifts()) this.set({ model_name: d.model }, read(d));
        },
      });
    perModel('nodetorch_drift_share', 'Share of drifted features in the last drift check', (d) => d.gauges.share);
    perModel('nodetorch_dataset_drift', '1 when the last drift check found dataset drift', (d) => d.gauges.datasetDrift);
    perModel('nodetorch_drift_window_rows', 'Predictions in the last drift window', (d) => d.windowRows);
    perModel('nodetorch_drift_last_check_timestamp_seconds', 'When the last drift check ran (Unix time)', (d) => d.checkedAt / 1000);
    type Feature = DriftGauges['features'][number];
    const perFeature = (name: string, help: string, read: (f: Feature) => number | null) =>
      new Gauge({
        name,
        help,
        labelNames: ['model_name', 'feature', 'test'],
        registers,
        collect() {
          this.reset();
          for (const d of drifts())
            for (const f of d.gauges.features) {
              const value = read(f);
              if (value !== null) this.set({ model_name: d.model, feature: f.name, test: f.test }, value);
            }
        },
      });
    perFeature('nodetorch_feature_drift_statistic', "The feature's drift test statistic (or distance)", (f) => f.statistic);
    perFeature('nodetorch_feature_drift_p_value', "The feature's drift test p-value (tests that have one)", (f) => f.pValue);
    perFeature('nodetorch_feature_drifted', '1 when the feature drifted', (f) => f.drifted);
  }

  private predictionLogGauges(registers: Registry[]): void {
    const counters = () => this.monitoring?.predictionLog() ?? null;
    const gauge = (name: string, help: string, read: (c: PredictionLogCounters) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const now = counters();
          this.reset();
          if (now) this.set(read(now));
        },
      });
    // The log keeps its own running totals; these counters show them at scrape time.
    const total = (name: string, help: string, read: (c: PredictionLogCounters) => number) =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          const now = counters();
          this.reset();
          if (now) this.inc(read(now));
        },
      });
    gauge('nodetorch_prediction_log_rows', 'Predictions in the prediction log', (c) => c.rows);
    gauge('nodetorch_prediction_log_bytes', "Bytes of the prediction log's pages in use", (c) => c.bytes);
    gauge('nodetorch_prediction_log_pending', 'Predictions waiting in memory to be written', (c) => c.pending);
    total('nodetorch_prediction_log_written_total', 'Predictions written to the log', (c) => c.written);
    total('nodetorch_prediction_log_dropped_total', 'Predictions not logged (buffer full or a failed write)', (c) => c.dropped);
    total('nodetorch_prediction_log_write_errors_total', 'Failed prediction-log writes', (c) => c.writeErrors);
  }

  /**
   * Connects the drift and prediction-log gauges to what they read.
   * @internal
   */
  attachMonitoring(source: MonitoringGaugeSource): void {
    this.monitoring = source;
  }

  /**
   * Records the answer of an inference route (`model` empty when the route names none; `version`
   * undefined when it names no version, counted as `default` as TorchServe's request counter does).
   */
  recordResponse(model: string, version: string | undefined, code: number): void {
    this.responses.inc({ model_name: model, model_version: version ?? 'default', code: String(code) });
  }

  /** Records one predicted row: its class (when the output is a classifier's) and confidence. */
  recordPrediction(model: string, version: string, prediction: { className?: string; confidence?: number }): void {
    if (prediction.className !== undefined)
      this.predictions.inc({ model_name: model, model_version: version, class: prediction.className });
    if (prediction.confidence !== undefined) this.confidence.observe({ model_name: model, model_version: version }, prediction.confidence);
  }

  /**
   * Records a drift check's outcome.
   * @internal
   */
  recordDriftCheck(model: string, outcome: DriftCheckOutcome): void {
    this.driftChecks.inc({ model_name: model, outcome });
  }

  /**
   * Records a monitoring failure that serving went on through.
   * @internal
   */
  recordMonitoringError(component: MonitoringComponent): void {
    this.monitoringErrors.inc({ component });
  }

  /** Records one prediction-log flush's duration. */
  recordLogWrite(ms: number): void {
    this.logWrites.observe(ms / 1000);
  }

  /** Records one answered inference request. */
  recordRequest(model: string, version: string | undefined, seconds: number): void {
    const labels = { model_name: model, model_version: version ?? 'default', hostname: this.host };
    this.requests.inc(labels);
    this.latency.inc(labels, seconds * 1e6);
    this.latencySeconds.observe({ model_name: model, model_version: version ?? 'default' }, seconds);
  }

  /** Records one executed batch (of the model's `version`) and its jobs' queue times by requested version. */
  recordBatch(model: string, version: string, size: number, jobs: { tag: string; queueMicros: number }[]): void {
    this.batchSizes.observe({ model_name: model, model_version: version }, size);
    for (const job of jobs)
      this.queueLatency.inc({ model_name: model, model_version: job.tag || 'default', hostname: this.host }, job.queueMicros);
  }

  /** The Prometheus text of every family, or of the `names` asked for (the `name[]` filter). */
  async render(names: readonly string[] = []): Promise<string> {
    if (names.length === 0) return this.registry.metrics();
    const known = new Set(this.registry.getMetricsAsArray().map((metric) => metric.name));
    const parts = await Promise.all(names.filter((name) => known.has(name)).map((name) => this.registry.getSingleMetricAsString(name)));
    return parts.map((part) => `${part}\n`).join('');
  }

  /** The registry's content type (Prometheus text format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }
}
