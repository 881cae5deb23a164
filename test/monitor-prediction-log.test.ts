// torch.monitor.PredictionLog on a real SQLite file (better-sqlite3): records leave the caller at
// once and are written in batches; the bounded buffer drops and counts; a window reads back as
// columns dataDrift takes; retention by age, rows and size; a child killed with SIGKILL mid-write
// leaves a database that opens, passes integrity_check and holds whole batches; corrupt and
// locked files give clear errors (a warning and a counter from background flushes).
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setImmediate as tick, setTimeout as sleep } from 'node:timers/promises';
import type BetterSqlite3 from 'better-sqlite3';
import * as torch from '../lib/index.ts';
import { testOrSkip } from './helpers.ts';

const { PredictionLog, MonitorError } = torch.monitor;
const unavailable = torch.monitor.predictionLogUnavailable();
const scratch = mkdtempSync(path.join(tmpdir(), 'nodetorch-predlog-'));
let files = 0;
const freshFile = () => path.join(scratch, `log-${files++}.sqlite`);
const Sqlite = (unavailable ? undefined : createRequire(import.meta.url)('better-sqlite3')) as typeof BetterSqlite3;
const countRows = (file: string): number => {
  const db = new Sqlite(file, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM predictions').get() as { n: number }).n;
  } finally {
    db.close();
  }
};
const prediction = (i: number, extra: Partial<torch.monitor.PredictionRecord> = {}): torch.monitor.PredictionRecord => ({
  model: 'mnist',
  version: '1',
  inputs: { brightness: i / 100, device: i % 2 ? 'cam-a' : 'cam-b' },
  outputs: { class: i % 10, confidence: 0.9 },
  latencyMs: 1.5,
  ...extra,
});
const check = (name: string, fn: () => void | Promise<void>) => testOrSkip(test, name, unavailable, fn);
// Timers fire late on a busy machine: wait for what a timer does, up to a generous deadline.
async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition(); await sleep(10))
    assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
}

check('record() returns before any write; a full batch flushes on setImmediate, the rest on the timer', async () => {
  const file = freshFile();
  const flushes: number[] = [];
  const log = new PredictionLog(file, { batchSize: 10, flushIntervalMs: 50, onFlush: ({ rows }) => flushes.push(rows) });
  for (let i = 0; i < 25; i++) assert.equal(log.record(prediction(i)), true);
  assert.equal(countRows(file), 0, 'nothing written synchronously');
  assert.equal(log.counters.pending, 25);
  await tick();
  assert.equal(countRows(file), 25, 'the setImmediate flush wrote every waiting record');
  log.record(prediction(25));
  await until(() => countRows(file) === 26, 'the timer flushed the last one');
  assert.deepEqual(flushes, [25, 1]);
  const counters = log.counters;
  assert.equal(counters.written, 26);
  assert.equal(counters.rows, 26);
  assert.equal(counters.flushes, 2);
  assert.equal(counters.dropped, 0);
  assert.ok(counters.bytes >= 4096, `bytes ${counters.bytes}`);
  assert.ok(counters.lastFlushMs > 0 && counters.maxFlushMs >= counters.lastFlushMs && counters.totalFlushMs >= counters.maxFlushMs);
  const db = new Sqlite(file, { readonly: true });
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  db.close();
  log.close();
});

