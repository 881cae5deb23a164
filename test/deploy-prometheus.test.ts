// deploy/prometheus against the tools that read it: promtool checks the scrape config and the
// rules and runs the rules' unit tests; a real Prometheus scrapes a server on 127.0.0.1, loads the
// alert rules, and reads the request counter back through its HTTP API; another scrapes a server
// with monitoring on (a prediction log, a reference CSV, a drift check every second) sent shifted
// inputs, reads the drift, class, confidence and prediction-log series back and sees the drift
// alerts go pending. Skipped with a reason where Debian's prometheus package (promtool,
// prometheus) is not installed.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse as parseYaml } from 'yaml';
import * as torch from '../lib/index.ts';
import { testOrSkip } from './helpers.ts';
import { anyPorts, saveTraced, scratch, smallMlp } from './serve-helpers.ts';

const deploy = new URL('../deploy/prometheus/', import.meta.url).pathname;
const WAIT_MS = 30_000;

/** The executable `name` on PATH (Debian installs both tools in /usr/bin), or null. */
function findTool(name: string): string | null {
  for (const dir of [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin']) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

const promtool = findTool('promtool');
const prometheus = findTool('prometheus');
const noPromtool = promtool ? false : 'promtool is not installed (apt-get install prometheus)';
const noPrometheus = prometheus ? false : 'prometheus is not installed (apt-get install prometheus)';

for (const args of [
  ['check', 'config', 'prometheus.yml'],
  ['check', 'rules', 'alerts.yml'],
  ['test', 'rules', 'alerts.test.yml'],
]) {
  testOrSkip(test, `promtool ${args.join(' ')} passes`, noPromtool, () => {
    const run = spawnSync(promtool!, args, { cwd: deploy, encoding: 'utf8', timeout: WAIT_MS });
    assert.equal(run.status, 0, `promtool ${args.join(' ')} failed:\n${run.stdout}${run.stderr}`);
    assert.match(run.stdout + run.stderr, /SUCCESS/);
  });
}

/** A TCP port free at the time of asking on 127.0.0.1 (Prometheus cannot be told port 0). */
async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * Calls `read` every 250 ms until it returns a value (not undefined); after WAIT_MS fails naming
 * `what`, what `read` last threw (not up yet, or what it saw instead) and Prometheus's log.
 */
async function waitFor<T>(what: string, read: () => Promise<T | undefined>, log: () => string): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await read();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await sleep(250);
  }
  assert.fail(
    `timed out after ${WAIT_MS / 1000} s waiting for ${what}${last ? ` (last: ${(last as Error).message})` : ''}\nprometheus log:\n${log()}`,
  );
}

interface QueryResult {
  metric: Record<string, string>;
  value: [number, string];
}

interface RuleGroup {
  name: string;
  rules: { type: 'alerting' | 'recording'; name: string; health: string; lastError?: string }[];
}

interface ActiveAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
  value: string;
}

/** A Prometheus child process scraping one nodetorch metrics listener, and its HTTP API. */
interface Prometheus {
  /** The scrape job's name (deploy/prometheus/prometheus.yml's). */
  job: string;
  /** The base URL of its HTTP API. */
  api: string;
  /** An instant query's result vector. */
  query: (expr: string) => Promise<QueryResult[]>;
  /** `expr`'s one series, when its value is `expected`; else throws what it read. */
  single: (expr: string, expected: string) => Promise<QueryResult>;
  /** waitFor, failing at once if Prometheus exits. */
  until: <T>(what: string, read: () => Promise<T | undefined>) => Promise<T>;
  /** Stops it (SIGTERM, SIGKILL after 10 s). */
  stop: () => Promise<void>;
}

/**
 * Starts Prometheus on a free port with deploy/prometheus/prometheus.yml, changed to scrape
 * `metrics` (a metrics listener's URL) and evaluate the deploy rules every second, its config and
 * TSDB in `data`; resolves once /-/ready answers.
 */
