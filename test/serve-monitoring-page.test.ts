// The monitoring page in a real headless browser (Debian's /usr/bin/chromium driven by
// puppeteer-core): a server on ports 0 answers predictions, the page at <metrics>/monitoring loads
// offline (nothing fetched outside its own origin), and its numbers match /metrics as fetched here
// and parsed independently of lib/serve/monitoring-summary.ts: requests, answers by code, batch
// count, latency percentiles by histogram_quantile, predicted classes. A full-page screenshot is
// saved to test-artifacts/monitoring-page.png.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import * as torch from '../lib/index.ts';
import type { InferenceServer } from '../lib/serve/index.ts';
import { anyPorts, saveTraced, scratch, smallMlp } from './serve-helpers.ts';
import { testOrSkip } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACT = path.resolve('test-artifacts', 'monitoring-page.png');
/** Every wait on the browser is bounded by this. */
const WAIT_MS = 20_000;

type Launch = typeof import('puppeteer-core').launch;
type Page = import('puppeteer-core').Page;
async function loadPuppeteer(): Promise<{ launch: Launch } | string> {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is absent (apt-get install chromium)`;
  try {
    return { launch: (await import('puppeteer-core')).launch };
  } catch (error) {
    return `puppeteer-core cannot be loaded (npm install -D puppeteer-core): ${(error as Error).message}`;
  }
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text format 0.0.4, sample lines only. */
function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    assert.ok(match, `not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of match[2]?.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g) ?? [])
      labels[key!] = value!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

const sumWhere = (samples: Sample[], name: string, labels: Record<string, string>): number =>
  samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);

/** histogram_quantile(q, sum by (le) (rate-free buckets)) as Prometheus computes it, from the text's buckets. */
function quantileFromText(samples: Sample[], family: string, model: string, q: number): number {
  const byLe = new Map<number, number>();
  for (const s of samples)
    if (s.name === `${family}_bucket` && s.labels.model_name === model) {
      const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
      byLe.set(le, (byLe.get(le) ?? 0) + s.value);
    }
  const buckets = [...byLe].sort((a, b) => a[0] - b[0]);
  const total = buckets.at(-1)![1];
  const rank = q * total;
  const i = buckets.findIndex(([, count]) => count >= rank);
  if (i === buckets.length - 1) return buckets[i - 1]![0];
  const [lower, below] = i === 0 ? [0, 0] : buckets[i - 1]!;
  const [upper, count] = buckets[i]!;
  return lower + ((upper - lower) * (rank - below)) / (count - below);
}

/** Evaluates `expression` in the page (browser code as text: this project's types have no DOM). */
const inPage = async <T>(page: Page, expression: string): Promise<T> => (await page.evaluate(expression)) as T;

/** Every element with a data-metric, as the page shows it. */
const SHOWN = `[...document.querySelectorAll('[data-metric]')].map((e) => ({
  metric: e.getAttribute('data-metric'),
  model: e.getAttribute('data-model'),
  key: ['data-class', 'data-code', 'data-kind', 'data-le', 'data-feature'].map((a) => e.getAttribute(a)).find((v) => v !== null) ?? null,
  value: e.getAttribute('data-value') ?? '',
  text: e.textContent ?? '',
}))`;

interface Shown {
  metric: string;
  model: string | null;
  key: string | null;
  value: string;
  text: string;
}

const loaded = await loadPuppeteer();