check('recent() and window() read predictions back; the window feeds dataDrift', () => {
  const log = new PredictionLog(freshFile());
  for (let i = 0; i < 40; i++) log.record(prediction(i, { timestamp: 1_000_000 + i, model: i < 30 ? 'mnist' : 'other' }));
  log.flush();
  const recent = log.recent({ model: 'mnist', limit: 5 });
  assert.deepEqual(
    recent.map((p) => p.timestamp),
    [1_000_025, 1_000_026, 1_000_027, 1_000_028, 1_000_029],
  );
  assert.deepEqual(recent[0], {
    id: 26,
    timestamp: 1_000_025,
    model: 'mnist',
    version: '1',
    inputs: { brightness: 0.25, device: 'cam-a' },
    outputs: { class: 5, confidence: 0.9 },
    latencyMs: 1.5,
  });
  assert.equal(log.recent({ since: 1_000_035 }).length, 5);
  const window = log.window({ model: 'mnist', outputs: true });
  assert.equal(window.rows, 30);
  assert.deepEqual(Object.keys(window.columns), ['brightness', 'device', 'output.class', 'output.confidence']);
  assert.equal(window.from, 1_000_000);
  assert.equal(window.to, 1_000_029);
  const reference = { brightness: Array.from({ length: 30 }, (_, i) => i / 100 + 2), device: Array.from({ length: 30 }, () => 'cam-a') };
  const drift = torch.monitor.dataDrift(reference, window.columns, { columns: ['brightness', 'device'] });
  assert.equal(drift.features.brightness!.drifted, true);
  assert.equal(drift.features.device!.test, 'z');
  assert.throws(
    () => log.window({ model: 'absent' }),
    (e: Error) => e instanceof MonitorError && /has no predictions in the window \(model 'absent'\)/.test(e.message),
  );
  log.close();
});

check('the buffer is bounded: records beyond maxBuffer are dropped and counted', () => {
  const log = new PredictionLog(freshFile(), { maxBuffer: 5, batchSize: 100 });
  const accepted = Array.from({ length: 8 }, (_, i) => log.record(prediction(i)));
  assert.deepEqual(accepted, [true, true, true, true, true, false, false, false]);
  assert.equal(log.counters.dropped, 3);
  log.flush();
  assert.equal(log.counters.rows, 5);
  log.close();
  assert.equal(log.record(prediction(9)), false, 'a closed log drops');
  assert.equal(log.counters.dropped, 4);
});

check('retention by age, by rows and by size', () => {
  const now = Date.now();
  const aged = new PredictionLog(freshFile(), { retention: { maxAgeMs: 1000 } });
  for (let i = 0; i < 10; i++) aged.record(prediction(i, { timestamp: now - 2000 + i * 200 }));
  aged.flush();
  assert.equal(aged.applyRetention(now), 5, 'the five older than a second');
  assert.deepEqual(
    aged.recent().map((p) => p.timestamp),
    [now - 1000, now - 800, now - 600, now - 400, now - 200],
  );
  aged.close();

  const reopened = new PredictionLog(aged.file, { retention: { maxRows: 2 } });
  assert.equal(reopened.counters.rows, 2, 'retention runs at open');
  reopened.close();

  const capped = new PredictionLog(freshFile(), { retention: { maxRows: 7, intervalMs: 0 } });
  for (let i = 0; i < 20; i++) capped.record(prediction(i));
  capped.flush(); // retention runs after the flush (interval 0)
  assert.equal(capped.counters.rows, 7);
  assert.deepEqual(
    capped.recent().map((p) => p.inputs.brightness),
    [0.13, 0.14, 0.15, 0.16, 0.17, 0.18, 0.19],
  );
  assert.equal(capped.counters.deletedByRetention, 13);
  capped.close();

  const file = freshFile();
  const sized = new PredictionLog(file, { retention: { maxBytes: 200_000 } });
  for (let i = 0; i < 2000; i++) sized.record(prediction(i, { inputs: { i, blob: 'x'.repeat(500) } }));
  sized.flush();
  assert.ok(sized.counters.bytes > 1_000_000, `bytes before ${sized.counters.bytes}`);
  const deleted = sized.applyRetention();
  assert.ok(sized.counters.bytes <= 200_000, `bytes after ${sized.counters.bytes}`);
  assert.ok(sized.counters.rows > 100 && deleted === 2000 - sized.counters.rows, `${sized.counters.rows} rows kept`);
  assert.equal(sized.recent({ limit: 1 })[0]!.inputs.i, 1999, 'the newest are kept');
  sized.close();
});

