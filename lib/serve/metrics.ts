/**
 * The metrics a server exposes, in its own prom-client registry: TorchServe's three families
 * (ts_inference_requests_total, ts_inference_latency_microseconds, ts_queue_latency_microseconds,
 * labelled model_name, model_version, hostname), and what users miss there: latency and batch-size
 * histograms, queue depth, model load time, workers, process CPU and memory (prom-client's default
 * metrics) and LibTorch's native memory as the addon counts it.
 * @module
 */
import { hostname } from 'node:os';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { memory } from '../tensor/runtime.js';

/** What a gauge reads when scraped: one value per model version. */
export interface ModelGaugeSource {
  /** Every model version with its queue depth, worker count and load time (null while loading). */
  models(): { name: string; version: string; queueDepth: number; workers: number; loadSeconds: number | null }[];
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
    collectDefaultMetrics({ register: this.registry });
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
