// One serving measurement: starts a server (nodetorch serve or the FastAPI peer) on a free port as
// its own process, checks its answer, drives it with autocannon on loopback, stops it, and prints
// one JSON line.
//   node serve-load.mjs load nodetorch|fastapi MODEL.pt BATCH SECONDS CONNECTIONS THREADS
//   node serve-load.mjs soak nodetorch MODEL.pt BATCH REQUESTS CONNECTIONS THREADS
// load: requests/s, p50 and p99 latency (ms), the first answer's logits.
// soak: REQUESTS requests, one in ten malformed (bad JSON, wrong shape, strings, unknown model),
// the server's RSS sampled every 250 ms; then /ping and a good prediction must still work.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PYTHON, peer, repoRoot } from '../harness/processes.mjs';

const [mode, server, modelFile, batch, amount, connections, threads] = process.argv.slice(2);
const digit = Array.from({ length: 784 }, (_, i) => (Math.sin(i * 0.37) + 1) / 2);
const body = JSON.stringify({ data: digit });

/** A port free a moment ago (uvicorn takes no port 0 and reports none). */
async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function waitForPing(url, child, output) {
  for (let waited = 0; waited < 120_000; waited += 100) {
    if (child.exitCode !== null) throw new Error(`the server exited: ${output.text.slice(-500)}`);
    try {
      if ((await fetch(`${url}/ping`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error('the server did not answer /ping within 120 s');
}

async function startServer() {
  const output = { text: '' };
  let child;
  let url;
  if (server === 'nodetorch') {
    const dir = mkdtempSync(path.join(tmpdir(), 'nodetorch-bench-serve-'));
    const config = path.join(dir, 'config.properties');
    // Two workers: forwards on both cores, as the FastAPI peer's thread pool does.
    writeFileSync(config, `batch_size=${batch}\nmax_batch_delay=5\ndefault_workers_per_model=2\njob_queue_size=1000\n`);
    child = spawn(
      process.execPath,
      [
        path.join(repoRoot, 'dist', 'cli.js'),
        'serve',
        '--foreground',
        '--ts-config',
        config,
        '--model-store',
        path.dirname(modelFile),
        '--models',
        `cnn=${path.basename(modelFile)}`,
        '--inference-address',
        '127.0.0.1:0',
        '--management-address',
        '127.0.0.1:0',
        '--metrics-address',
        '127.0.0.1:0',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: process.env },
    );
    child.stdout.on('data', (chunk) => (output.text += chunk));
    child.stderr.on('data', (chunk) => (output.text += chunk));
    for (let waited = 0; !/Inference API bind to: (\S+)/.test(output.text); waited += 50) {
      if (child.exitCode !== null || waited > 120_000) throw new Error(`nodetorch serve did not start: ${output.text.slice(-500)}`);
      await sleep(50);
    }
    url = /Inference API bind to: (\S+)/.exec(output.text)[1];
  } else {
    const port = await freePort();
    child = spawn(PYTHON, [peer('python', 'serve_fastapi.py'), modelFile, port, threads], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    child.stdout.on('data', (chunk) => (output.text += chunk));
    child.stderr.on('data', (chunk) => (output.text += chunk));
    url = `http://127.0.0.1:${port}`;
  }
  await waitForPing(url, child, output);
  return { child, url };
}

const predict = (url) =>
  fetch(`${url}/predictions/cnn`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(async (r) => ({
    status: r.status,
    value: await r.json(),
  }));

function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
}

const MALFORMED = [
  { body: '{"data": [1, 2', headers: { 'content-type': 'application/json' } },
  { body: JSON.stringify({ data: digit.slice(0, 100) }), headers: { 'content-type': 'application/json' } },
  { body: JSON.stringify({ data: digit.map(String) }), headers: { 'content-type': 'application/json' } },
  { body, headers: { 'content-type': 'application/json' }, path: '/predictions/missing' },
];

async function main() {
  const { child, url } = await startServer();
  try {
    const first = await predict(url);
    if (first.status !== 200) throw new Error(`the first prediction answered ${first.status}: ${JSON.stringify(first.value)}`);
    // Warm-up: both servers' first forwards (TorchScript's profiling runs) are slow.
    await autocannon({
      url: `${url}/predictions/cnn`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      connections: Number(connections),
      duration: 1,
    });
    if (mode === 'load') {
      const result = await autocannon({
        url: `${url}/predictions/cnn`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        connections: Number(connections),
        duration: Number(amount),
      });
      const ok = result.requests.total - result.non2xx;
      console.log(
        JSON.stringify({
          requestsPerSecond: ok / result.duration,
          p50: result.latency.p50,
          p99: result.latency.p99,
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
          logits: first.value,
        }),
      );
      return;
    }
    const requests = Array.from({ length: 40 }, (_, i) =>
      i % 10 === 9
        ? { method: 'POST', path: '/predictions/cnn', ...MALFORMED[Math.floor(i / 10) % MALFORMED.length] }
        : { method: 'POST', path: '/predictions/cnn', headers: { 'content-type': 'application/json' }, body },
    );
    const samples = [];
    const sampler = setInterval(() => samples.push(rssBytes(child.pid)), 250);
    const total = Number(amount);
    const result = await autocannon({ url, connections: Number(connections), amount: total, requests });
    clearInterval(sampler);
    const quarter = Math.max(1, Math.floor(samples.length / 4));
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const after = await predict(url);
    console.log(
      JSON.stringify({
        requests: result.requests.total,
        malformedAnswered: result.non2xx,
        errors: result.errors + result.timeouts,
        rssFirstQuarterMiB: mean(samples.slice(0, quarter)) / 2 ** 20,
        rssLastQuarterMiB: mean(samples.slice(-quarter)) / 2 ** 20,
        rssMaxMiB: Math.max(...samples) / 2 ** 20,
        stillServes: after.status === 200 && JSON.stringify(after.value) === JSON.stringify(first.value),
        requestsPerSecond: result.requests.total / result.duration,
      }),
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.on('exit', resolve)));
  }
}

main().catch((error) => {
  console.error(error.stack ?? String(error));
  console.error(String(error.message ?? error).replaceAll('\n', ' ')); // the last line is what the suite reports
  process.exit(1);
});