check('a SIGKILL mid-write leaves a database that opens with whole batches (WAL)', async () => {
  const file = freshFile();
  const script = path.join(scratch, 'writer.ts');
  const module = path.join(import.meta.dirname, '..', 'lib', 'monitor', 'prediction-log.ts');
  writeFileSync(
    script,
    `import { PredictionLog } from ${JSON.stringify(module)};
const log = new PredictionLog(process.argv[2], { flushIntervalMs: 2, batchSize: 100 });
let i = 0;
setInterval(() => { for (let k = 0; k < 100; k++) log.record({ model: 'm', inputs: { i: i++, pad: 'p'.repeat(300) }, outputs: i, latencyMs: 1 }); }, 1);
`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script, file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      await sleep(50);
      let rows = 0;
      try {
        rows = countRows(file);
      } catch {
        // the child has not created the table yet
      }
      if (rows >= 5000) break;
      assert.ok(Date.now() < deadline && child.exitCode === null, `the writer wrote ${rows} rows; stderr: ${stderr}`);
    }
  } finally {
    child.kill('SIGKILL');
  }
  assert.equal(await exited, 'SIGKILL');
  const db = new Sqlite(file);
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  const { n, max, sum } = db
    .prepare("SELECT count(*) AS n, max(id) AS max, sum(json_extract(inputs, '$.i')) AS sum FROM predictions")
    .get() as { n: number; max: number; sum: number };
  db.close();
  assert.ok(n >= 5000, `${n} rows`);
  assert.equal(n % 100, 0, 'only whole batches (one transaction each)');
  assert.equal(max, n, 'no gaps');
  assert.equal(sum, (n * (n - 1)) / 2, 'rows 0 .. n-1, in order');
  const reopened = new PredictionLog(file);
  reopened.record(prediction(0));
  reopened.flush();
  assert.equal(reopened.counters.rows, n + 1);
  reopened.close();
});

