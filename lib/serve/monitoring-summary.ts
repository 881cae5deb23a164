/**
 * What the monitoring page shows, computed from the server's metrics registry: per model the
 * requests, answers by status code, latency percentiles, batch sizes, predicted classes, confidence
 * and drift; process-wide the prediction log and LibTorch's memory. A pure function of the
 * registry's JSON (prom-client's `getMetricsAsJSON()`), so the page's numbers are the numbers
 * /metrics shows, and the percentiles are those Prometheus's `histogram_quantile` would give.
 * @module
 */

/** One sample of a metric family, as prom-client's `getMetricsAsJSON()` gives it. */
export interface MetricSampleJson {
  /** The sample's value. */
  value: number;
  /** Its labels (a histogram bucket's `le` may be a number or "+Inf"). */
  labels: Partial<Record<string, string | number>>;
  /** For histograms: `<name>_bucket`, `<name>_sum` or `<name>_count`. */
  metricName?: string;
}

/** One metric family, as prom-client's `getMetricsAsJSON()` gives it. */
export interface MetricFamilyJson {
  /** The family's name. */
  name: string;
  /** Its samples. */
  values: MetricSampleJson[];
}

/** One cumulative histogram bucket: observations less than or equal to `le`. */
export interface HistogramBucket {
  /** The bucket's upper bound (Infinity for the +Inf bucket). */
  le: number;
  /** Observations at or below `le` (cumulative, as Prometheus counts them). */
  count: number;
}

/** A histogram's totals and percentiles (null while it has no observations). */
export interface HistogramSummary {
  /** Observations. */
  count: number;
  /** Sum of the observations. */
  sum: number;
  /** Mean observation (null without observations). */
  mean: number | null;
  /** 50th percentile, as histogram_quantile(0.5, ...) computes it. */
  p50: number | null;
  /** 95th percentile. */
  p95: number | null;
  /** 99th percentile. */
  p99: number | null;
}

/** One bar of a histogram's distribution: the observations in (`from`, `le`]. */
export interface DistributionBar {
  /** The previous bucket's upper bound (0 for the first bucket). */
  from: number;
  /** The bucket's upper bound (Infinity for the last one; serialized to JSON as null). */
  le: number;
  /** Observations in this bucket only (not cumulative). */
  count: number;
}

/** One predicted class and how often it was predicted. */
export interface ClassCount {
  /** The class (its index or label, as nodetorch_predictions_total labels it). */
  name: string;
  /** Predicted rows of this class. */
  count: number;
  /** Its share of the model's predicted rows (0..1). */
  share: number;
}

/** One feature's result in the last drift check. */
export interface FeatureDriftSummary {
  /** The feature's name. */
  name: string;
  /** The test that checked it. */
  test: string;
  /** The test statistic or distance (null when not reported). */
  statistic: number | null;
  /** The test's p-value (null for tests without one). */
  pValue: number | null;
  /** Whether the feature drifted. */
  drifted: boolean;
}

/** The last drift check of a model. */
export interface DriftSummary {
  /** Share of drifted features (0..1). */
  share: number;
  /** Whether the check found dataset drift. */
  datasetDrift: boolean;
  /** Predictions in the checked window. */
  windowRows: number | null;
  /** When the check ran, in seconds since the epoch. */
  lastCheckSeconds: number | null;
  /** Per-feature results, drifted features first. */
  features: FeatureDriftSummary[];
}

/** Everything the monitoring page shows about one model (all versions together). */
export interface ModelSummary {
  /** The model's name. */
  name: string;
  /** Its versions that the metrics name. */
  versions: string[];
  /** Answered inference requests (ts_inference_requests_total). */
  requestsTotal: number;
  /** Answers of the inference routes by HTTP status code (nodetorch_inference_responses_total). */
  responses: Record<string, number>;
  /** Request latency in seconds (nodetorch_inference_latency_seconds). */
  latency: HistogramSummary;
  /** Requests per executed batch (nodetorch_batch_size), with its distribution. */
  batchSize: HistogramSummary & { distribution: DistributionBar[] };
  /** Predicted rows by class, most frequent first (nodetorch_predictions_total). */
  classes: ClassCount[];
  /** Predicted rows counted by class. */
  predictionsTotal: number;
  /** Confidence of the predicted rows (nodetorch_prediction_confidence). */
  confidence: HistogramSummary;
  /** The last drift check (null when there is none). */
  drift: DriftSummary | null;
  /** Drift checks by outcome (ok, error, too_few_rows). */
  driftChecks: Record<string, number>;
  /** Requests waiting for a worker (null when not reported). */
  queueDepth: number | null;
  /** Workers (null when not reported). */
  workers: number | null;
  /** Seconds the model took to load (null while loading or not reported). */
  loadSeconds: number | null;
}

