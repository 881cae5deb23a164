// deploy/prometheus against the tools that read it: promtool checks the scrape config and the
// rules and runs the rules' unit tests; a real Prometheus scrapes a server on 127.0.0.1, loads the
// alert rules, and reads the request counter back through its HTTP API. Skipped with a reason
// where Debian's prometheus package (promtool, prometheus) is not installed.
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

testOrSkip(test, 'a real Prometheus scrapes the server, evaluates the rules and reads the request counter back', noPrometheus, async () => {
  const store = scratch();
  const data = scratch('nodetorch-prometheus-');
  await saveTraced(smallMlp(2), store, 'mlp.pt');
  const server = await torch.serve.createServer({ modelStore: store, loadModels: ['mlp=mlp.pt'], ...anyPorts });
  let child: ReturnType<typeof spawn> | undefined;
  let log = '';
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
    child = spawn(
      prometheus!,
      [`--config.file=${configFile}`, `--storage.tsdb.path=${path.join(data, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (chunk) => (log += chunk));
    child.stderr!.on('data', (chunk) => (log += chunk));
    const exited = new Promise<never>((_, reject) => {
      child!.once('error', reject);
      child!.once('exit', (code, signal) => reject(new Error(`prometheus exited (${code ?? signal}):\n${log.slice(-4000)}`)));
    });
    exited.catch(() => {}); // observed through until()'s races
    /** waitFor, failing at once if Prometheus exits. */
    const until = <T>(what: string, read: () => Promise<T | undefined>) =>
      Promise.race([exited, waitFor(what, read, () => log.slice(-4000))]);

    await until('/-/ready', async () => ((await fetch(`${api}/-/ready`)).ok ? true : undefined));
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

    const up = await until(`up{job="${job.job_name}"} == 1`, () => single(`up{job="${job.job_name}"}`, '1'));
    assert.equal(up.metric.instance, new URL(metrics).host);
    const requests = await until(`ts_inference_requests_total{model_name="mlp"} == ${sent}`, () =>
      single('ts_inference_requests_total{model_name="mlp"}', String(sent)),
    );
    assert.equal(requests.metric.model_version, 'default', 'asked without a version');
    assert.equal(requests.metric.job, job.job_name);
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
    const declared = (
      parseYaml(readFileSync(path.join(deploy, 'alerts.yml'), 'utf8')) as { groups: { rules: { alert?: string }[] }[] }
    ).groups
      .flatMap((group) => group.rules.map((rule) => rule.alert))
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
    if (child && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      if (!(await Promise.race([gone.then(() => true), sleep(10_000).then(() => false)]))) {
        child.kill('SIGKILL');
        await gone;
      }
    }
    await server.close();
    rmSync(data, { recursive: true, force: true });
    rmSync(store, { recursive: true, force: true });
  }
});

test.run();
