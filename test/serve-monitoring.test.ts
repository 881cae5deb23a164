// The server's monitoring: class distribution and confidence metrics that match the model's own
// softmax, answers counted by status code, every predicted row logged to SQLite (features named
// after the signature, after the answer), drift of the logged window against a reference in
// gauges and at /monitoring/drift(.json), and bad input (a corrupt log, a reference of other
// columns or none at all, too few predictions) as a warning and a metric while serving goes on.
import { suite } from 'uvu';
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type BetterSqlite3 from 'better-sqlite3';
import * as torch from '../lib/index.ts';
import type { InferenceServer, ServeOptions } from '../lib/serve/index.ts';
import { resolveConfig } from '../lib/serve/config.ts';
import { MAX_FEATURES, rowFeatures, rowPredictions } from '../lib/serve/prediction-features.ts';
import { saveTraced, scratch, smallMlp } from './serve-helpers.ts';

const assertClose = (actual: number, expected: number, tolerance: number, label = '') =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${label} ${actual} is not within ${tolerance} of ${expected}`);

const Sqlite = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
const model = smallMlp(3);
const store = scratch();
await saveTraced(model, store, 'mlp.pt');

/** Seeded rows of 4 features around `shift`. */
function rows(count: number, seed: number, shift = 0): number[][] {
  torch.manualSeed(seed);
  return torch.randn([count, 4]).add(shift).toArray() as number[][];
}
const asRecords = (data: number[][]) => data.map((row) => Object.fromEntries(row.map((v, j) => [`x.${j}`, v])));

/** Prometheus text as a map from `name{labels}` (labels sorted) to value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels = (match[2] ?? '')
      .split(/,(?=\w+=")/)
      .filter(Boolean)
      .sort()
      .join(',');
    out.set(`${match[1]}{${labels}}`, Number(match[3]));
  }
  return out;
}
const metricsOf = async (server: InferenceServer) => samples((await server.metrics.inject({ method: 'GET', url: '/metrics' })).body);
const sumOf = (values: Map<string, number>, prefix: string, filter = '') =>
  [...values].filter(([key]) => key.startsWith(`${prefix}{`) && key.includes(filter)).reduce((sum, [, v]) => sum + v, 0);

async function start(options: ServeOptions): Promise<{ server: InferenceServer; warnings: string[] }> {
  const warnings: string[] = [];
  const server = await torch.serve.createServer({
    modelStore: store,
    loadModels: ['mlp=mlp.pt'],
    warn: (message) => warnings.push(message),
    ...options,
  });
  return { server, warnings };
}
const predict = (server: InferenceServer, data: number[][]) =>
  server.inference.inject({ method: 'POST', url: '/predictions/mlp', payload: { data } });
/** The prediction log writes after the answer (setImmediate); this lets those writes be queued. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
/** Scrapes until `condition` holds (timers fire late on a busy machine), and returns that scrape. */
async function until(server: InferenceServer, condition: (values: Map<string, number>) => boolean, what: string) {
  for (const deadline = Date.now() + 10_000; ; await new Promise((resolve) => setTimeout(resolve, 50))) {
    const values = await metricsOf(server);
    if (condition(values)) return values;
    assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
  }
}

const Features = suite('features and predictions of a row');

Features('inputs become columns by their shape per row; a classifier output gives class and confidence', () => {
  const x = torch.tensor([
    [1, 2],
    [3, 4],
  ]);
  const scalar = torch.tensor([5, 6]);
  const wide = torch.arange(0, 2 * (MAX_FEATURES + 1)).reshape([2, MAX_FEATURES + 1]);
  const features = rowFeatures([x, scalar, wide], ['a', 'b']);
  assert.deepEqual(Object.keys(features[0]!).slice(0, 3), ['a.0', 'a.1', 'b']);
  assert.equal(features[1]!['a.1'], 4);
  assert.equal(features[1]!.b, 6);
  assert.equal(features[0]!['input2.min'], 0);
  assert.equal(features[0]!['input2.max'], MAX_FEATURES);
  assertClose(features[0]!['input2.mean']!, MAX_FEATURES / 2, 1e-9);
  const images = torch.rand([2, 3, 8, 8]);
  const stats = torch.monitor.imageStatistics(images);
  const imageRows = rowFeatures([images], ['img']);
  assert.equal(imageRows[1]!['img.brightness'], stats.brightness[1]);
  assert.equal(imageRows[0]!['img.sharpness'], stats.sharpness[0]);

  const logits = torch.tensor(
    [
      [1, 3, 2],
      [0, 0, 5],
    ],
    { dtype: 'float32' },
  );
  const softmax = logits.softmax(1).toArray() as number[][];
  const predictions = rowPredictions([logits], (i) => ['cat', 'dog', 'eel'][i]!);
  assert.equal(predictions[0]!.class, 'dog');
  assertClose(predictions[0]!.confidence!, softmax[0]![1]!, 1e-6);
  assert.equal(predictions[1]!.class, 'eel');
  const probabilities = torch.tensor([[0.2, 0.7, 0.1]]);
  assertClose(rowPredictions([probabilities.float()])[0]!.confidence!, 0.7, 1e-6, 'probabilities are taken as they are');
  assert.deepEqual(rowPredictions([torch.tensor([[2.5], [1]], { dtype: 'float32' })]), [{ value: 2.5 }, { value: 1 }]);
  assert.deepEqual(rowPredictions([torch.zeros([2, 3, 4])]), [], 'not a classifier: no prediction');
  assert.deepEqual(rowPredictions([torch.tensor([1, 2], { dtype: 'float32' })]), [{ value: 1 }, { value: 2 }]);
  assert.deepEqual(rowPredictions([torch.tensor([1, 2])]), [], 'integer outputs are not scores');
});

Features('config keys: prediction_log, drift_reference as FILE or NAME=FILE lists, and their errors', () => {
  const config = resolveConfig(
    new Map([
      ['prediction_log', 'log.sqlite'],
      ['drift_reference', 'a=ref-a.csv, b=ref-b.json'],
      ['drift_interval', '5'],
      ['drift_window', '200'],
      ['drift_min_rows', '20'],
      ['prediction_log_max_rows', '1000'],
      ['prediction_log_max_bytes', '1048576'],
    ]),
    {},
  );
  assert.equal(config.predictionLog, 'log.sqlite');
  assert.deepEqual(config.driftReference, { a: 'ref-a.csv', b: 'ref-b.json' });
  assert.deepEqual(
    [config.driftInterval, config.driftWindow, config.driftMinRows, config.predictionLogMaxRows, config.predictionLogMaxBytes],
    [5, 200, 20, 1000, 1048576],
  );
  assert.equal(resolveConfig(new Map(), {}).predictionLogMaxBytes, 0, 'no size limit by default');
  assert.throws(() => resolveConfig(new Map([['prediction_log_max_bytes', '-1']]), {}), /prediction_log_max_bytes must be an integer >= 0/);
  const fromEnvironment = resolveConfig(new Map([['enable_envvars_config', 'true']]), { TS_DRIFT_REFERENCE: 'train.csv' });
  assert.deepEqual(fromEnvironment.driftReference, { '*': 'train.csv' });
  assert.throws(() => resolveConfig(new Map([['drift_reference', 'a=x.csv,a=y.csv']]), {}), /model 'a' is given twice/);
  assert.throws(() => resolveConfig(new Map([['drift_interval', '0']]), {}), /drift_interval must be an integer >= 1, got '0'/);
});

const Metrics = suite('prediction metrics');

Metrics('class counts and confidences match the model; answers are counted by version and status code', async () => {
  const { server } = await start({ jobQueueSize: 7 });
  try {
    const data = rows(12, 1);
    assert.equal((await predict(server, data.slice(0, 5))).statusCode, 200);
    assert.equal((await predict(server, data.slice(5))).statusCode, 200);
    const bad = await predict(server, [[1, 2]]);
    assert.equal(bad.statusCode >= 400 && bad.statusCode < 600, true, bad.body);
    const probabilities = model.forward(torch.tensor(data)).softmax(1).toArray() as number[][];
    const classes = probabilities.map((p) => p.indexOf(Math.max(...p)));
    const values = await metricsOf(server);
    for (const c of [0, 1, 2]) {
      const key = `nodetorch_predictions_total{class="${c}",model_name="mlp",model_version="1.0"}`;
      assert.equal(values.get(key) ?? 0, classes.filter((k) => k === c).length, key);
    }
    assert.equal(values.get('nodetorch_prediction_confidence_count{model_name="mlp",model_version="1.0"}'), 12);
    const confidenceSum = probabilities.reduce((sum, p) => sum + Math.max(...p), 0);
    assertClose(values.get('nodetorch_prediction_confidence_sum{model_name="mlp",model_version="1.0"}')!, confidenceSum, 1e-5);
    assert.equal(values.get('nodetorch_inference_responses_total{code="200",model_name="mlp",model_version="default"}'), 2);
    assert.equal(values.get(`nodetorch_inference_responses_total{code="${bad.statusCode}",model_name="mlp",model_version="default"}`), 1);
    const kserve = await server.inference.inject({
      method: 'POST',
      url: '/v2/models/mlp/versions/1.0/infer',
      payload: { inputs: [{ name: 'x', shape: [2, 4], datatype: 'FP32', data: data.slice(0, 2).flat() }] },
    });
    assert.equal(kserve.statusCode, 200, kserve.body);
    const after = await metricsOf(server);
    assert.equal(after.get('nodetorch_prediction_confidence_count{model_name="mlp",model_version="1.0"}'), 14, 'KServe infer counted');
    assert.equal(after.get('nodetorch_inference_responses_total{code="200",model_name="mlp",model_version="1.0"}'), 1, 'the named version');
    assert.equal(after.get('nodetorch_inference_responses_total{code="200",model_name="mlp",model_version="default"}'), 2);
    assert.equal(after.get('nodetorch_queue_capacity{model_name="mlp",model_version="1.0"}'), 7, 'job_queue_size');
    assert.equal(sumOf(after, 'nodetorch_drift_share'), 0, 'no drift gauges without monitoring');
    const off = await server.metrics.inject({ method: 'GET', url: '/monitoring/drift' });
    assert.equal(off.statusCode, 404);
    assert.match(off.body, /Drift monitoring is off: start the server with prediction_log and drift_reference/);
  } finally {
    await server.close();
  }
});

const Logging = suite('prediction log');

Logging('every row is logged with its features, prediction and latency, and the log survives the server', async () => {
  const dir = scratch();
  const file = path.join(dir, 'predictions.sqlite');
  const { server, warnings } = await start({ predictionLog: file });
  const data = rows(6, 2);
  try {
    for (const batch of [data.slice(0, 4), data.slice(4)]) assert.equal((await predict(server, batch)).statusCode, 200);
    await settle();
    const values = await metricsOf(server);
    assert.equal(values.get('nodetorch_prediction_log_pending{}')! + values.get('nodetorch_prediction_log_written_total{}')!, 6);
    // The log flushes from its timer (every second): then the write latency and size are there.
    const written = await until(server, (v) => v.get('nodetorch_prediction_log_written_total{}') === 6, 'the rows were written');
    const flushes = written.get('nodetorch_prediction_log_write_seconds_count{}')!;
    assert.ok(flushes >= 1 && flushes <= 2, `one flush per batch of queued rows, got ${flushes}`);
    assert.equal(written.get('nodetorch_prediction_log_write_seconds_bucket{le="+Inf"}'), flushes);
    const seconds = written.get('nodetorch_prediction_log_write_seconds_sum{}')!;
    assert.ok(seconds > 0 && seconds < 1, `flush time ${seconds} s`);
    assert.equal(written.get('nodetorch_prediction_log_rows{}'), 6);
    const bytes = written.get('nodetorch_prediction_log_bytes{}')!;
    assert.ok(
      bytes >= 4096 && bytes % 4096 === 0 && bytes <= statSync(file).size + statSync(`${file}-wal`).size,
      `${bytes} bytes of pages`,
    );
    assert.equal(written.get('nodetorch_prediction_log_dropped_total{}'), 0);
  } finally {
    await server.close();
  }
  assert.deepEqual(warnings, []);
  const log = new torch.monitor.PredictionLog(file);
  try {
    const logged = log.recent({ model: 'mlp' }); // oldest first
    assert.equal(logged.length, 6);
    const probabilities = model.forward(torch.tensor(data)).softmax(1).toArray() as number[][];
    logged.forEach((row, i) => {
      assert.equal(row.version, '1.0');
      assert.deepEqual(Object.keys(row.inputs), ['x.0', 'x.1', 'x.2', 'x.3']);
      data[i]!.forEach((v, j) => assertClose(row.inputs[`x.${j}`] as number, v, 1e-6));
      const outputs = row.outputs as { class: string; confidence: number };
      const p = probabilities[i]!;
      assert.equal(outputs.class, String(p.indexOf(Math.max(...p))));
      assertClose(outputs.confidence, Math.max(...p), 1e-5);
      assert.ok(row.latencyMs > 0);
    });
  } finally {
    log.close();
  }
});

Logging('a corrupt log file: a warning and a metric, and the server answers as before', async () => {
  const file = path.join(scratch(), 'corrupt.sqlite');
  writeFileSync(file, 'this is not a SQLite database, it is plain text '.repeat(100));
  const { server, warnings } = await start({ predictionLog: file });
  try {
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /prediction log disabled: .*corrupt\.sqlite/);
    assert.equal((await predict(server, rows(2, 3))).statusCode, 200);
    const values = await metricsOf(server);
    assert.equal(values.get('nodetorch_monitoring_errors_total{component="prediction_log"}'), 1);
    assert.equal(sumOf(values, 'nodetorch_predictions_total'), 2, 'the class metrics go on without the log');
  } finally {
    await server.close();
  }
});

Logging('a locked log: flushes fail fast (a warning and metrics), requests are answered promptly, writing resumes', async () => {
  const file = path.join(scratch(), 'locked.sqlite');
  const { server, warnings } = await start({ predictionLog: file });
  const other = new Sqlite(file);
  try {
    other.exec('BEGIN EXCLUSIVE'); // another process writing: the log's flushes cannot get the lock
    // One request every 10 ms for 2.5 s, across two or three of the log's flushes (one a second);
    // the longest gap between answers shows a flush that held the event loop.
    let longestGap = 0;
    for (let last = performance.now(), started = last; last - started < 2500;) {
      assert.equal((await predict(server, rows(2, 40))).statusCode, 200);
      await new Promise((resolve) => setTimeout(resolve, 10));
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }
    const failed = await until(server, (v) => v.get('nodetorch_prediction_log_write_errors_total{}')! >= 1, 'a flush failed');
    // better-sqlite3's default busy timeout would hold the event loop for 2 s per flush.
    assert.ok(longestGap < 1000, `${longestGap.toFixed(0)} ms without an answer while the log was locked`);
    assert.ok(failed.get('nodetorch_prediction_log_dropped_total{}')! >= 2, 'the rows of the failed flushes are counted');
    assert.ok(failed.get('nodetorch_monitoring_errors_total{component="prediction_log"}')! >= 1);
    assert.ok(warnings.length >= 1, 'a warning');
    assert.match(warnings[0]!, /cannot write the prediction log .*locked\.sqlite: it is locked by another connection \(SQLITE_BUSY\)/);
    other.exec('COMMIT');
    const logged = failed.get('nodetorch_prediction_log_written_total{}')!;
    assert.equal((await predict(server, rows(3, 41))).statusCode, 200);
    await settle();
    const resumed = await until(server, (v) => v.get('nodetorch_prediction_log_written_total{}')! >= logged + 3, 'rows were written again');
    assert.equal(resumed.get('nodetorch_prediction_log_rows{}'), resumed.get('nodetorch_prediction_log_written_total{}'));
  } finally {
    other.close();
    await server.close();
  }
  const log = new torch.monitor.PredictionLog(file);
  try {
    assert.ok(log.recent({ model: 'mlp' }).length >= 3, 'the rows after the lock are in the file');
  } finally {
    log.close();
  }
});

Logging('prediction_log_max_bytes reaches the log: its size retention runs at open', async () => {
  const file = path.join(scratch(), 'big.sqlite');
  const log = new torch.monitor.PredictionLog(file);
  const inputs = Object.fromEntries(Array.from({ length: 4 }, (_, j) => [`x.${j}`, j / 3]));
  for (let i = 0; i < 3000; i++)
    log.record({ model: 'mlp', version: '1.0', inputs, outputs: { class: '1', confidence: 0.5 }, latencyMs: 1 });
  log.close();
  const full = log.counters.bytes;
  const maxBytes = 64 * 1024;
  assert.ok(full > 4 * maxBytes, `the log holds ${full} bytes`);
  const { server, warnings } = await start({ predictionLog: file, predictionLogMaxBytes: maxBytes });
  try {
    const values = await metricsOf(server);
    assert.ok(values.get('nodetorch_prediction_log_bytes{}')! <= maxBytes, `${values.get('nodetorch_prediction_log_bytes{}')} bytes`);
    const kept = values.get('nodetorch_prediction_log_rows{}')!;
    assert.ok(kept > 0 && kept < 3000, `${kept} rows kept`);
    assert.deepEqual(warnings, []);
  } finally {
    await server.close();
  }
});

const Drift = suite('drift of the logged window');

async function driftServer(options: Partial<ServeOptions> = {}) {
  const file = path.join(scratch(), 'predictions.sqlite');
  return start({ predictionLog: file, references: { mlp: asRecords(rows(400, 10)) }, driftMinRows: 30, ...options });
}

Drift('no predictions at all (an idle server): 503 and too_few_rows, not an error', async () => {
  const { server, warnings } = await driftServer();
  try {
    const idle = await server.metrics.inject({ method: 'GET', url: '/monitoring/drift' });
    assert.equal(idle.statusCode, 503, idle.body);
    assert.match(idle.body, /the drift window holds 0 predictions of model 'mlp', fewer than minRows \(30\)/);
    assert.equal((await server.metrics.inject({ method: 'GET', url: '/monitoring/drift.json' })).statusCode, 503);
    const values = await metricsOf(server);
    assert.equal(values.get('nodetorch_drift_checks_total{model_name="mlp",outcome="too_few_rows"}'), 2);
    assert.equal(values.get('nodetorch_drift_checks_total{model_name="mlp",outcome="error"}'), undefined);
    assert.equal(values.get('nodetorch_monitoring_errors_total{component="drift"}') ?? 0, 0);
    assert.deepEqual(warnings, []);
  } finally {
    await server.close();
  }
});

Drift('too few predictions: 503 naming the window, counted as too_few_rows', async () => {
  const { server, warnings } = await driftServer();
  try {
    await predict(server, rows(5, 4));
    await settle();
    const early = await server.metrics.inject({ method: 'GET', url: '/monitoring/drift' });
    assert.equal(early.statusCode, 503, early.body);
    assert.match(early.body, /the drift window holds 5 predictions of model 'mlp', fewer than minRows \(30\)/);
    const values = await metricsOf(server);
    assert.equal(values.get('nodetorch_drift_checks_total{model_name="mlp",outcome="too_few_rows"}'), 1);
    assert.equal(values.get('nodetorch_drift_share{model_name="mlp"}'), undefined);
    assert.deepEqual(warnings, [], 'too early is not a failure');
  } finally {
    await server.close();
  }
});

Drift('shifted inputs drift, matching dataDrift on the same data; gauges and the report follow', async () => {
  const { server } = await driftServer();
  const current = rows(60, 5, 1.5);
  try {
    for (let i = 0; i < current.length; i += 10) assert.equal((await predict(server, current.slice(i, i + 10))).statusCode, 200);
    await settle();
    const response = await server.metrics.inject({ method: 'GET', url: '/monitoring/drift.json?model=mlp' });
    assert.equal(response.statusCode, 200, response.body);
    const summary = JSON.parse(response.body) as torch.monitor.DataDriftResult & { window: { rows: number } };
    assert.equal(summary.window.rows, 60);
    assert.equal(summary.datasetDrift, true);
    const expected = torch.monitor.dataDrift(asRecords(rows(400, 10)), asRecords(current));
    assert.equal(summary.share, expected.share);
    for (const [name, feature] of Object.entries(expected.features)) {
      assert.equal(summary.features[name]!.test, feature.test, name);
      assertClose(summary.features[name]!.statistic, feature.statistic, 1e-6, name);
    }
    const values = await metricsOf(server);
    assert.equal(values.get('nodetorch_dataset_drift{model_name="mlp"}'), 1);
    assert.equal(values.get('nodetorch_drift_share{model_name="mlp"}'), expected.share);
    assert.equal(values.get('nodetorch_drift_window_rows{model_name="mlp"}'), 60);
    const test = expected.features['x.0']!.test;
    assertClose(
      values.get(`nodetorch_feature_drift_statistic{feature="x.0",model_name="mlp",test="${test}"}`)!,
      expected.features['x.0']!.statistic,
      1e-6,
    );
    assert.equal(values.get(`nodetorch_feature_drifted{feature="x.0",model_name="mlp",test="${test}"}`), 1);
    assert.equal(values.get('nodetorch_drift_checks_total{model_name="mlp",outcome="ok"}'), 1);
    const html = await server.metrics.inject({ method: 'GET', url: '/monitoring/drift' });
    assert.equal(html.statusCode, 200);
    assert.match(String(html.headers['content-type']), /text\/html/);
    assert.match(html.body, /Data drift of model (&#39;|')mlp/);
    for (const name of ['x.0', 'x.3']) assert.ok(html.body.includes(name), name);
    const chart = /<svg [^>]*id="test-chart"[^>]*>([\s\S]*?)<\/svg>/.exec(html.body)?.[1] ?? '';
    assert.deepEqual(
      [...chart.matchAll(/<rect class="test-bar" data-column="([^"]+)"/g)].map((bar) => bar[1]),
      ['x.0', 'x.1', 'x.2', 'x.3'],
      'the report plots each feature against its threshold, one bar each',
    );
    const unknown = await server.metrics.inject({ method: 'GET', url: '/monitoring/drift?model=other' });
    assert.equal(unknown.statusCode, 404);
    assert.match(unknown.body, /Model 'other' has no drift monitoring \(monitored: 'mlp'\)/);
  } finally {
    await server.close();
  }
});

Drift('inputs from the training distribution do not drift; the checks run every drift_interval by themselves', async () => {
  const { server } = await driftServer({ driftInterval: 1 });
  try {
    const current = rows(80, 6);
    for (let i = 0; i < current.length; i += 20) await predict(server, current.slice(i, i + 20));
    const key = 'nodetorch_drift_checks_total{model_name="mlp",outcome="ok"}';
    for (let waited = 0; !(await metricsOf(server)).get(key) && waited < 5000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    assert.equal((await metricsOf(server)).get('nodetorch_drift_window_rows{model_name="mlp"}'), 80, 'the timer checked the window');
    const response = await server.metrics.inject({ method: 'GET', url: '/monitoring/drift.json' });
    const summary = JSON.parse(response.body) as torch.monitor.DataDriftResult;
    assert.equal(summary.datasetDrift, torch.monitor.dataDrift(asRecords(rows(400, 10)), asRecords(current)).datasetDrift);
    assert.equal(summary.datasetDrift, false);
    assert.equal((await metricsOf(server)).get('nodetorch_dataset_drift{model_name="mlp"}'), 0);
  } finally {
    await server.close();
  }
});

Drift('a reference of other columns, a missing reference file: warnings and metrics, serving goes on', async () => {
  const { server, warnings } = await driftServer({
    references: { mlp: [{ height: 1 }, { height: 2 }] },
    driftReference: { other: path.join(scratch(), 'missing.csv') },
    loadModels: ['mlp=mlp.pt', 'other=mlp.pt'],
  });
  try {
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /drift reference for model 'other': cannot read .*missing\.csv/);
    for (let i = 0; i < 4; i++) assert.equal((await predict(server, rows(10, 20 + i))).statusCode, 200);
    await settle();
    const failed = await server.metrics.inject({ method: 'GET', url: '/monitoring/drift?model=mlp' });
    assert.equal(failed.statusCode, 500);
    assert.match(failed.body, /Drift check of model 'mlp' failed: .*height/);
    assert.equal(warnings.length, 2);
    assert.match(warnings[1]!, /drift check of model 'mlp' failed/);
    const values = await metricsOf(server);
    assert.equal(values.get('nodetorch_drift_checks_total{model_name="mlp",outcome="error"}'), 1);
    assert.equal(values.get('nodetorch_monitoring_errors_total{component="drift"}'), 2);
    assert.equal((await predict(server, rows(1, 30))).statusCode, 200, 'still serving');
  } finally {
    await server.close();
  }
});

Features.run();
Metrics.run();
Logging.run();
Drift.run();