/** The prediction log's counters. */
export interface PredictionLogSummary {
  /** Predictions in the log. */
  rows: number | null;
  /** Bytes of the log's pages in use. */
  bytes: number | null;
  /** Predictions waiting in memory. */
  pending: number | null;
  /** Predictions written. */
  written: number | null;
  /** Predictions not logged. */
  dropped: number | null;
  /** Failed writes. */
  writeErrors: number | null;
}

/** Process-wide numbers. */
export interface ProcessSummary {
  /** The prediction log (null when none is open). */
  predictionLog: PredictionLogSummary | null;
  /** LibTorch's memory by kind (storages, cpu_allocated, cpu_cached), bytes. */
  nativeMemory: Record<string, number>;
  /** Live tensors (null when not reported). */
  liveTensors: number | null;
  /** Resident memory of the process, bytes (null when not reported). */
  residentMemoryBytes: number | null;
  /** CPU seconds the process used (null when not reported). */
  cpuSecondsTotal: number | null;
  /** Monitoring failures by component. */
  monitoringErrors: Record<string, number>;
}

/** The monitoring page's data: one summary per model, and the process's. */
export interface MonitoringSummary {
  /** When the summary was taken, ms since the epoch (the page's rate uses successive ones). */
  generatedAt: number;
  /** The models, by name. */
  models: ModelSummary[];
  /** Process-wide numbers. */
  process: ProcessSummary;
}

const upperBound = (le: string | number | undefined): number => (le === '+Inf' || le === undefined ? Infinity : Number(le));

/**
 * The `q` quantile of a cumulative histogram, computed as Prometheus's `histogram_quantile` does
 * (promql/quantile.go, bucketQuantile): buckets sorted by upper bound and made monotonic; the
 * rank is `q` times the +Inf bucket's count; the answer lies in the first bucket whose count
 * reaches the rank, interpolated linearly between that bucket's lower bound (the previous upper
 * bound, or 0 for the first bucket) and its upper bound. A rank in the +Inf bucket answers the
 * highest finite upper bound; a first bucket with an upper bound at or below 0 answers that
 * bound. NaN without observations, with fewer than two buckets or without a +Inf bucket;
 * -Infinity for q < 0 and Infinity for q > 1, as in Prometheus.
 */