async function startPrometheus(metrics: string, data: string): Promise<Prometheus> {
  // The deploy config with the server's metrics address, 1 s intervals and an absolute path
  // to the deploy rules; written as JSON, which is YAML.
  const config = parseYaml(readFileSync(path.join(deploy, 'prometheus.yml'), 'utf8')) as {
    global: Record<string, string>;
    rule_files: string[];
    scrape_configs: { job_name: string; scrape_interval?: string; scrape_timeout?: string; static_configs: { targets: string[] }[] }[];
  };
  const job = config.scrape_configs[0]!;
  config.global.scrape_interval = config.global.evaluation_interval = '1s';
  config.rule_files = config.rule_files.map((file) => path.resolve(deploy, file));
  Object.assign(job, { scrape_interval: '1s', scrape_timeout: '1s', static_configs: [{ targets: [new URL(metrics).host] }] });
  const configFile = path.join(data, 'prometheus.yml');
  writeFileSync(configFile, JSON.stringify(config, null, 2));

  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const child = spawn(
    prometheus!,
    [`--config.file=${configFile}`, `--storage.tsdb.path=${path.join(data, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout.on('data', (chunk) => (log += chunk));
  child.stderr.on('data', (chunk) => (log += chunk));
  const exited = new Promise<never>((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`prometheus exited (${code ?? signal}):\n${log.slice(-4000)}`)));
  });
  exited.catch(() => {}); // observed through until()'s races
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    // An unref'd timer: one that outlives a prompt exit would keep the test process up 10 s.
    if (!(await Promise.race([gone.then(() => true), sleep(10_000, false, { ref: false })]))) {
      child.kill('SIGKILL');
      await gone;
    }
  };
  const until = <T>(what: string, read: () => Promise<T | undefined>) =>
    Promise.race([exited, waitFor(what, read, () => log.slice(-4000))]);
  const query = async (expr: string) => {
    const response = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await response.json()) as { status: string; data: { result: QueryResult[] }; error?: string };
    assert.equal(body.status, 'success', `query ${expr}: ${body.error}`);
    return body.data.result;
  };
  const single = async (expr: string, expected: string) => {
    const result = await query(expr);
    if (result.length === 1 && result[0]!.value[1] === expected) return result[0]!;
    throw new Error(`${expr} read ${JSON.stringify(result)}`);
  };
  try {
    await until('/-/ready', async () => ((await fetch(`${api}/-/ready`)).ok ? true : undefined));
  } catch (error) {
    await stop();
    throw error;
  }
  return { job: job.job_name, api, query, single, until, stop };
}

/** The rules of deploy/prometheus/alerts.yml, of every group or of the group named `group`. */
const alertRules = (group?: string) =>
  (
    parseYaml(readFileSync(path.join(deploy, 'alerts.yml'), 'utf8')) as {
      groups: { name: string; rules: { alert?: string; record?: string; expr: string; for?: string }[] }[];
    }
  ).groups
    .filter((g) => group === undefined || g.name === group)
    .flatMap((g) => g.rules);

testOrSkip(test, 'a real Prometheus scrapes the server, evaluates the rules and reads the request counter back', noPrometheus, async () => {
  const store = scratch();
  const data = scratch('nodetorch-prometheus-');
  await saveTraced(smallMlp(2), store, 'mlp.pt');
  const server = await torch.serve.createServer({ modelStore: store, loadModels: ['mlp=mlp.pt'], ...anyPorts });
  let prom: Prometheus | undefined;
  try {
    const { inference, metrics } = await server.listen();
    // Three answered predictions and one refused (a sample of the wrong size: 400).
    const predict = (data: number[]) =>
      fetch(`${inference}/predictions/mlp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ data }),
      });
    for (let i = 0; i < 3; i++) {
      const answer = await predict([i, 1, 2, 3]);
      assert.equal(answer.status, 200, await answer.text());
    }
    const refused = await predict([1, 2]);
    assert.equal(refused.status, 400, await refused.text());
    const sent = 4; // TorchServe's request counter counts the refused request too

    prom = await startPrometheus(metrics, data);
    const { api, job, query, single, until } = prom;
    const up = await until(`up{job="${job}"} == 1`, () => single(`up{job="${job}"}`, '1'));
    assert.equal(up.metric.instance, new URL(metrics).host);
    const requests = await until(`ts_inference_requests_total{model_name="mlp"} == ${sent}`, () =>
      single('ts_inference_requests_total{model_name="mlp"}', String(sent)),
    );
    assert.equal(requests.metric.model_version, 'default', 'asked without a version');
    assert.equal(requests.metric.job, job);
    await until('nodetorch_inference_responses_total of mlp: 3 x 200, 1 x 400', async () => {
      const byCode = await query('nodetorch_inference_responses_total{model_name="mlp"}');
      const seen = Object.fromEntries(byCode.map((series): [string, string] => [series.metric.code!, series.value[1]]));
      if (JSON.stringify(seen) === JSON.stringify({ 200: '3', 400: '1' })) return seen;
      throw new Error(`read ${JSON.stringify(seen)}`);
    });

    // Traffic while Prometheus watches, so that the rates of the recording rules are not 0/0.
    for (let i = 0; i < 2; i++) assert.equal((await predict([1, 1, i, 1])).status, 200);
    await until(`ts_inference_requests_total{model_name="mlp"} == ${sent + 2}`, () =>
      single('ts_inference_requests_total{model_name="mlp"}', String(sent + 2)),
    );
    // The recording rules over the server's own label names: a 4xx is not a server error, the
    // latency quantile comes out of the histogram's buckets.
    const recorded = async (expr: string, accept: (value: number) => boolean) => {
      const result = await query(expr);
      if (result.length === 1 && accept(Number(result[0]!.value[1]))) return Number(result[0]!.value[1]);
      throw new Error(`${expr} read ${JSON.stringify(result)}`);
    };
    await until('the 5xx ratio of mlp == 0', () =>
      recorded('model_name:nodetorch_inference_responses:error_ratio_5m{model_name="mlp"}', (v) => v === 0),
    );
    await until('a p99 latency of mlp', () =>
      recorded('model_name:nodetorch_inference_latency_seconds:p99_5m{model_name="mlp"}', (v) => v > 0 && v <= 10),
    );
    await until('a request rate of mlp > 0', () =>
      recorded('model_name:nodetorch_inference_requests:rate5m{model_name="mlp"}', (v) => v > 0),
    );

    // Every alert of alerts.yml is loaded and evaluates without error.
    const declared = alertRules()
      .map((rule) => rule.alert)
      .filter((name): name is string => name !== undefined);
    assert.ok(declared.includes('NodetorchHighP99Latency') && declared.includes('NodetorchTargetDown'), declared.join());
    const groups = await until('every rule evaluated once', async () => {
      const body = (await (await fetch(`${api}/api/v1/rules`)).json()) as { data: { groups: RuleGroup[] } };
      const rules = body.data.groups.flatMap((group) => group.rules);
      return rules.length > 0 && rules.every((rule) => rule.health !== 'unknown') ? body.data.groups : undefined;
    });
    const rules = groups.flatMap((group) => group.rules);
    assert.deepEqual(
      rules
        .filter((rule) => rule.type === 'alerting')
        .map((rule) => rule.name)
        .sort(),
      [...declared].sort(),
    );
    for (const rule of rules) assert.equal(rule.health, 'ok', `${rule.name}: ${rule.lastError}`);
    assert.ok(
      rules.some((rule) => rule.type === 'recording'),
      'recording rules loaded',
    );
  } finally {
    await prom?.stop();
    await server.close();
    rmSync(data, { recursive: true, force: true });
    rmSync(store, { recursive: true, force: true });
  }
});

