// The inference server over real sockets: three listeners on ports picked by the system, HTTP
// from fetch, graceful shutdown finishing an in-flight request, and `nodetorch serve` started in
// the foreground (addresses printed, SIGTERM stops it) and in the background (--stop stops it).
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer as createNetServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import * as torch from '../lib/index.ts';
import type { Handler } from '../lib/serve/index.ts';
import { main } from '../lib/cli/main.ts';
import { anyPorts, multipart, saveTraced, scratch, smallMlp, startServeCli } from './serve-helpers.ts';

const store = scratch();
await saveTraced(smallMlp(4), store, 'mlp.pt');

/** Sends raw bytes to an http://host:port address and collects everything until the server closes. */
function rawExchange(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('utf8')));
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
  });
}

test('three listeners on ports 0: inference, management and metrics answer over HTTP', async () => {
  const server = await torch.serve.createServer({ modelStore: store, loadModels: ['mlp=mlp.pt'], ...anyPorts });
  try {
    const addresses = await server.listen();
    for (const url of [addresses.inference, addresses.management, addresses.metrics])
      assert.match(url, /^http:\/\/127\.0\.0\.1:[1-9][0-9]*$/);
    assert.equal(new Set([addresses.inference, addresses.management, addresses.metrics]).size, 3);
    const ping = await fetch(`${addresses.inference}/ping`);
    assert.equal(ping.status, 200);
    assert.match(ping.headers.get('x-request-id')!, /^[0-9a-f-]{36}$/);
    const predicted = await fetch(`${addresses.inference}/predictions/mlp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: [1, 2, 3, 4] }),
    });
    assert.equal(predicted.status, 200);
    assert.equal(((await predicted.json()) as number[]).length, 3);
    const form = multipart('data', 'x.json', 'application/json', Buffer.from(JSON.stringify({ data: [[1, 2, 3, 4]] })));
    const viaForm = await fetch(`${addresses.inference}/predictions/mlp`, {
      method: 'POST',
      headers: { 'content-type': form.contentType },
      body: form.body,
    });
    assert.equal(viaForm.status, 200, 'a form part named data');
    const malformed = await fetch(`${addresses.inference}/v2/models/mlp/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"inputs"',
    });
    assert.equal(malformed.status, 400);
    assert.match(((await malformed.json()) as { error: string }).error, /not valid JSON/);
    const models = (await (await fetch(`${addresses.management}/models`)).json()) as { models: unknown[] };
    assert.deepEqual(models.models, [{ modelName: 'mlp', modelUrl: 'mlp.pt' }]);
    const metrics = await (await fetch(`${addresses.metrics}/metrics?name[]=ts_inference_requests_total`)).text();
    assert.match(metrics, /ts_inference_requests_total\{model_name="mlp",model_version="default",hostname="[^"]+"\} 3/);
    const garbage = await rawExchange(addresses.inference, 'NOT HTTP AT ALL\r\n\r\n');
    assert.match(garbage, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(garbage, /\r\nx-request-id: [0-9a-f-]{36}\r\n/);
    assert.match(garbage, /"type": "BadRequestException",\n {2}"message": "Malformed HTTP request"/);
    assert.equal((await fetch(`${addresses.inference}/ping`)).status, 200, 'still serving');
    const unknownOnMetrics = await fetch(`${addresses.metrics}/predictions/mlp`, { method: 'POST' });
    assert.equal(unknownOnMetrics.status, 404, 'each listener serves its own API only');
  } finally {
    await server.close();
  }
});

test('graceful shutdown: an in-flight request is answered, then the listeners are gone', async () => {
  const tensor = torch.serve.BUILT_IN_HANDLERS.tensor!;
  const slow: Handler = {
    preprocess: (request, context) => tensor.preprocess(request, context),
    inference: async (inputs, forward) => {
      await sleep(400);
      return forward(inputs);
    },
    postprocess: (outputs, context, state) => tensor.postprocess(outputs, context, state),
  };
  const server = await torch.serve.createServer({ modelStore: store, handlers: { slow }, ...anyPorts });
  await server.models.register({ url: 'mlp.pt', handler: 'slow', initialWorkers: 1 });
  const { inference } = await server.listen();
  const inFlight = fetch(`${inference}/predictions/mlp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"data": [1, 2, 3, 4]}',
  });
  const runner = server.models.registry.get('mlp').runner!;
  for (const started = Date.now(); !runner.describeWorkers().some((w) => w.busy); await sleep(5))
    assert.ok(Date.now() - started < 10_000, 'the request reached its worker');
  const closed = server.close();
  const during = await server.inference.inject({ method: 'GET', url: '/ping' });
  assert.equal(during.statusCode, 503, 'new requests are refused while closing');
  assert.deepEqual(JSON.parse(during.body), { code: 503, type: 'ServiceUnavailableException', message: 'The server is shutting down' });
  const answer = await inFlight;
  assert.equal(answer.status, 200);
  assert.equal(((await answer.json()) as number[]).length, 3);
  await closed;
  await assert.rejects(fetch(`${inference}/ping`), 'nothing listens after close');
});

test('nodetorch serve --foreground: ports 0, addresses printed, answers, SIGTERM stops it cleanly', async () => {
  const serve = await startServeCli([
    '--model-store',
    store,
    '--models',
    'mlp=mlp.pt',
    '--inference-address',
    'http://127.0.0.1:0',
    '--management-address',
    '127.0.0.1:0',
    '--metrics-address',
    '127.0.0.1:0',
  ]);
  try {
    assert.match(serve.output(), /Model mlp version 1\.0: loaded/);
    assert.match(serve.output(), /Metrics API bind to: http:\/\/127\.0\.0\.1:\d+/);
    assert.equal((await fetch(`${serve.inference}/ping`)).status, 200);
    assert.equal((await fetch(`${serve.management}/models/mlp`)).status, 200);
  } finally {
    serve.child.kill('SIGTERM');
  }
  assert.equal(await serve.exited, 0, serve.output());
  assert.match(serve.output(), /Shutting down/);
});

test('nodetorch serve --start --ncs --no-config-snapshots in the background on ports 0; --stop stops it and waits until it is gone', async () => {
  const logDir = scratch();
  const bin = fileURLToPath(new URL('../lib/cli/bin.ts', import.meta.url));
  const cli = (args: string[]) =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', bin, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      child.on('exit', (code) => resolve({ code, output }));
    });
  const ports = ['--inference-address', '127.0.0.1:0', '--management-address', '127.0.0.1:0', '--metrics-address', '127.0.0.1:0'];
  const started = await cli([
    '--start',
    '--ncs',
    '--no-config-snapshots',
    '--model-store',
    store,
    '--models',
    'mlp=mlp.pt',
    ...ports,
    '--log-dir',
    logDir,
  ]);
  assert.equal(started.code, 0, started.output);
  const pid = Number(readFileSync(path.join(logDir, 'serve.pid'), 'utf8'));
  // A zombie (a container's init may never reap it) counts as gone.
  const alive = () => {
    try {
      process.kill(pid, 0);
    } catch {
      return false;
    }
    const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  };
  try {
    assert.match(started.output, new RegExp(`Server started in the background: pid ${pid}`));
    const inference = /Inference API bind to: (http:\/\/127\.0\.0\.1:\d+)/.exec(started.output)?.[1];
    assert.ok(inference, started.output);
    assert.equal((await fetch(`${inference}/ping`)).status, 200, 'the background server answers after the command returned');
    const stopped = await cli(['--stop', '--log-dir', logDir]);
    assert.equal(stopped.code, 0, stopped.output);
    assert.match(stopped.output, new RegExp(`Stopping the server \\(pid ${pid}\\)\\s+The server has stopped`));
    assert.equal(alive(), false, 'the process is gone once --stop returns');
    assert.equal(existsSync(path.join(logDir, 'serve.pid')), false);
    await assert.rejects(fetch(`${inference}/ping`), 'nothing listens');
    assert.match(readFileSync(path.join(logDir, 'serve.log'), 'utf8'), /Shutting down: finishing in-flight requests/);
    const again = await cli(['--stop', '--log-dir', logDir]);
    assert.equal(again.code, 2, 'no server to stop is a usage error');
    assert.match(again.output, /no server to stop/);
    assert.equal((await cli(['--start', '--stop', '--log-dir', logDir])).code, 2);
  } finally {
    if (alive()) process.kill(pid, 'SIGKILL');
  }
});

test('nodetorch serve: bad flags and config are usage errors (exit 2) naming the problem', async () => {
  const dir = scratch();
  const config = path.join(dir, 'config.properties');
  writeFileSync(config, 'batch_size=none\n');
  const errors: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk: string) => errors.push(String(chunk)) > 0;
  try {
    assert.equal(await main(['serve', '--ts-config', config, '--foreground']), 2);
    assert.equal(await main(['serve', '--model-store', path.join(dir, 'none'), '--foreground']), 2);
    assert.equal(await main(['serve', '--model-store', store, '--inference-address', 'https://x:1', '--foreground']), 2);
    assert.equal(await main(['serve', '--model-store', store, '--models', 'm=../x.pt', '--foreground']), 2);
    assert.equal(await main(['serve', '--signature', 'mlp', '--foreground']), 2);
  } finally {
    process.stderr.write = write;
  }
  assert.match(errors[0]!, /batch_size must be an integer >= 1, got 'none'/);
  assert.match(errors[1]!, /--model-store .* does not exist/);
  assert.match(errors[2]!, /an https:\/\/ address needs private_key_file and certificate_file/);
  assert.match(errors[3]!, /cannot load model m: Relative path is not allowed in url: \.\.\/x\.pt/);
  assert.match(errors[4]!, /--signature takes NAME=FILE.json/);
});

test('nodetorch serve: an address in use is a failure (exit 1) naming it', async () => {
  const taken = createNetServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const { port } = taken.address() as AddressInfo;
  const errors: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk: string) => errors.push(String(chunk)) > 0;
  try {
    const code = await main([
      'serve',
      '--model-store',
      store,
      '--models',
      'mlp=mlp.pt',
      '--inference-address',
      `127.0.0.1:${port}`,
      '--foreground',
    ]);
    assert.equal(code, 1);
  } finally {
    process.stderr.write = write;
    await new Promise((resolve) => taken.close(resolve));
  }
  assert.match(errors.join(''), new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`));
});

test.run();