export function histogramQuantile(q: number, buckets: readonly HistogramBucket[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  if (sorted.length < 2 || sorted[sorted.length - 1]!.le !== Infinity) return NaN;
  // Counts scraped at different moments can dip; Prometheus carries the maximum forward.
  let max = 0;
  const counts = sorted.map((b) => (max = Math.max(max, b.count)));
  const observations = counts[counts.length - 1]!;
  if (observations === 0) return NaN;
  let rank = q * observations;
  const b = counts.findIndex((count) => count >= rank);
  const last = sorted.length - 1;
  if (b === last) return sorted[last - 1]!.le;
  if (b === 0 && sorted[0]!.le <= 0) return sorted[0]!.le;
  let start = 0;
  let count = counts[b]!;
  if (b > 0) {
    start = sorted[b - 1]!.le;
    count -= counts[b - 1]!;
    rank -= counts[b - 1]!;
  }
  return start + (sorted[b]!.le - start) * (rank / count);
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** Samples of one family (or of one of a histogram's series) grouped by model name. */
class Families {
  private readonly byName = new Map<string, MetricFamilyJson>();

  constructor(families: readonly MetricFamilyJson[]) {
    for (const family of families) this.byName.set(family.name, family);
  }

  samples(name: string, metricName?: string): MetricSampleJson[] {
    const values = this.byName.get(name)?.values ?? [];
    return metricName === undefined ? values : values.filter((v) => v.metricName === metricName);
  }

  /** The sum of a family's samples per value of `label`, over the samples `where` accepts. */
  sumBy(name: string, label: string, where: (s: MetricSampleJson) => boolean = () => true): Map<string, number> {
    const sums = new Map<string, number>();
    for (const s of this.samples(name).filter(where)) {
      const key = String(s.labels[label] ?? '');
      sums.set(key, (sums.get(key) ?? 0) + s.value);
    }
    return sums;
  }

  /** A family's samples of one model, summed (null when there are none). */
  modelTotal(name: string, model: string): number | null {
    const mine = this.samples(name).filter((s) => s.labels.model_name === model);
    return mine.length === 0 ? null : mine.reduce((sum, s) => sum + s.value, 0);
  }

  /** A histogram of one model, its versions' buckets summed by `le` (Prometheus's sum by (le)). */
  histogram(name: string, model?: string): { buckets: HistogramBucket[]; sum: number; count: number } {
    const mine = (s: MetricSampleJson) => model === undefined || s.labels.model_name === model;
    const byLe = new Map<number, number>();
    for (const s of this.samples(name, `${name}_bucket`).filter(mine)) {
      const le = upperBound(s.labels.le);
      byLe.set(le, (byLe.get(le) ?? 0) + s.value);
    }
    const total = (series: string) =>
      this.samples(name, `${name}_${series}`)
        .filter(mine)
        .reduce((sum, s) => sum + s.value, 0);
    const buckets = [...byLe].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
    return { buckets, sum: total('sum'), count: total('count') };
  }

  /** Every model name the families label. */
  modelNames(): string[] {
    const names = new Set<string>();
    for (const family of this.byName.values())
      for (const s of family.values) {
        const name = s.labels.model_name;
        if (typeof name === 'string' && name !== '') names.add(name);
      }
    return [...names].sort();
  }
}

function histogramSummary(h: { buckets: HistogramBucket[]; sum: number; count: number }): HistogramSummary {
  const quantile = (q: number) => finiteOrNull(histogramQuantile(q, h.buckets));
  return {
    count: h.count,
    sum: h.sum,
    mean: h.count > 0 ? h.sum / h.count : null,
    p50: quantile(0.5),
    p95: quantile(0.95),
    p99: quantile(0.99),
  };
}

function distribution(buckets: readonly HistogramBucket[]): DistributionBar[] {
  return buckets.map((b, i) => ({
    from: i === 0 ? 0 : buckets[i - 1]!.le,
    le: b.le,
    count: b.count - (i === 0 ? 0 : buckets[i - 1]!.count),
  }));
}

function driftSummary(f: Families, model: string): DriftSummary | null {
  const share = f.modelTotal('nodetorch_drift_share', model);
  if (share === null) return null;
  const features = new Map<string, FeatureDriftSummary>();
  const feature = (s: MetricSampleJson): FeatureDriftSummary => {
    const name = String(s.labels.feature ?? '');
    const test = String(s.labels.test ?? '');
    const key = `${name}\u0000${test}`;
    let found = features.get(key);
    if (!found) features.set(key, (found = { name, test, statistic: null, pValue: null, drifted: false }));
    return found;
  };
  const mine = (name: string) => f.samples(name).filter((s) => s.labels.model_name === model);
  for (const s of mine('nodetorch_feature_drift_statistic')) feature(s).statistic = s.value;
  for (const s of mine('nodetorch_feature_drift_p_value')) feature(s).pValue = s.value;
  for (const s of mine('nodetorch_feature_drifted')) feature(s).drifted = s.value === 1;
  return {
    share,
    datasetDrift: f.modelTotal('nodetorch_dataset_drift', model) === 1,
    windowRows: f.modelTotal('nodetorch_drift_window_rows', model),
    lastCheckSeconds: f.modelTotal('nodetorch_drift_last_check_timestamp_seconds', model),
    features: [...features.values()].sort((a, b) => Number(b.drifted) - Number(a.drifted) || a.name.localeCompare(b.name)),
  };
}

function modelSummary(f: Families, name: string): ModelSummary {
  const mine = (s: MetricSampleJson) => s.labels.model_name === name;
  // The registered versions (the worker gauges); the requests' labels only when there are none,
  // since those say "default" for requests that named no version.
  const versionsOf = (family: string) =>
    new Set(
      f
        .samples(family)
        .filter(mine)
        .map((s) => String(s.labels.model_version)),
    );
  let versions = versionsOf('nodetorch_workers');
  if (versions.size === 0) versions = versionsOf('ts_inference_requests_total');
  const classCounts = [...f.sumBy('nodetorch_predictions_total', 'class', mine)];
  const predictionsTotal = classCounts.reduce((sum, [, count]) => sum + count, 0);
  const batch = f.histogram('nodetorch_batch_size', name);
  return {
    name,
    versions: [...versions].sort(),
    requestsTotal: f.modelTotal('ts_inference_requests_total', name) ?? 0,
    responses: Object.fromEntries(f.sumBy('nodetorch_inference_responses_total', 'code', mine)),
    latency: histogramSummary(f.histogram('nodetorch_inference_latency_seconds', name)),
    batchSize: { ...histogramSummary(batch), distribution: distribution(batch.buckets) },
    classes: classCounts
      .map(([className, count]) => ({ name: className, count, share: predictionsTotal > 0 ? count / predictionsTotal : 0 }))
      .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name, undefined, { numeric: true })),
    predictionsTotal,
    confidence: histogramSummary(f.histogram('nodetorch_prediction_confidence', name)),
    drift: driftSummary(f, name),
    driftChecks: Object.fromEntries(f.sumBy('nodetorch_drift_checks_total', 'outcome', mine)),
    queueDepth: f.modelTotal('nodetorch_queue_depth', name),
    workers: f.modelTotal('nodetorch_workers', name),
    loadSeconds: f.modelTotal('nodetorch_model_load_time_seconds', name),
  };
}

function processSummary(f: Families): ProcessSummary {
  const single = (name: string): number | null => {
    const samples = f.samples(name);
    return samples.length === 0 ? null : samples.reduce((sum, s) => sum + s.value, 0);
  };
  const log: PredictionLogSummary = {
    rows: single('nodetorch_prediction_log_rows'),
    bytes: single('nodetorch_prediction_log_bytes'),
    pending: single('nodetorch_prediction_log_pending'),
    written: single('nodetorch_prediction_log_written_total'),
    dropped: single('nodetorch_prediction_log_dropped_total'),
    writeErrors: single('nodetorch_prediction_log_write_errors_total'),
  };
  return {
    // While no log is open its unlabelled gauges read 0 (or are absent); an open log has at
    // least one database page, so its bytes are never 0.
    predictionLog: Object.values(log).every((v) => v === null || v === 0) ? null : log,
    nativeMemory: Object.fromEntries(f.sumBy('nodetorch_native_memory_bytes', 'kind')),
    liveTensors: single('nodetorch_live_tensors'),
    residentMemoryBytes: single('process_resident_memory_bytes'),
    cpuSecondsTotal: single('process_cpu_seconds_total'),
    monitoringErrors: Object.fromEntries(f.sumBy('nodetorch_monitoring_errors_total', 'component')),
  };
}

/**
 * The monitoring summary of a registry's metric families (`await registry.getMetricsAsJSON()`):
 * one entry per model name any family labels, every version of a model counted together.
 * @param families The registry's families, as prom-client's `getMetricsAsJSON()` gives them.
 * @param now The summary's timestamp, ms since the epoch.
 */
export function summarizeMetrics(families: readonly MetricFamilyJson[], now: number = Date.now()): MonitoringSummary {
  const f = new Families(families);
  return { generatedAt: now, models: f.modelNames().map((name) => modelSummary(f, name)), process: processSummary(f) };
}

/** The monitoring summary of a prom-client registry (its collect callbacks run, as for a scrape). */
export async function monitoringSummary(registry: { getMetricsAsJSON(): Promise<MetricFamilyJson[]> }): Promise<MonitoringSummary> {
  return summarizeMetrics(await registry.getMetricsAsJSON());
}