check('a corrupt file, a missing folder and bad records are clear errors', () => {
  const corrupt = path.join(scratch, 'corrupt.sqlite');
  writeFileSync(corrupt, 'this is not a database\n'.repeat(200));
  assert.throws(
    () => new PredictionLog(corrupt),
    (e: Error) =>
      e instanceof MonitorError && /corrupt\.sqlite is not a SQLite database or is corrupt \(SQLITE_NOTADB.*move it aside/.test(e.message),
  );
  assert.throws(
    () => new PredictionLog(path.join(scratch, 'no', 'such', 'dir', 'log.sqlite')),
    (e: Error) =>
      e instanceof MonitorError &&
      /cannot open the prediction log .*log\.sqlite: Cannot open database because the directory does not exist/.test(e.message),
  );
  const log = new PredictionLog(freshFile());
  const bad = (record: unknown, pattern: RegExp) =>
    assert.throws(
      () => log.record(record as torch.monitor.PredictionRecord),
      (e: Error) => e instanceof MonitorError && pattern.test(e.message),
    );
  bad({ ...prediction(0), model: '' }, /model must be a non-empty string/);
  bad({ ...prediction(0), latencyMs: -1 }, /latencyMs must be a number >= 0, got -1/);
  bad({ ...prediction(0), inputs: [1, 2] }, /inputs must be an object/);
  bad({ ...prediction(0), outputs: { big: 1n } }, /JSON-serializable/);
  assert.throws(() => new PredictionLog(freshFile(), { maxBuffer: 0 }), /maxBuffer must be a positive integer, got 0/);
  log.close();
});

check('a locked database: flush() throws, a background flush warns and counts, logging resumes after', async () => {
  const file = freshFile();
  const warnings: string[] = [];
  const log = new PredictionLog(file, { busyTimeoutMs: 50, flushIntervalMs: 20, warn: (message) => warnings.push(message) });
  const other = new Sqlite(file);
  other.exec('BEGIN EXCLUSIVE');
  log.record(prediction(0));
  assert.throws(
    () => log.flush(),
    (e: Error) =>
      e instanceof MonitorError &&
      /cannot write the prediction log .* locked by another connection \(SQLITE_BUSY\) for longer than the 50 ms/.test(e.message),
  );
  log.record(prediction(1));
  await until(() => warnings.length >= 1, 'a background flush warned');
  assert.ok(warnings.length >= 1 && /^prediction log: cannot write .* locked/.test(warnings[0]!), warnings.join('\n'));
  assert.equal(log.counters.writeErrors, 2);
  assert.equal(log.counters.dropped, 2);
  other.exec('COMMIT');
  other.close();
  log.record(prediction(2));
  log.flush();
  assert.deepEqual(
    log.recent().map((p) => p.inputs.brightness),
    [0.02],
  );
  log.close();
});

check('DriftMonitor: drift of the log window against a reference, gauges and the HTML report', () => {
  const log = new PredictionLog(freshFile());
  const now = Date.now();
  const reference = {
    brightness: Array.from({ length: 300 }, (_, i) => (i % 100) / 100),
    device: Array.from({ length: 300 }, (_, i) => (i % 2 ? 'cam-a' : 'cam-b')),
  };
  // The last 100 predictions are brighter; the 100 before are like the reference, and old.
  for (let i = 0; i < 100; i++) log.record(prediction(i, { timestamp: now - 3_600_000 + i }));
  for (let i = 0; i < 100; i++)
    log.record(prediction(i, { timestamp: now - 1000 + i, inputs: { brightness: 0.5 + i / 200, device: i % 2 ? 'cam-a' : 'cam-b' } }));
  log.record(prediction(0, { model: 'other' }));
  log.flush();
  const monitor = new torch.monitor.DriftMonitor({ reference, log, model: 'mnist', maxAgeMs: 60_000 });
  assert.equal(monitor.gauges(), undefined);
  const check = monitor.check(now);
  assert.equal(check.window.rows, 100, 'only the last minute');
  assert.equal(check.result.features.brightness!.drifted, true);
  assert.equal(check.result.features.device!.drifted, false);
  const expected = torch.monitor.dataDrift(reference, log.window({ model: 'mnist', since: now - 60_000 }).columns, {
    columns: ['brightness', 'device'],
  });
  assert.deepEqual(check.result, expected);
  assert.deepEqual(monitor.gauges(), {
    share: 0.5,
    datasetDrift: 1,
    features: [
      {
        name: 'brightness',
        test: 'ks',
        statistic: expected.features.brightness!.statistic,
        pValue: expected.features.brightness!.pValue,
        drifted: 1,
      },
      { name: 'device', test: 'z', statistic: expected.features.device!.statistic, pValue: expected.features.device!.pValue, drifted: 0 },
    ],
  });
  const html = monitor.html()!;
  assert.match(html, /<tr data-column="brightness">/);
  assert.match(html, /model &#39;mnist&#39;, 100 predictions from/);
  const whole = new torch.monitor.DriftMonitor({ reference, log, model: 'mnist', limit: 150, minRows: 150 });
  assert.equal(whole.check().window.rows, 150);
  const strict = new torch.monitor.DriftMonitor({ reference, log, model: 'other', minRows: 5 });
  assert.throws(() => strict.check(), /the drift window holds 1 predictions of model 'other', fewer than minRows \(5\)/);
  assert.throws(
    () => new torch.monitor.DriftMonitor({ reference, log, columns: ['nope'] }),
    /column 'nope' is not in the reference dataset/,
  );
  log.close();
});

check('DriftMonitor: an empty log or window is too early (WindowTooSmallError, 0 rows), not a failure', () => {
  const log = new PredictionLog(freshFile());
  const reference = { brightness: [0.1, 0.2, 0.3], device: ['cam-a', 'cam-b', 'cam-a'] };
  const isTooEarly = (rows: number, minRows: number) => (e: Error) =>
    e instanceof torch.monitor.WindowTooSmallError &&
    e.rows === rows &&
    e.minRows === minRows &&
    new RegExp(`the drift window holds ${rows} predictions of model 'mnist', fewer than minRows \\(${minRows}\\)`).test(e.message);
  const monitor = new torch.monitor.DriftMonitor({ reference, log, model: 'mnist', minRows: 2 });
  assert.throws(() => monitor.check(), isTooEarly(0, 2), 'no rows logged at all');
  log.record(prediction(1, { timestamp: Date.now() - 3_600_000 }));
  log.flush();
  const recent = new torch.monitor.DriftMonitor({ reference, log, model: 'mnist', minRows: 2, maxAgeMs: 60_000 });
  assert.throws(() => recent.check(), isTooEarly(0, 2), 'rows, but none in the window');
  assert.throws(() => monitor.check(), isTooEarly(1, 2));
  assert.equal(monitor.last, undefined);
  log.close();
});

test.after(() => rmSync(scratch, { recursive: true, force: true }));

test.run();
