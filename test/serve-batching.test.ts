// The inference server's queue and workers: TorchServe's batching (answers equal to unbatched
// ones, in order; a lone request waits the whole delay), a bounded queue answering 503 (or 429),
// response timeouts, worker counts as concurrency, inference off the event loop, handler failures.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as torch from '../lib/index.ts';
import type { Handler, InferenceServer } from '../lib/serve/index.ts';
import { assertArrayClose } from './helpers.ts';
import { saveTraced, scratch, smallMlp } from './serve-helpers.ts';

const model = smallMlp(2);
const store = scratch();
await saveTraced(model, store, 'mlp.pt');
const unbatched = (row: number[]) => model.forward(torch.tensor([row], { dtype: 'float32' })).toArray() as number[][];

const tensor = torch.serve.BUILT_IN_HANDLERS.tensor!;
/** The tensor handler with a pause before the forward: a worker stays busy that long. */
const slowHandler = (ms: number): Handler => ({
  preprocess: (request, context) => tensor.preprocess(request, context),
  inference: async (inputs, forward) => {
    await sleep(ms);
    return forward(inputs);
  },
  postprocess: (outputs, context, state) => tensor.postprocess(outputs, context, state),
});
const failingHandler: Handler = {
  preprocess: (request, context) => tensor.preprocess(request, context),
  postprocess: () => {
    throw new Error('postprocess broke');
  },
};

/** Waits (polling) until `condition` holds: no fixed sleeps that a busy machine could outrun. */
async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (const started = Date.now(); !condition(); await sleep(5))
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached within 10 s');
}

const post = (server: InferenceServer, url: string, payload: unknown) =>
  server.inference.inject({ method: 'POST', url, payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } });
const body = (response: { body: string }) => JSON.parse(response.body) as unknown;

