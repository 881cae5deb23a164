// The monitoring page's summary of the metrics registry: histogram_quantile as Prometheus computes
// it (hand-computed answers), and every per-model and process-wide number read from a ServeMetrics
// registry filled with known observations.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { ServeMetrics } from '../lib/serve/metrics.ts';
import { histogramQuantile, monitoringSummary, summarizeMetrics } from '../lib/serve/monitoring-summary.ts';

// 10 observations in (0,1], 10 in (1,2], 20 in (2,4], none above: cumulative 10, 20, 40, 40, 40.
const buckets = [
  { le: 1, count: 10 },
  { le: 2, count: 20 },
  { le: 4, count: 40 },
  { le: 8, count: 40 },
  { le: Infinity, count: 40 },
];

test('histogramQuantile interpolates linearly within the bucket holding the rank', () => {
  assert.equal(histogramQuantile(0.1, buckets), 0.4); // rank 4 of 10 in (0, 1]
  assert.equal(histogramQuantile(0.25, buckets), 1); // rank 10: the top of the first bucket
  assert.equal(histogramQuantile(0.5, buckets), 2); // rank 20: the top of (1, 2]
  assert.ok(Math.abs(histogramQuantile(0.95, buckets) - 3.8) < 1e-12); // rank 38: 2 + 2 * 18/20
  assert.ok(Math.abs(histogramQuantile(0.99, buckets) - 3.96) < 1e-12); // rank 39.6: 2 + 2 * 19.6/20
  assert.equal(histogramQuantile(0.5, [...buckets].reverse()), 2, 'bucket order does not matter');
});

test('histogramQuantile edge cases follow Prometheus', () => {
  const withTail = [...buckets.slice(0, 4), { le: Infinity, count: 45 }];
  assert.equal(histogramQuantile(0.99, withTail), 8, 'a rank in the +Inf bucket answers the highest finite bound');
  assert.ok(
    Number.isNaN(
      histogramQuantile(
        0.5,
        buckets.map((b) => ({ ...b, count: 0 })),
      ),
    ),
    'no observations',
  );
  assert.ok(Number.isNaN(histogramQuantile(0.5, buckets.slice(0, 4))), 'no +Inf bucket');
  assert.ok(Number.isNaN(histogramQuantile(0.5, [{ le: Infinity, count: 3 }])), 'fewer than two buckets');
  assert.ok(Number.isNaN(histogramQuantile(NaN, buckets)));
  assert.equal(histogramQuantile(-0.1, buckets), -Infinity);
  assert.equal(histogramQuantile(1.1, buckets), Infinity);
  const negative = [
    { le: -1, count: 5 },
    { le: Infinity, count: 10 },
  ];
  assert.equal(histogramQuantile(0.2, negative), -1, 'a first bucket bounded at or below 0 answers its bound');
  // Monotonic 10, 10, 20, 20: rank 15 is 5 of the 10 in (2, 4] -> 3 (unfixed it would be 2 + 2 * 7/12).
  const dipping = [
    { le: 1, count: 10 },
    { le: 2, count: 8 },
    { le: 4, count: 20 },
    { le: Infinity, count: 20 },
  ];
  assert.equal(histogramQuantile(0.75, dipping), 3, 'counts made monotonic before the search');
});