testOrSkip(
  test,
  'the monitoring page in headless Chromium shows the numbers /metrics has, and a screenshot is saved',
  typeof loaded === 'string' && loaded,
  async () => {
    const puppeteer = loaded as { launch: Launch };
    const store = scratch();
    await saveTraced(smallMlp(3), store, 'mlp.pt');
    let server: InferenceServer | undefined;
    let browser: Awaited<ReturnType<Launch>> | undefined;
    try {
      // Monitoring on: a prediction log and a drift reference (features x.0 ... x.3, N(0, 1)) the
      // requests below (3 N(0, 1)) drift from.
      torch.manualSeed(10);
      const reference = (torch.randn([300, 4]).toArray() as number[][]).map((row) => Object.fromEntries(row.map((v, j) => [`x.${j}`, v])));
      server = await torch.serve.createServer({
        modelStore: store,
        loadModels: ['mlp=mlp.pt'],
        ...anyPorts,
        predictionLog: path.join(store, 'predictions.sqlite'),
        references: { mlp: reference },
        driftMinRows: 10,
      });
      const addresses = await server.listen();
      const predict = (data: unknown) =>
        fetch(`${addresses.inference}/predictions/mlp`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ data }),
        });
      // 12 answered requests (one of two rows each time), varied inputs so several classes come up, and one 400.
      torch.manualSeed(11);
      const rows = (torch.randn([16, 4]).mul(3).toArray() as number[][]).map((row) => row.map((x) => Math.round(x * 100) / 100));
      const answers = await Promise.all(rows.slice(0, 12).map((row, i) => predict(i % 3 === 0 ? [row, rows[12 + (i % 4)]!] : row)));
      for (const answer of answers) assert.equal(answer.status, 200, await answer.text());
      assert.equal((await predict([1, 2, 3])).status, 400);

      // A drift check now (the report runs one); the rows are logged just after their answers.
      const deadline = Date.now() + WAIT_MS;
      let drift = await fetch(`${addresses.metrics}/monitoring/drift.json`);
      while (drift.status !== 200 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        drift = await fetch(`${addresses.metrics}/monitoring/drift.json`);
      }
      assert.equal(drift.status, 200, await drift.text());

      // /metrics once the log has written every row: nothing changes after that until the next requests.
      const scrape = async () => parsePrometheus(await (await fetch(`${addresses.metrics}/metrics`)).text());
      let samples = await scrape();
      while (sumWhere(samples, 'nodetorch_prediction_log_pending', {}) > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        samples = await scrape();
      }
      assert.equal(sumWhere(samples, 'nodetorch_prediction_log_pending', {}), 0, 'the log wrote its pending rows');
      const requests = sumWhere(samples, 'ts_inference_requests_total', { model_name: 'mlp' });
      assert.ok(requests >= 12, `ts_inference_requests_total for mlp is ${requests}`);

      const page = await (async () => {
        browser = await puppeteer.launch({
          executablePath: CHROMIUM,
          args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-dev-shm-usage'],
          timeout: WAIT_MS,
          protocolTimeout: WAIT_MS,
        });
        return browser.newPage();
      })();
      page.setDefaultTimeout(WAIT_MS);
      await page.setViewport({ width: 1200, height: 900 });
      const origins = new Set<string>();
      page.on('request', (request) => origins.add(new URL(request.url()).origin));
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(String(error)));
      page.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(message.text());
      });

      const response = await page.goto(`${addresses.metrics}/monitoring?interval=0.3`, { waitUntil: 'load', timeout: WAIT_MS });
      assert.equal(response?.status(), 200);
      assert.match(response.headers()['content-type'] ?? '', /^text\/html/);
      assert.match(response.headers()['content-security-policy'] ?? '', /default-src 'none'/);
      // Two samples: the request rate needs a previous one.
      await page.waitForFunction('Number(document.body.dataset.samples) >= 2', { timeout: WAIT_MS, polling: 100 });
      assert.equal(await inPage<string>(page, 'document.body.dataset.state'), 'live');
      const shown = await inPage<Shown[]>(page, SHOWN);
      const one = (metric: string, key: string | null = null): Shown => {
        const found = shown.filter((s) => s.metric === metric && s.model === (metric.startsWith('native') ? null : 'mlp') && s.key === key);
        assert.equal(found.length, 1, `one ${metric}${key === null ? '' : `[${key}]`} on the page, found ${found.length}`);
        return found[0]!;
      };
      const close = (actual: string, expected: number, what: string) =>
        assert.ok(
          Math.abs(Number(actual) - expected) <= 1e-12 * Math.max(1, Math.abs(expected)),
          `${what}: page ${actual}, /metrics ${expected}`,
        );

      assert.equal(Number(one('requests_total').value), requests);
      assert.notEqual(one('requests_total').text, '', 'numbers are shown, not only in attributes');
      assert.equal(Number(one('request_rate').value), 0, 'nothing was sent between the samples');
      for (const code of ['200', '400'])
        assert.equal(
          Number(one('responses', code).value),
          sumWhere(samples, 'nodetorch_inference_responses_total', { model_name: 'mlp', code }),
          `HTTP ${code}`,
        );
      assert.equal(Number(one('batch_count').value), sumWhere(samples, 'nodetorch_batch_size_count', { model_name: 'mlp' }));
      for (const [metric, q] of [
        ['latency_p50', 0.5],
        ['latency_p95', 0.95],
        ['latency_p99', 0.99],
      ] as const)
        close(one(metric).value, quantileFromText(samples, 'nodetorch_inference_latency_seconds', 'mlp', q), metric);
      assert.match(one('latency_p99').text, / ms$/);
      for (const kind of ['storages', 'cpu_allocated', 'cpu_cached']) assert.notEqual(one('native_memory_bytes', kind).value, '', kind);

      // The class counters are filled by the monitoring wiring; where /metrics has them the page must match.
      const classes = samples.filter((s) => s.name === 'nodetorch_predictions_total' && s.labels.model_name === 'mlp');
      assert.ok(classes.length > 0, '/metrics has nodetorch_predictions_total for mlp');
      const classTotal = classes.reduce((sum, s) => sum + s.value, 0);
      for (const s of classes) {
        const className = s.labels.class ?? '';
        const count = sumWhere(classes, s.name, { class: className });
        assert.equal(Number(one('class_count', className).value), count, `class ${className}`);
        close(one('class_share', className).value, count / classTotal, `class ${className} share`);
      }
      assert.equal(shown.filter((s) => s.metric === 'class_count').length, new Set(classes.map((s) => s.labels.class)).size);

      const driftShare = sumWhere(samples, 'nodetorch_drift_share', { model_name: 'mlp' });
      close(one('drift_share').value, driftShare, 'drift share');
      assert.equal(Number(one('dataset_drift').value), sumWhere(samples, 'nodetorch_dataset_drift', { model_name: 'mlp' }));
      const features = samples.filter((s) => s.name === 'nodetorch_feature_drifted' && s.labels.model_name === 'mlp');
      assert.equal(features.length, 4, 'four features checked');
      for (const s of features) {
        const feature = s.labels.feature!;
        assert.equal(Number(one('feature_drifted', feature).value), s.value, `feature ${feature} drifted`);
        const statistic = sumWhere(samples, 'nodetorch_feature_drift_statistic', { model_name: 'mlp', feature });
        close(one('feature_statistic', feature).value, statistic, `feature ${feature} statistic`);
      }
      assert.ok(driftShare > 0, 'the shifted requests drifted');
      for (const [metric, family] of [
        ['prediction_log_rows', 'nodetorch_prediction_log_rows'],
        ['prediction_log_dropped', 'nodetorch_prediction_log_dropped_total'],
      ] as const)
        assert.equal(Number(shown.find((s) => s.metric === metric)?.value), sumWhere(samples, family, {}), metric);
      assert.ok(sumWhere(samples, 'nodetorch_prediction_log_rows', {}) >= 16, 'every row logged');

      assert.deepEqual([...origins], [new URL(addresses.metrics).origin], 'the page fetches nothing outside its own origin');
      assert.deepEqual(pageErrors, [], 'no script errors');
      const driftLink = await inPage<string>(page, "document.getElementById('drift-link').href");
      assert.equal(driftLink, `${addresses.metrics}/monitoring/drift`);

      // Live: more requests show up in the next samples, with a positive rate.
      const samplesShown = async () => Number(await inPage<string>(page, 'document.body.dataset.samples'));
      const before = await samplesShown();
      for (let i = 0; i < 3; i++) assert.equal((await predict(rows[i])).status, 200);
      const shownValue = (metric: string) =>
        `document.querySelector('[data-metric="${metric}"][data-model="mlp"]')?.getAttribute('data-value')`;
      await page.waitForFunction(`Number(${shownValue('requests_total')}) === ${requests + 3}`, { timeout: WAIT_MS, polling: 100 });
      assert.ok((await samplesShown()) > before);
      const rate = Number(await inPage<string>(page, shownValue('request_rate')));
      assert.ok(rate > 0, `request rate after 3 more requests: ${rate}`);

      mkdirSync(path.dirname(ARTIFACT), { recursive: true });
      await page.screenshot({ path: ARTIFACT, fullPage: true });
      assert.ok(statSync(ARTIFACT).size > 1000, 'a real screenshot');
      console.log(`screenshot: ${ARTIFACT}`);
    } finally {
      await browser?.close();
      await server?.close();
    }
  },
);