/** Seeded rows of 4 features around `shift` (as test/serve-monitoring.test.ts makes them). */
function rows(count: number, seed: number, shift = 0): number[][] {
  torch.manualSeed(seed);
  return torch.randn([count, 4]).add(shift).toArray() as number[][];
}
/** Columns as the server logs the inputs of a model traced with inputNames ['x'] on [N, 4]. */
const FEATURES = ['x.0', 'x.1', 'x.2', 'x.3'];
const asRecords = (data: number[][]) => data.map((row) => Object.fromEntries(row.map((v, j) => [FEATURES[j]!, v])));

testOrSkip(
  test,
  'a real Prometheus reads the drift, prediction and prediction-log metrics of a monitored server; the drift alerts go pending',
  noPrometheus,
  async () => {
    const store = scratch();
    const data = scratch('nodetorch-prometheus-');
    const model = smallMlp(3);
    await saveTraced(model, store, 'mlp.pt');
    // The reference (the training distribution) as a CSV file with the logged column names; the
    // requests' inputs are shifted by 1.5 standard deviations, so every feature drifts.
    const reference = rows(400, 10);
    const referenceFile = path.join(data, 'reference.csv');
    writeFileSync(referenceFile, [FEATURES.join(','), ...reference.map((row) => row.map(String).join(','))].join('\n') + '\n');
    const current = rows(40, 5, 1.5);
    const expected = torch.monitor.dataDrift(asRecords(reference), asRecords(current));
    assert.equal(expected.datasetDrift, true, 'the shifted window drifts');
    const warnings: string[] = [];
    // config.properties: prediction_log=..., drift_reference=mlp=reference.csv, drift_interval=1,
    // drift_window=40, drift_min_rows=20: a check every second over the newest 40 predictions.
    const server = await torch.serve.createServer({
      modelStore: store,
      loadModels: ['mlp=mlp.pt'],
      predictionLog: path.join(data, 'predictions.sqlite'),
      driftReference: { mlp: referenceFile },
      driftInterval: 1,
      driftWindow: current.length,
      driftMinRows: 20,
      warn: (message) => warnings.push(message),
      ...anyPorts,
    });
    let prom: Prometheus | undefined;
    try {
      const { inference, metrics } = await server.listen();
      prom = await startPrometheus(metrics, data);
      const { api, job, query, single, until } = prom;
      await until(`up{job="${job}"} == 1`, () => single(`up{job="${job}"}`, '1'));
      for (let i = 0; i < current.length; i += 10) {
        const answer = await fetch(`${inference}/predictions/mlp`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ data: current.slice(i, i + 10) }),
        });
        assert.equal(answer.status, 200, await answer.text());
      }

      // A drift check over the whole window (the log flushes every second, the checks run every
      // drift_interval): the dataset-level gauges, then one feature's.
      const labels = '{model_name="mlp"}';
      await until(`nodetorch_drift_window_rows == ${current.length}`, () =>
        single(`nodetorch_drift_window_rows${labels}`, String(current.length)),
      );
      await until('nodetorch_dataset_drift == 1', () => single(`nodetorch_dataset_drift${labels}`, '1'));
      const share = await single(`nodetorch_drift_share${labels}`, String(expected.share));
      assert.equal(share.metric.job, job);
      assert.equal(expected.share, 1, 'every feature drifted');
      const x0 = expected.features['x.0']!;
      const featureLabels = `{model_name="mlp",feature="x.0",test="${x0.test}"}`;
      await single(`nodetorch_feature_drifted${featureLabels}`, '1');
      const [statistic] = await query(`nodetorch_feature_drift_statistic${featureLabels}`);
      assert.ok(statistic, `no nodetorch_feature_drift_statistic${featureLabels}`);
      assert.ok(Math.abs(Number(statistic.value[1]) - x0.statistic) <= 1e-6, `statistic ${statistic.value[1]}, dataDrift ${x0.statistic}`);
      const drifted = await query(`nodetorch_feature_drifted${labels} == 1`);
      assert.deepEqual(drifted.map((series) => series.metric.feature).sort(), FEATURES);
      const checks = await query(`nodetorch_drift_checks_total{model_name="mlp",outcome="ok"}`);
      assert.ok(checks.length === 1 && Number(checks[0]!.value[1]) >= 1, JSON.stringify(checks));
      assert.deepEqual(await query(`nodetorch_drift_checks_total{model_name="mlp",outcome="error"}`), []);

      // The class counter and the confidence histogram, against the model's own softmax.
      const probabilities = model.forward(torch.tensor(current)).softmax(1).toArray() as number[][];
      const counts: Record<string, string> = {};
      for (const p of probabilities) {
        const top = String(p.indexOf(Math.max(...p)));
        counts[top] = String(Number(counts[top] ?? 0) + 1);
      }
      const byClass = await query(`nodetorch_predictions_total${labels}`);
      for (const series of byClass) assert.equal(series.metric.model_version, '1.0');
      assert.deepEqual(Object.fromEntries(byClass.map((series): [string, string] => [series.metric.class!, series.value[1]])), counts);
      await single(`nodetorch_prediction_confidence_count${labels}`, String(current.length));
      await single(`nodetorch_prediction_confidence_bucket{model_name="mlp",le="+Inf"}`, String(current.length));
      const [confidenceSum] = await query(`nodetorch_prediction_confidence_sum${labels}`);
      const expectedSum = probabilities.reduce((sum, p) => sum + Math.max(...p), 0);
      assert.ok(
        Math.abs(Number(confidenceSum!.value[1]) - expectedSum) <= 1e-4,
        `confidence sum ${confidenceSum!.value[1]}, expected ${expectedSum}`,
      );
      const [median] = await query(`histogram_quantile(0.5, sum by (le) (nodetorch_prediction_confidence_bucket${labels}))`);
      const medianValue = Number(median!.value[1]);
      assert.ok(medianValue >= 1 / 3 && medianValue <= 1, `median confidence ${medianValue}: a top class of 3 has at least 1/3`);

      // The prediction log's own metrics: one row per predicted row, whole SQLite pages.
      await single('nodetorch_prediction_log_rows', String(current.length));
      const [bytes] = await query('nodetorch_prediction_log_bytes');
      const logBytes = Number(bytes!.value[1]);
      assert.ok(logBytes >= 4096 && logBytes % 4096 === 0, `${logBytes} bytes of pages`);
      await single('nodetorch_prediction_log_dropped_total', '0');
      await single('nodetorch_prediction_log_write_errors_total', '0');

      // The drift alerts of alerts.yml. Their `for: 10m` keeps them pending for the length of
      // this test (firing would take 10 minutes), so pending is what is checked, through
      // /api/v1/alerts; their expressions, read from alerts.yml, hold through /api/v1/query.
      const rules = alertRules();
      for (const name of ['NodetorchDatasetDrift', 'NodetorchFeatureDriftShareHigh']) {
        const rule = rules.find((r) => r.alert === name)!;
        assert.equal(rule.for, '10m', name);
        const held = await query(rule.expr);
        assert.deepEqual(
          held.map((series) => series.metric.model_name),
          ['mlp'],
          `${name}: ${rule.expr}`,
        );
      }
      const active = await until('NodetorchDatasetDrift and NodetorchFeatureDriftShareHigh pending for mlp', async () => {
        const body = (await (await fetch(`${api}/api/v1/alerts`)).json()) as { data: { alerts: ActiveAlert[] } };
        const mine = body.data.alerts.filter((alert) => alert.labels.model_name === 'mlp');
        const names = mine.map((alert) => alert.labels.alertname).sort();
        if (names.includes('NodetorchDatasetDrift') && names.includes('NodetorchFeatureDriftShareHigh')) return body.data.alerts;
        throw new Error(`active alerts: ${JSON.stringify(body.data.alerts)}`);
      });
      // No other monitoring alert: no failed checks, dropped or unwritten predictions, or
      // monitoring errors. (The latency alerts are left out: a slow first request on a busy
      // machine can make NodetorchHighP99Latency pending.)
      const monitoringAlerts = new Set(
        alertRules('nodetorch-monitoring')
          .map((rule) => rule.alert)
          .filter((name) => name !== undefined),
      );
      const monitoringActive = active.filter((alert) => monitoringAlerts.has(alert.labels.alertname!));
      assert.deepEqual(monitoringActive.map((alert) => alert.labels.alertname).sort(), [
        'NodetorchDatasetDrift',
        'NodetorchFeatureDriftShareHigh',
      ]);
      for (const alert of monitoringActive) {
        assert.equal(alert.state, 'pending', `${alert.labels.alertname} (for: 10m)`);
        assert.equal(alert.labels.job, job);
      }
      const datasetDrift = active.find((alert) => alert.labels.alertname === 'NodetorchDatasetDrift')!;
      assert.equal(datasetDrift.labels.severity, 'warning');
      assert.equal(Number(datasetDrift.value), 1);
      const monitoringGroup = (
        (await (await fetch(`${api}/api/v1/rules?type=alert`)).json()) as {
          data: { groups: { name: string; rules: { name: string; state: string; health: string }[] }[] };
        }
      ).data.groups.find((group) => group.name === 'nodetorch-monitoring')!;
      const states = Object.fromEntries(monitoringGroup.rules.map((rule) => [rule.name, rule.state]));
      assert.equal(states.NodetorchDatasetDrift, 'pending');
      assert.equal(states.NodetorchFeatureDriftShareHigh, 'pending');
      assert.equal(states.NodetorchDriftCheckErrors, 'inactive');
      assert.equal(states.NodetorchDriftCheckStale, 'inactive');
      assert.deepEqual(warnings, []);
    } finally {
      await prom?.stop();
      await server.close();
      rmSync(data, { recursive: true, force: true });
      rmSync(store, { recursive: true, force: true });
    }
  },
);

test.run();