async function withServer(options: Parameters<typeof torch.serve.createServer>[0], fn: (server: InferenceServer) => Promise<void>) {
  const server = await torch.serve.createServer({ modelStore: store, ...options });
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

test('batching: 8 concurrent requests run as 2 batches of 4, each answer equal to its unbatched one, in order', async () => {
  await withServer({ loadModels: ['mlp=mlp.pt'], batchSize: 4, maxBatchDelay: 10_000 }, async (server) => {
    const rows = Array.from({ length: 8 }, (_, i) => [i, -i, i / 2, 1 - i]);
    const started = Date.now();
    const answers = await Promise.all(rows.map((row) => post(server, '/predictions/mlp', { data: row })));
    assert.ok(Date.now() - started < 5000, 'full batches do not wait for the 10 s delay');
    answers.forEach((answer, i) => {
      assert.equal(answer.statusCode, 200, answer.body);
      assertArrayClose(body(answer) as number[], unbatched(rows[i]!)[0]!, 1e-6);
    });
    const metrics = (await server.metrics.inject({ method: 'GET', url: '/metrics?name[]=nodetorch_batch_size' })).body;
    assert.match(metrics, /^nodetorch_batch_size_count\{model_name="mlp",model_version="1\.0"\} 2$/m);
    assert.match(metrics, /^nodetorch_batch_size_sum\{model_name="mlp",model_version="1\.0"\} 8$/m);
  });
});

test('batching: KServe requests of 1 and 3 rows batch together and each gets its own rows back', async () => {
  await withServer({ loadModels: ['mlp=mlp.pt'], batchSize: 2, maxBatchDelay: 2000 }, async (server) => {
    const a = [[1, 2, 3, 4]];
    const b = [
      [0, 0, 0, 1],
      [5, 5, 5, 5],
      [-1, 2, -3, 4],
    ];
    const infer = (rows: number[][], id: string) =>
      post(server, '/v2/models/mlp/infer', { id, inputs: [{ name: 'x', shape: [rows.length, 4], datatype: 'FP32', data: rows }] });
    const [ra, rb] = await Promise.all([infer(a, 'a'), infer(b, 'b')]);
    const outputs = (r: { body: string }) => body(r) as { id: string; outputs: { shape: number[]; data: number[] }[] };
    assert.equal(outputs(ra).id, 'a');
    assert.equal(outputs(rb).id, 'b');
    assert.deepEqual(outputs(ra).outputs[0]!.shape, [1, 3]);
    assert.deepEqual(outputs(rb).outputs[0]!.shape, [3, 3]);
    assertArrayClose(outputs(ra).outputs[0]!.data, unbatched(a[0]!).flat(), 1e-6);
    assertArrayClose(
      outputs(rb).outputs[0]!.data,
      b.flatMap((row) => unbatched(row).flat()),
      1e-6,
    );
    const metrics = (await server.metrics.inject({ method: 'GET', url: '/metrics?name[]=nodetorch_batch_size' })).body;
    assert.match(metrics, /^nodetorch_batch_size_sum\{model_name="mlp",model_version="1\.0"\} 2$/m, 'one batch of the two requests');
  });
});

test('batching: a request alone in a batch of 3 waits the whole max_batch_delay; batch size 1 does not wait', async () => {
  await withServer({ loadModels: ['mlp=mlp.pt'], batchSize: 3, maxBatchDelay: 400 }, async (server) => {
    const started = Date.now();
    assert.equal((await post(server, '/predictions/mlp', { data: [1, 1, 1, 1] })).statusCode, 200);
    assert.ok(Date.now() - started >= 390, `waited ${Date.now() - started} ms`);
  });
  await withServer({ loadModels: ['mlp=mlp.pt'], batchSize: 1, maxBatchDelay: 20_000 }, async (server) => {
    const started = Date.now();
    assert.equal((await post(server, '/predictions/mlp', { data: [1, 1, 1, 1] })).statusCode, 200);
    assert.ok(Date.now() - started < 10_000, 'batch size 1 never waits for the 20 s delay');
  });
});

test("a full queue answers 503 with TorchServe's message (429 when configured); the queue drains and serves again", async () => {
  for (const status of [503, 429] as const) {
    await withServer({ jobQueueSize: 2, queueFullStatus: status, handlers: { slow: slowHandler(300) } }, async (server) => {
      await server.models.register({ url: 'mlp.pt', handler: 'slow', initialWorkers: 1 });
      const runner = server.models.registry.get('mlp').runner!;
      const first = post(server, '/predictions/mlp', { data: [1, 2, 3, 4] });
      await until(() => runner.pending === 0 && runner.describeWorkers().some((w) => w.busy)); // the worker has taken it
      const queued = [post(server, '/predictions/mlp', { data: [1, 2, 3, 4] }), post(server, '/predictions/mlp', { data: [1, 2, 3, 4] })];
      await until(() => runner.pending === 2);
      const refused = await post(server, '/predictions/mlp', { data: [1, 2, 3, 4] });
      assert.equal(refused.statusCode, status);
      assert.deepEqual(body(refused), {
        code: status,
        type: 'ServiceUnavailableException',
        message: 'Model "mlp" has no worker to serve inference request. Please use scale workers API to add workers.',
      });
      for (const answer of await Promise.all([first, ...queued])) assert.equal(answer.statusCode, 200);
      assert.equal((await post(server, '/predictions/mlp', { data: [1, 2, 3, 4] })).statusCode, 200);
    });
  }
});

test('a request not answered within the response timeout gets 408; later requests are served', async () => {
  await withServer({ handlers: { slow: slowHandler(1400) } }, async (server) => {
    await server.models.register({ url: 'mlp.pt', handler: 'slow', initialWorkers: 1, responseTimeout: 1 });
    const late = await post(server, '/predictions/mlp', { data: [1, 2, 3, 4] });
    assert.equal(late.statusCode, 408);
    assert.deepEqual(body(late), {
      code: 408,
      type: 'RequestTimeoutException',
      message: 'Model "mlp" did not answer within its response timeout of 1 s',
    });
    await server.models.drain();
    assert.equal(torch.memory().liveTensors >= 0, true);
  });
});

test('workers are how many forwards run at once: 2 slow requests take twice as long on 1 worker as on 2', async () => {
  await withServer({ handlers: { slow: slowHandler(1000) } }, async (server) => {
    await server.models.register({ url: 'mlp.pt', handler: 'slow', initialWorkers: 1 });
    const time = async () => {
      const started = Date.now();
      const answers = await Promise.all([1, 2].map(() => post(server, '/predictions/mlp', { data: [1, 2, 3, 4] })));
      for (const answer of answers) assert.equal(answer.statusCode, 200);
      return Date.now() - started;
    };
    const one = await time();
    const scaled = await server.management.inject({ method: 'PUT', url: '/models/mlp?min_worker=2&synchronous=true' });
    assert.equal(scaled.statusCode, 200);
    const two = await time();
    assert.ok(one >= 1990, `1 worker: ${one} ms`);
    assert.ok(two < 1900, `2 workers: ${two} ms`);
  });
});

test('inference runs off the event loop: /ping answers while a long forward runs', async () => {
  const dir = scratch();
  class Heavy extends torch.nn.Module {
    weight = this.registerBuffer('weight', torch.randn([256, 256]).div(16));
    forward(x: torch.Tensor): torch.Tensor {
      let y = x;
      for (let i = 0; i < 300; i++) y = y.matmul(this.weight).tanh();
      return y;
    }
  }
  const heavy = new Heavy().eval();
  const traced = torch.jit.trace(heavy, torch.randn([2, 256]), { inputNames: ['x'], outputNames: ['y'], checkTrace: false });
  await traced.save(path.join(dir, 'heavy.pt'));
  const server = await torch.serve.createServer({ modelStore: dir, loadModels: ['heavy=heavy.pt'] });
  try {
    const input = { inputs: [{ name: 'x', shape: [512, 256], datatype: 'FP32', data: Array(512 * 256).fill(0.01) }] };
    let inferDone = 0;
    const infer = post(server, '/v2/models/heavy/infer', input).then((r) => {
      inferDone = Date.now();
      return r;
    });
    await sleep(30);
    const ping = await server.inference.inject({ method: 'GET', url: '/ping' });
    const pingDone = Date.now();
    assert.equal(ping.statusCode, 200);
    assert.equal((await infer).statusCode, 200);
    assert.ok(pingDone < inferDone, `ping answered ${inferDone - pingDone} ms before the forward finished`);
  } finally {
    await server.close();
  }
});

test('a handler that fails answers 503 "Prediction failed"; the server keeps serving', async () => {
  await withServer({ loadModels: ['mlp=mlp.pt'], handlers: { failing: failingHandler } }, async (server) => {
    await server.models.register({ url: 'mlp.pt', modelName: 'broken', handler: 'failing', initialWorkers: 1 });
    const failed = await post(server, '/predictions/broken', { data: [1, 2, 3, 4] });
    assert.equal(failed.statusCode, 503);
    assert.deepEqual(body(failed), { code: 503, type: 'InternalServerException', message: 'Prediction failed' });
    assert.equal((await post(server, '/predictions/mlp', { data: [1, 2, 3, 4] })).statusCode, 200);
  });
});

test.run();