test('summary.json and the page over inject: JSON numbers, HTML self-contained, 405 on other methods', async () => {
  const store = scratch();
  await saveTraced(smallMlp(3), store, 'mlp.pt');
  const server = await torch.serve.createServer({ modelStore: store, loadModels: ['mlp=mlp.pt'] });
  try {
    await server.inference.inject({ method: 'POST', url: '/predictions/mlp', payload: { data: [1, 2, 3, 4] } });
    const summary = await server.metrics.inject({ method: 'GET', url: '/monitoring/summary.json' });
    assert.equal(summary.statusCode, 200);
    assert.match(String(summary.headers['content-type']), /^application\/json/);
    const body = summary.json() as { models: { name: string; requestsTotal: number; latency: { p50: number } }[] };
    assert.equal(body.models[0]!.name, 'mlp');
    assert.equal(body.models[0]!.requestsTotal, 1);
    assert.ok(body.models[0]!.latency.p50 > 0);
    const page = await server.metrics.inject({ method: 'GET', url: '/monitoring' });
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /<script[^>]+src=|<link[^>]+href="(?!data:)|https?:\/\//, 'no external script, style or URL');
    assert.equal((await server.metrics.inject({ method: 'POST', url: '/monitoring' })).statusCode, 405);
    assert.equal((await server.inference.inject({ method: 'GET', url: '/monitoring' })).statusCode, 404, 'only on the metrics listener');
    assert.equal((await server.metrics.inject({ method: 'GET', url: '/metrics' })).statusCode, 200);
  } finally {
    await server.close();
  }
});

test.run();