test('summary of a ServeMetrics registry: requests, answers, percentiles, batches, classes, drift, process', async () => {
  const metrics = new ServeMetrics({
    models: () => [
      { name: 'mlp', version: '1.0', queueDepth: 3, queueCapacity: 100, workers: 2, loadSeconds: 0.25 },
      { name: 'mlp', version: '2.0', queueDepth: 1, queueCapacity: 100, workers: 1, loadSeconds: null },
      { name: 'idle', version: '1.0', queueDepth: 0, queueCapacity: 10, workers: 1, loadSeconds: 0.1 },
    ],
  });
  // Latency buckets 0.0005 ... 10: 10 requests of 3 ms (0.0025, 0.005], 10 of 30 ms (0.025, 0.05], split over two versions.
  for (let i = 0; i < 10; i++) metrics.recordRequest('mlp', '1.0', 0.003);
  for (let i = 0; i < 10; i++) metrics.recordRequest('mlp', '2.0', 0.03);
  for (const size of [1, 1, 3, 8, 300]) metrics.recordBatch('mlp', '1.0', size, []);
  // Answers split over the default and a named version: the summary adds them up by code.
  for (const code of [200, 200, 400]) metrics.recordResponse('mlp', undefined, code);
  metrics.recordResponse('mlp', '2.0', 200);
  metrics.recordResponse('', undefined, 404); // a route naming no model: no model entry for ''
  for (const [className, n] of [
    ['0', 6],
    ['2', 3],
    ['1', 1],
  ] as const)
    for (let i = 0; i < n; i++) metrics.recordPrediction('mlp', '1.0', { className, confidence: 0.5 + i / 100 });
  metrics.recordDriftCheck('mlp', 'ok');
  metrics.recordDriftCheck('mlp', 'too_few_rows');
  metrics.recordDriftCheck('mlp', 'too_few_rows');
  metrics.recordMonitoringError('features');
  metrics.attachMonitoring({
    drift: () => [
      {
        model: 'mlp',
        windowRows: 500,
        checkedAt: 1_700_000_000_000,
        gauges: {
          share: 0.5,
          datasetDrift: 1,
          features: [
            { name: 'x0', test: 'ks', statistic: 0.05, pValue: 0.6, drifted: 0 },
            { name: 'x1', test: 'wasserstein', statistic: 0.4, pValue: null, drifted: 1 },
          ],
        },
      },
    ],
    predictionLog: () => ({
      ...{ rows: 42, bytes: 8192, pending: 2, written: 44, dropped: 1, writeErrors: 0 },
      ...{ flushes: 3, lastFlushMs: 1, maxFlushMs: 2, totalFlushMs: 4, deletedByRetention: 0 },
    }),
  });

  const summary = await monitoringSummary(metrics.registry);
  assert.deepEqual(
    summary.models.map((m) => m.name),
    ['idle', 'mlp'],
  );
  const mlp = summary.models.find((m) => m.name === 'mlp')!;
  assert.deepEqual(mlp.versions, ['1.0', '2.0']);
  assert.equal(mlp.requestsTotal, 20);
  assert.deepEqual(mlp.responses, { '200': 3, '400': 1 });
  // Versions summed by le: cumulative 0 ... 10 at 0.005, 10 at 0.025, 20 at 0.05. p50: rank 10 -> 0.005;
  // p95: rank 19 in (0.025, 0.05] holding 10 -> 0.025 + 0.025 * 9/10; p99: 0.025 + 0.025 * 9.8/10.
  assert.equal(mlp.latency.count, 20);
  assert.ok(Math.abs(mlp.latency.sum - 0.33) < 1e-9);
  assert.ok(Math.abs(mlp.latency.mean! - 0.0165) < 1e-9);
  assert.ok(Math.abs(mlp.latency.p50! - 0.005) < 1e-12);
  assert.ok(Math.abs(mlp.latency.p95! - 0.0475) < 1e-12);
  assert.ok(Math.abs(mlp.latency.p99! - 0.0495) < 1e-12);
  assert.equal(mlp.batchSize.count, 5);
  assert.equal(mlp.batchSize.mean, 313 / 5);
  const bars = Object.fromEntries(mlp.batchSize.distribution.map((b) => [String(b.le), b.count]));
  assert.deepEqual(bars, { '1': 2, '2': 0, '4': 1, '8': 1, '16': 0, '32': 0, '64': 0, '128': 0, '256': 0, Infinity: 1 });
  assert.equal(mlp.batchSize.distribution[2]!.from, 2);
  assert.equal(mlp.batchSize.p99, 256, 'a rank in +Inf answers the highest finite bound');
  assert.equal(mlp.predictionsTotal, 10);
  assert.deepEqual(mlp.classes, [
    { name: '0', count: 6, share: 0.6 },
    { name: '2', count: 3, share: 0.3 },
    { name: '1', count: 1, share: 0.1 },
  ]);
  assert.equal(mlp.confidence.count, 10);
  assert.equal(mlp.queueDepth, 4, 'versions summed');
  assert.equal(mlp.workers, 3);
  assert.equal(mlp.loadSeconds, 0.25, 'a version still loading reports no load time');
  assert.deepEqual(mlp.driftChecks, { ok: 1, too_few_rows: 2 });
  assert.deepEqual(mlp.drift, {
    share: 0.5,
    datasetDrift: true,
    windowRows: 500,
    lastCheckSeconds: 1_700_000_000,
    features: [
      { name: 'x1', test: 'wasserstein', statistic: 0.4, pValue: null, drifted: true },
      { name: 'x0', test: 'ks', statistic: 0.05, pValue: 0.6, drifted: false },
    ],
  });

  const idle = summary.models.find((m) => m.name === 'idle')!;
  assert.equal(idle.requestsTotal, 0);
  assert.deepEqual([idle.latency.p50, idle.latency.p99, idle.latency.mean], [null, null, null], 'no observations: null, not NaN');
  assert.deepEqual(idle.classes, []);
  assert.equal(idle.drift, null);
  assert.equal((JSON.parse(JSON.stringify(summary)) as typeof summary).models[0]!.latency.p50, null, 'serializable');

  const p = summary.process;
  assert.deepEqual(p.predictionLog, { rows: 42, bytes: 8192, pending: 2, written: 44, dropped: 1, writeErrors: 0 });
  assert.deepEqual(Object.keys(p.nativeMemory).sort(), ['cpu_allocated', 'cpu_cached', 'storages']);
  assert.equal(typeof p.liveTensors, 'number');
  assert.ok(p.residentMemoryBytes! > 0);
  assert.deepEqual(p.monitoringErrors, { features: 1 });
});

test('summary without monitoring: no prediction log, no drift, no models', async () => {
  const metrics = new ServeMetrics({ models: () => [] });
  const summary = await monitoringSummary(metrics.registry);
  assert.deepEqual(summary.models, []);
  assert.equal(summary.process.predictionLog, null);
  assert.equal(summarizeMetrics([], 5).generatedAt, 5);
  assert.deepEqual(summarizeMetrics([]).models, []);
});

test("process metrics are prom-client's, collected once and shared by every server's registry", async () => {
  const none = { models: () => [] };
  const [a, b] = [new ServeMetrics(none), new ServeMetrics(none)];
  for (const name of [
    'process_cpu_seconds_total',
    'process_resident_memory_bytes',
    'nodejs_eventloop_lag_seconds',
    'nodejs_gc_duration_seconds',
  ]) {
    const shared = a.registry.getSingleMetric(name);
    assert.ok(shared, `${name} is registered`);
    assert.equal(b.registry.getSingleMetric(name), shared, `${name} is one metric object, not one per server`);
  }
  assert.notEqual(
    a.registry.getSingleMetric('nodetorch_queue_depth'),
    b.registry.getSingleMetric('nodetorch_queue_depth'),
    'server metrics are per server',
  );
  assert.match(await b.render(['process_resident_memory_bytes']), /^process_resident_memory_bytes [1-9][0-9]*$/m);
});

test.run();
