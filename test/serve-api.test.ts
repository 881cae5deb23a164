// The inference server's routes through Fastify's inject: TorchServe's inference and management
// APIs, KServe v2 and the metrics families, with bodies, status codes and messages as
// /work/shared/SERVING.md gives them; bad input answered with the protocol's error, after which
// the server keeps serving.
import { suite } from 'uvu';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as torch from '../lib/index.ts';
import type { InjectOptions } from 'fastify';
import type { InferenceServer } from '../lib/serve/index.ts';
import { assertArrayClose } from './helpers.ts';
import { saveTraced, scratch, smallMlp } from './serve-helpers.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const model = smallMlp(1);
const expected = (rows: number[][]) => model.forward(torch.tensor(rows, { dtype: 'float32' })).toArray() as number[][];
const store = scratch();
await saveTraced(model, store, 'mlp.pt');
for (const copy of ['alpha.pt', 'beta.pt', 'gamma.pt']) copyFileSync(path.join(store, 'mlp.pt'), path.join(store, copy));

let server: InferenceServer;
const inject = (app: 'inference' | 'management' | 'metrics', options: InjectOptions) => server[app].inject(options);
const json = (response: { body: string }) => JSON.parse(response.body) as Record<string, unknown>;
const torchServeError = (response: { statusCode: number; body: string }, code: number, type: string, message: string | RegExp) => {
  assert.equal(response.statusCode, code, response.body);
  const body = json(response);
  assert.equal(body.code, code);
  assert.equal(body.type, type);
  if (typeof message === 'string') assert.equal(body.message, message);
  else assert.match(body.message as string, message);
  assert.ok(response.body.includes('\n  "code"'), 'pretty-printed as TorchServe prints it');
};

const Inference = suite('inference API');
Inference.before(async () => {
  server = await torch.serve.createServer({ modelStore: store, loadModels: ['mlp=mlp.pt'] });
});
Inference.after(() => server.close());

Inference('/ping, the API description, 404 and 405, each with an x-request-id', async () => {
  const ping = await inject('inference', { method: 'GET', url: '/ping' });
  assert.equal(ping.statusCode, 200);
  assert.deepEqual(json(ping), { status: 'Healthy' });
  const description = await inject('inference', { method: 'OPTIONS', url: '/' });
  assert.equal(description.statusCode, 200);
  const document = json(description) as { openapi: string; paths: Record<string, unknown> };
  assert.match(document.openapi, /^3\./);
  for (const route of ['/ping', '/predictions/{model_name}', '/v2/models/{model_name}/infer']) assert.ok(route in document.paths, route);
  assert.deepEqual(json(await inject('inference', { method: 'GET', url: '/api-description' })), document);
  const root = await inject('inference', { method: 'GET', url: '/' });
  torchServeError(root, 405, 'MethodNotAllowedException', 'Requested method is not allowed, please refer to API document.');
  const missing = await inject('inference', { method: 'GET', url: '/no/such/route' });
  torchServeError(missing, 404, 'ResourceNotFoundException', 'Requested resource is not found, please refer to API document.');
  const ids = [ping, description, root, missing].map((r) => r.headers['x-request-id'] as string);
  for (const id of ids) assert.match(id, UUID);
  assert.equal(new Set(ids).size, ids.length, 'a new id per request');
});

Inference('/predictions: one sample, a batch of rows, a version, unknown model and version', async () => {
  const one = await inject('inference', { method: 'POST', url: '/predictions/mlp', payload: { data: [1, 2, 3, 4] } });
  assert.equal(one.statusCode, 200, one.body);
  assert.match(one.headers['x-request-id'] as string, UUID);
  assertArrayClose(json(one) as unknown as number[], expected([[1, 2, 3, 4]])[0]!, 1e-6);
  const rows = [
    [1, 0, 0, 0],
    [0, -1, 2, 0.5],
  ];
  const batch = await inject('inference', { method: 'POST', url: '/predictions/mlp/1.0', payload: rows });
  assertArrayClose(json(batch) as unknown as number[][], expected(rows), 1e-6);
  const forms = [
    { payload: '{"data": [1, 2, 3, 4]}', type: 'application/x-www-form-urlencoded' }, // curl -d @x.json
    { payload: `data=${encodeURIComponent('[1, 2, 3, 4]')}`, type: 'application/x-www-form-urlencoded' },
    { payload: Buffer.from('{"data": [1, 2, 3, 4]}'), type: undefined }, // curl -T x.json: no content type
  ];
  for (const { payload, type } of forms) {
    const answer = await inject('inference', {
      method: 'POST',
      url: '/predictions/mlp',
      payload,
      headers: type ? { 'content-type': type } : {},
    });
    assert.equal(answer.statusCode, 200, `${type}: ${answer.body}`);
    assertArrayClose(json(answer) as unknown as number[], expected([[1, 2, 3, 4]])[0]!, 1e-6);
  }
  const noModel = await inject('inference', { method: 'POST', url: '/predictions/nope', payload: { data: [1] } });
  torchServeError(noModel, 404, 'ModelNotFoundException', 'Model not found: nope');
  const noVersion = await inject('inference', { method: 'POST', url: '/predictions/mlp/9.9', payload: { data: [1] } });
  torchServeError(noVersion, 404, 'ModelVersionNotFoundException', 'Model version: 9.9 does not exist for model: mlp');
  const get = await inject('inference', { method: 'GET', url: '/predictions/mlp' });
  torchServeError(get, 405, 'MethodNotAllowedException', 'Requested method is not allowed, please refer to API document.');
});

Inference('/predictions: bad input gets 400 naming the problem, and the server keeps serving', async () => {
  const cases: [unknown, string | undefined, RegExp][] = [
    ['{"data": [1, 2', 'application/json', /the body is not valid JSON/],
    [{ data: [1, 2, 3] }, undefined, /data has shape \[3\]; the model takes \[-1,4\]/],
    [{ data: [[1, 2, 3, 4], [1]] }, undefined, /data is ragged/],
    [{ data: ['a', 2, 3, 4] }, undefined, /data\[0\] must be a number, got "a"/],
    [{ data: 5 }, undefined, /send \{"data": \[\.\.\.\]\}/],
    ['', 'application/json', /the request has no input/],
  ];
  for (const [payload, contentType, message] of cases) {
    const response = await inject('inference', {
      method: 'POST',
      url: '/predictions/mlp',
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      headers: { 'content-type': contentType ?? 'application/json' },
    });
    torchServeError(response, 400, 'BadRequestException', message);
  }
  const after = await inject('inference', { method: 'POST', url: '/predictions/mlp', payload: { data: [4, 3, 2, 1] } });
  assertArrayClose(json(after) as unknown as number[], expected([[4, 3, 2, 1]])[0]!, 1e-6);
});

Inference('KServe v2: health, server and model metadata from the traced signature, readiness', async () => {
  assert.deepEqual(json(await inject('inference', { method: 'GET', url: '/v2/health/live' })), { live: true });
  assert.deepEqual(json(await inject('inference', { method: 'GET', url: '/v2/health/ready' })), { ready: true });
  const meta = json(await inject('inference', { method: 'GET', url: '/v2' }));
  assert.equal(meta.name, 'nodetorch');
  assert.equal(typeof meta.version, 'string');
  assert.deepEqual(meta.extensions, ['binary_tensor_data'], "Triton's name for the binary tensor data extension");
  const modelMeta = {
    name: 'mlp',
    versions: ['1.0'],
    platform: 'pytorch_torchscript',
    inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }],
    outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 3] }],
  };
  assert.deepEqual(json(await inject('inference', { method: 'GET', url: '/v2/models/mlp' })), modelMeta);
  assert.deepEqual(json(await inject('inference', { method: 'GET', url: '/v2/models/mlp/versions/1.0' })), modelMeta);
  const ready = await inject('inference', { method: 'GET', url: '/v2/models/mlp/ready' });
  assert.equal(ready.statusCode, 200);
  assert.deepEqual(json(ready), { name: 'mlp', ready: true });
  const unknown = await inject('inference', { method: 'GET', url: '/v2/models/nope' });
  assert.equal(unknown.statusCode, 404);
  assert.deepEqual(json(unknown), { error: 'Model not found: nope' });
  const noRoute = await inject('inference', { method: 'GET', url: '/v2/nothing' });
  assert.equal(noRoute.statusCode, 404);
  assert.ok('error' in json(noRoute), 'v2 errors are {"error": ...}');
});

Inference('KServe v2 infer: values, the id echoed, nested or flat data, outputs named in the request', async () => {
  const rows = [
    [1, 2, 3, 4],
    [-1, 0, 1, 0],
  ];
  const infer = (body: unknown, url = '/v2/models/mlp/infer') => inject('inference', { method: 'POST', url, payload: body as object });
  const response = await infer({ id: 'req-7', inputs: [{ name: 'x', shape: [2, 4], datatype: 'FP32', data: rows }] });
  assert.equal(response.statusCode, 200, response.body);
  const body = json(response) as {
    model_name: string;
    model_version: string;
    id: string;
    outputs: { name: string; datatype: string; shape: number[]; data: number[] }[];
  };
  assert.equal(body.model_name, 'mlp');
  assert.equal(body.model_version, '1.0');
  assert.equal(body.id, 'req-7');
  assert.equal(body.outputs.length, 1);
  assert.deepEqual({ ...body.outputs[0], data: undefined }, { name: 'y', datatype: 'FP32', shape: [2, 3], data: undefined });
  assertArrayClose(body.outputs[0]!.data, expected(rows).flat(), 1e-6);
  const flat = json(
    await infer({ inputs: [{ name: 'x', shape: [2, 4], datatype: 'FP32', data: rows.flat() }] }, '/v2/models/mlp/versions/1.0/infer'),
  );
  assert.deepEqual((flat as typeof body).outputs, body.outputs, 'flat data equals nested data');
  assert.equal('id' in flat, false, 'no id when the request has none');
  const named = json(await infer({ inputs: [{ name: 'x', shape: [2, 4], datatype: 'FP32', data: rows }], outputs: [{ name: 'y' }] }));
  assert.deepEqual((named as typeof body).outputs, body.outputs);
});

Inference('KServe v2 infer: bad requests are 400 {"error"} naming the problem; the server keeps serving', async () => {
  const x = (over: Record<string, unknown>) => ({ inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4], ...over }] });
  const cases: [unknown, RegExp][] = [
    ['{"inputs": [', /not valid JSON/],
    [{}, /"inputs" must be a non-empty array/],
    [x({ datatype: 'FP64' }), /input 'x' has datatype FP64; the model takes FP32/],
    [x({ datatype: 'FLOAT' }), /unknown datatype 'FLOAT'/],
    [x({ datatype: 'BYTES' }), /input 'x' data\[0\] must be a string for BYTES, got 1/],
    [x({ datatype: 'UINT16' }), /input 'x' has datatype UINT16 \(held as int32\); the model takes FP32/],
    [x({ shape: [1, 5], data: [1, 2, 3, 4, 5] }), /input 'x' has shape \[1,5\]; the model takes \[-1,4\]/],
    [x({ shape: [2, 4] }), /input 'x' has 4 values in data; shape \[2,4\] holds 8/],
    [x({ data: [1, 2, 'three', 4] }), /data\[2\] must be a number, got "three"/],
    [x({ name: 'images' }), /unexpected input 'images': the model's inputs are 'x'/],
    [{ ...x({}), outputs: [{ name: 'z' }] }, /unknown output 'z'/],
    [x({ shape: 'big' }), /shape must be an array of non-negative integers/],
    [{ inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32' }] }, /inputs\[0\]\.data is missing/],
  ];
  for (const [payload, message] of cases) {
    const response = await inject('inference', {
      method: 'POST',
      url: '/v2/models/mlp/infer',
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(response.statusCode, 400, `${JSON.stringify(payload)}: ${response.body}`);
    assert.match((json(response) as { error: string }).error, message);
  }
  const unknown = await inject('inference', { method: 'POST', url: '/v2/models/nope/infer', payload: x({}) });
  assert.equal(unknown.statusCode, 404);
  assert.deepEqual(json(unknown), { error: 'Model not found: nope' });
  const good = await inject('inference', { method: 'POST', url: '/v2/models/mlp/infer', payload: x({}) });
  assert.equal(good.statusCode, 200);
});

Inference('KServe v2 infer with the binary tensor data extension, as tritonclient sends it', async () => {
  const rows = [
    [1, 2, 3, 4],
    [-1, 0, 1, 0.5],
  ];
  // The JSON part, then the input's float32 bytes; the header gives the JSON part's length.
  const request = (header: object, binary: Buffer, extra: Record<string, string> = {}, length?: number) => {
    const json = Buffer.from(JSON.stringify(header));
    return inject('inference', {
      method: 'POST',
      url: '/v2/models/mlp/infer',
      payload: Buffer.concat([json, binary]),
      headers: { 'inference-header-content-length': String(length ?? json.length), ...extra },
    });
  };
  const x = Buffer.from(new Float32Array(rows.flat()).buffer);
  const binaryInput = { name: 'x', shape: [2, 4], datatype: 'FP32', parameters: { binary_data_size: x.length } };
  const response = await request({ id: 'b-1', inputs: [binaryInput], outputs: [{ name: 'y', parameters: { binary_data: true } }] }, x, {
    'content-type': 'application/octet-stream',
  });
  assert.equal(response.statusCode, 200, response.body);
  assert.equal(response.headers['content-type'], 'application/octet-stream');
  const jsonLength = Number(response.headers['inference-header-content-length']);
  const raw = response.rawPayload;
  const head = JSON.parse(Buffer.from(raw.subarray(0, jsonLength)).toString('utf8')) as {
    id: string;
    outputs: { name: string; datatype: string; shape: number[]; parameters: { binary_data_size: number }; data?: unknown }[];
  };
  assert.equal(head.id, 'b-1');
  assert.deepEqual(head.outputs, [{ name: 'y', datatype: 'FP32', shape: [2, 3], parameters: { binary_data_size: 24 } }]);
  assert.equal(raw.length, jsonLength + 24, 'the output bytes follow the JSON');
  const y = new Float32Array(raw.buffer.slice(raw.byteOffset + jsonLength, raw.byteOffset + raw.length));
  assertArrayClose([...y], expected(rows).flat(), 1e-6);

  // Binary in, JSON out (no binary output asked for): a plain JSON answer; no content type at all.
  const jsonOut = await request({ inputs: [binaryInput] }, x);
  assert.equal(jsonOut.statusCode, 200, jsonOut.body);
  assert.equal(jsonOut.headers['inference-header-content-length'], undefined);
  assertArrayClose((json(jsonOut) as { outputs: { data: number[] }[] }).outputs[0]!.data, expected(rows).flat(), 1e-6);
  // JSON in, every output binary by the request's binary_data_output.
  const allBinary = await inject('inference', {
    method: 'POST',
    url: '/v2/models/mlp/infer',
    payload: { inputs: [{ name: 'x', shape: [2, 4], datatype: 'FP32', data: rows }], parameters: { binary_data_output: true } },
  });
  assert.equal(allBinary.statusCode, 200, allBinary.body);
  assert.equal(allBinary.rawPayload.length, Number(allBinary.headers['inference-header-content-length']) + 24);

  const bad: [Promise<{ statusCode: number; body: string }>, RegExp][] = [
    [
      request({ inputs: [binaryInput] }, x.subarray(0, 16)),
      /binary data after the JSON holds 16 bytes; the inputs' binary_data_size add up to 32/,
    ],
    [
      request({ inputs: [{ ...binaryInput, parameters: { binary_data_size: 16 } }] }, x.subarray(0, 16)),
      /input 'x' has 16 bytes of binary data; shape \[2,4\] of float32 takes 32/,
    ],
    [request({ inputs: [{ ...binaryInput, data: rows.flat() }] }, x), /inputs\[0\] gives both data and parameters.binary_data_size/],
    [request({ inputs: [{ ...binaryInput, parameters: { binary_data_size: -1 } }] }, x), /binary_data_size must be a byte count, got -1/],
    [request({ inputs: [binaryInput] }, x, {}, 10_000), /Inference-Header-Content-Length is 10000, but the body holds only/],
    [request({ inputs: [binaryInput] }, x, { 'inference-header-content-length': 'lots' }), /must be a byte count, got 'lots'/],
    [request({ inputs: [binaryInput] }, x, {}, 5), /not valid JSON/],
    [
      request({ inputs: [binaryInput], outputs: [{ name: 'y', parameters: { binary_data: 'yes' } }] }, x),
      /outputs\[0\]\.parameters\.binary_data must be true or false/,
    ],
    [
      inject('inference', { method: 'POST', url: '/v2/models/mlp/infer', payload: { inputs: [binaryInput] } }),
      /input 'x' gives parameters.binary_data_size, but the request has no Inference-Header-Content-Length header/,
    ],
  ];
  for (const [pending, message] of bad) {
    const answer = await pending;
    assert.equal(answer.statusCode, 400, answer.body);
    assert.match((json(answer) as { error: string }).error, message);
  }
  assert.equal((await request({ inputs: [binaryInput] }, x)).statusCode, 200, 'still serving');
});

Inference('KServe v1 predict: instances in, predictions out', async () => {
  const rows = [[0.5, 0.5, 0.5, 0.5]];
  const response = await inject('inference', { method: 'POST', url: '/v1/models/mlp:predict', payload: { instances: rows } });
  assert.equal(response.statusCode, 200, response.body);
  assertArrayClose((json(response) as { predictions: number[][] }).predictions, expected(rows), 1e-6);
  const bad = await inject('inference', { method: 'POST', url: '/v1/models/mlp:predict', payload: { instances: [] } });
  torchServeError(bad, 400, 'BadRequestException', '"instances" must be a non-empty array');
});

Inference.run();

const Management = suite('management API');
Management.before(async () => {
  server = await torch.serve.createServer({ modelStore: store, loadModels: ['mlp=mlp.pt'], jobQueueSize: 7 });
});
Management.after(() => server.close());

Management('register from the store: sync, async, conflicts, missing url or file, paths out of the store', async () => {
  const register = (query: string) => inject('management', { method: 'POST', url: `/models?${query}` });
  const sync = await register('url=alpha.pt&initial_workers=1&synchronous=true');
  assert.equal(sync.statusCode, 200, sync.body);
  assert.deepEqual(json(sync), { status: 'Model "alpha" Version: 1.0 registered with 1 initial workers' });
  const none = await register('url=beta.pt');
  assert.deepEqual(json(none), {
    status: 'Model "beta" Version: 1.0 registered with 0 initial workers. Use scale workers API to add workers for the model.',
  });
  const later = await register('url=gamma.pt&synchronous=false&initial_workers=1');
  assert.equal(later.statusCode, 202);
  assert.deepEqual(json(later), { status: 'Processing worker updates...' });
  const body = await inject('management', {
    method: 'POST',
    url: '/models',
    payload: { url: 'mlp.pt', model_name: 'delta', batch_size: 2 },
  });
  assert.equal(body.statusCode, 200, 'the same keys as a JSON body');
  const conflict = await register('url=alpha.pt');
  assert.equal(conflict.statusCode, 409);
  assert.equal(json(conflict).message, 'Model version 1.0 is already registered for model alpha');
  torchServeError(await register('model_name=x'), 400, 'BadRequestException', 'Parameter url is required.');
  torchServeError(await register('url=missing.pt'), 404, 'ModelNotFoundException', 'Model not found in model store: missing.pt');
  for (const escape of ['../mlp.pt', '/etc/passwd', 'sub/../../x.pt'])
    torchServeError(
      await register(`url=${encodeURIComponent(escape)}`),
      400,
      'BadRequestException',
      `Relative path is not allowed in url: ${escape}`,
    );
  torchServeError(
    await register(`url=${encodeURIComponent('https://example.com/m.mar')}`),
    400,
    'BadRequestException',
    'Given URL https://example.com/m.mar does not match any allowed URL(s)',
  );
  torchServeError(
    await register('url=alpha.pt&model_name=other&batch_size=zero'),
    400,
    'BadRequestException',
    /batch_size must be an integer/,
  );
  await server.models.drain();
});

Management('list with pagination, sorted by name; limits above 100 or below 0 become 100', async () => {
  const list = async (query = '') => json(await inject('management', { method: 'GET', url: `/models${query}` }));
  const all = await list();
  assert.deepEqual(
    (all.models as { modelName: string }[]).map((m) => m.modelName),
    ['alpha', 'beta', 'delta', 'gamma', 'mlp'],
  );
  assert.equal('nextPageToken' in all, false, 'no token on the last page');
  assert.deepEqual((all.models as { modelUrl: string }[])[0], { modelName: 'alpha', modelUrl: 'alpha.pt' });
  const first = await list('?limit=2');
  assert.equal(first.nextPageToken, '2');
  assert.deepEqual(
    (first.models as { modelName: string }[]).map((m) => m.modelName),
    ['alpha', 'beta'],
  );
  const last = await list('?limit=2&next_page_token=4');
  assert.deepEqual(
    (last.models as { modelName: string }[]).map((m) => m.modelName),
    ['mlp'],
  );
  assert.equal('nextPageToken' in last, false);
  assert.equal(((await list('?limit=1000')).models as unknown[]).length, 5);
  assert.equal(((await list('?limit=-3')).models as unknown[]).length, 5);
});

Management('describe, scale (sync, async, max < min), set-default, unregister, 403 and 405', async () => {
  const describe = async (url: string) =>
    JSON.parse((await inject('management', { method: 'GET', url })).body) as Record<string, unknown>[];
  const [mlp] = await describe('/models/mlp');
  assert.deepEqual(Object.keys(mlp!).sort(), [
    'batchSize',
    'handler',
    'jobQueueStatus',
    'loadedAtStartup',
    'maxBatchDelay',
    'maxWorkers',
    'minWorkers',
    'modelName',
    'modelUrl',
    'modelVersion',
    'responseTimeout',
    'runtime',
    'status',
    'workers',
  ]);
  assert.equal(mlp!.loadedAtStartup, true);
  assert.equal(mlp!.minWorkers, 1);
  assert.deepEqual(mlp!.jobQueueStatus, { remainingCapacity: 7, pendingRequests: 0 });
  const [worker] = mlp!.workers as Record<string, unknown>[];
  assert.equal(worker!.status, 'READY');
  assert.equal(worker!.pid, process.pid);
  const scaled = await inject('management', { method: 'PUT', url: '/models/mlp?min_worker=3&synchronous=true' });
  assert.deepEqual(json(scaled), { status: 'Workers scaled to 3 for model: mlp' });
  assert.equal(((await describe('/models/mlp'))[0]!.workers as unknown[]).length, 3);
  const versioned = await inject('management', { method: 'PUT', url: '/models/mlp/1.0?min_worker=2&synchronous=true' });
  assert.deepEqual(json(versioned), { status: 'Workers scaled to 2 for model: mlp, version: 1.0' });
  const async = await inject('management', { method: 'PUT', url: '/models/mlp?min_worker=1' });
  assert.equal(async.statusCode, 202);
  assert.deepEqual(json(async), { status: 'Processing worker updates...' });
  torchServeError(
    await inject('management', { method: 'PUT', url: '/models/mlp?min_worker=3&max_worker=2' }),
    400,
    'BadRequestException',
    'max_worker cannot be less than min_worker.',
  );
  torchServeError(
    await inject('management', { method: 'PUT', url: '/models/nope?min_worker=1' }),
    404,
    'ModelNotFoundException',
    'Model not found: nope',
  );

  // A second version of mlp, then the default moves to it.
  const v2 = await inject('management', { method: 'POST', url: '/models?url=alpha.pt&model_name=mlp&model_version=2.0&initial_workers=1' });
  assert.equal(v2.statusCode, 200, v2.body);
  assert.deepEqual(
    (await describe('/models/mlp/all')).map((m) => m.modelVersion),
    ['1.0', '2.0'],
  );
  assert.equal((await describe('/models/mlp/2.0'))[0]!.modelVersion, '2.0');
  const noDefault = await inject('management', { method: 'DELETE', url: '/models/mlp' });
  torchServeError(noDefault, 403, 'InvalidModelVersionException', 'Cannot remove default version 1.0 for model mlp');
  const setDefault = await inject('management', { method: 'PUT', url: '/models/mlp/2.0/set-default' });
  assert.deepEqual(json(setDefault), { status: 'Default version successfully updated for model "mlp" to "2.0"' });
  assert.equal((await describe('/models/mlp'))[0]!.modelVersion, '2.0');
  torchServeError(
    await inject('management', { method: 'PUT', url: '/models/mlp/3.0/set-default' }),
    404,
    'ModelVersionNotFoundException',
    'Model version: 3.0 does not exist for model: mlp',
  );
  const removed = await inject('management', { method: 'DELETE', url: '/models/mlp/1.0' });
  assert.deepEqual(json(removed), { status: 'Model "mlp" unregistered' });
  const predicted = await inject('inference', { method: 'POST', url: '/predictions/mlp', payload: { data: [1, 2, 3, 4] } });
  assert.equal(predicted.statusCode, 200, 'the remaining version still answers');
  assert.deepEqual(json(await inject('management', { method: 'DELETE', url: '/models/alpha' })), { status: 'Model "alpha" unregistered' });
  torchServeError(
    await inject('management', { method: 'DELETE', url: '/models/alpha' }),
    404,
    'ModelNotFoundException',
    'Model not found: alpha',
  );
  torchServeError(
    await inject('management', { method: 'PUT', url: '/models' }),
    405,
    'MethodNotAllowedException',
    'Requested method is not allowed, please refer to API document.',
  );
  const doc = json(await inject('management', { method: 'OPTIONS', url: '/' })) as { openapi: string; paths: Record<string, unknown> };
  assert.match(doc.openapi, /^3\./);
  assert.ok('/models/{model_name}/{model_version}/set-default' in doc.paths);
});

Management('a model without workers answers 503 with TorchServe message', async () => {
  const response = await inject('inference', { method: 'POST', url: '/predictions/beta', payload: { data: [1, 2, 3, 4] } });
  torchServeError(
    response,
    503,
    'ServiceUnavailableException',
    'Model "beta" has no worker to serve inference request. Please use scale workers API to add workers.',
  );
});

Management.run();

const Metrics = suite('metrics');
Metrics.before(async () => {
  server = await torch.serve.createServer({ modelStore: store, loadModels: ['mlp=mlp.pt'] });
});
Metrics.after(() => server.close());

Metrics("TorchServe's families with their labels, histograms, gauges, process and native memory; name[] filters", async () => {
  for (let i = 0; i < 3; i++) await inject('inference', { method: 'POST', url: '/predictions/mlp', payload: { data: [i, 1, 2, 3] } });
  await inject('inference', { method: 'POST', url: '/predictions/mlp/1.0', payload: { data: [0, 1, 2, 3] } });
  const response = await inject('metrics', { method: 'GET', url: '/metrics' });
  assert.equal(response.statusCode, 200);
  assert.match(response.headers['content-type'] as string, /text\/plain; version=0\.0\.4/);
  const text = response.body;
  assert.match(text, /^ts_inference_requests_total\{model_name="mlp",model_version="default",hostname="[^"]+"\} 3$/m);
  assert.match(text, /^ts_inference_requests_total\{model_name="mlp",model_version="1\.0",hostname="[^"]+"\} 1$/m);
  assert.match(text, /^ts_inference_latency_microseconds\{model_name="mlp",model_version="default",hostname="[^"]+"\} [0-9.e+]+$/m);
  assert.match(text, /^ts_queue_latency_microseconds\{model_name="mlp",model_version="default",hostname="[^"]+"\} [0-9.e+]+$/m);
  assert.match(text, /^nodetorch_inference_latency_seconds_count\{model_name="mlp",model_version="default"\} 3$/m);
  for (const version of ['default', '1.0']) {
    const labels = `\\{model_name="mlp",model_version="${version.replace('.', '\\.')}"\\}`;
    const value = (family: string) => Number(new RegExp(`^${family}${labels} (\\S+)$`, 'm').exec(text)?.[1]);
    const [sum, count] = [value('nodetorch_inference_latency_seconds_sum'), value('nodetorch_inference_latency_seconds_count')];
    const mean = value('nodetorch_inference_latency_mean_microseconds');
    assert.ok(sum > 0 && count === (version === 'default' ? 3 : 1), `${version}: histogram sum ${sum}, count ${count}`);
    assert.ok(Math.abs(mean - (sum / count) * 1e6) <= 1e-9 * mean, `${version}: mean ${mean} µs is the histogram's sum / count`);
  }
  assert.match(text, /^nodetorch_batch_size_bucket\{le="1",model_name="mlp",model_version="1\.0"\} 4$/m);
  assert.match(text, /^nodetorch_queue_depth\{model_name="mlp",model_version="1\.0"\} 0$/m);
  assert.match(text, /^nodetorch_workers\{model_name="mlp",model_version="1\.0"\} 1$/m);
  assert.match(text, /^nodetorch_model_load_time_seconds\{model_name="mlp",model_version="1\.0"\} [0-9.e-]+$/m);
  assert.match(text, /^nodetorch_native_memory_bytes\{kind="storages"\} [1-9][0-9]*$/m);
  assert.match(text, /^process_cpu_seconds_total [0-9.e-]+$/m);
  assert.match(text, /^process_resident_memory_bytes [1-9][0-9]*$/m);
  const filtered = await inject('metrics', {
    method: 'GET',
    url: '/metrics?name[]=ts_inference_requests_total&name[]=nodetorch_workers&name[]=unknown',
  });
  const families = [...filtered.body.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]);
  assert.deepEqual(families, ['ts_inference_requests_total', 'nodetorch_workers']);
  const one = await inject('metrics', { method: 'GET', url: '/metrics?name[]=ts_queue_latency_microseconds' });
  assert.deepEqual(
    [...one.body.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]),
    ['ts_queue_latency_microseconds'],
  );
});

Metrics.run();

const Limits = suite('limits and auth');
Limits('413 above max_request_size, TorchServe error body; smaller bodies still served', async () => {
  const small = await torch.serve.createServer({ modelStore: store, loadModels: ['mlp=mlp.pt'], maxRequestSize: 200 });
  try {
    const big = await small.inference.inject({
      method: 'POST',
      url: '/predictions/mlp',
      payload: JSON.stringify({ data: Array(100).fill([1, 2, 3, 4]) }),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(big.statusCode, 413);
    assert.deepEqual(JSON.parse(big.body), {
      code: 413,
      type: 'RequestEntityTooLargeException',
      message: 'Request body is larger than max_request_size (200 bytes)',
    });
    assert.match(big.headers['x-request-id'] as string, UUID);
    const ok = await small.inference.inject({ method: 'POST', url: '/predictions/mlp', payload: { data: [1, 2, 3, 4] } });
    assert.equal(ok.statusCode, 200);
  } finally {
    await small.close();
  }
});

Limits("token authorization: TorchServe's key file and Bearer header, probes open", async () => {
  const keyFile = path.join(scratch(), 'key_file.json');
  const secured = await torch.serve.createServer({
    modelStore: store,
    loadModels: ['mlp=mlp.pt'],
    disableTokenAuthorization: false,
    keyFile,
  });
  try {
    const keys = secured.keys!;
    const predict = (authorization?: string) =>
      secured.inference.inject({
        method: 'POST',
        url: '/predictions/mlp',
        payload: { data: [1, 2, 3, 4] },
        headers: authorization ? { authorization } : {},
      });
    for (const refused of [await predict(), await predict(`Bearer ${keys.management.key}`), await predict('Bearer nope')]) {
      assert.equal(refused.statusCode, 400);
      assert.deepEqual(JSON.parse(refused.body), {
        code: 400,
        type: 'InvalidKeyException',
        message: 'Token Authorization failed. Token either incorrect, expired, or not provided correctly',
      });
    }
    assert.equal((await predict(`Bearer ${keys.inference.key}`)).statusCode, 200);
    assert.equal((await secured.inference.inject({ method: 'GET', url: '/ping' })).statusCode, 200, '/ping needs no key');
    assert.equal((await secured.inference.inject({ method: 'GET', url: '/v2/health/ready' })).statusCode, 200);
    assert.equal((await secured.inference.inject({ method: 'GET', url: '/v2/models/mlp' })).statusCode, 400);
    const list = (authorization: string) => secured.management.inject({ method: 'GET', url: '/models', headers: { authorization } });
    assert.equal((await list(`Bearer ${keys.inference.key}`)).statusCode, 400);
    assert.equal((await list(`Bearer ${keys.management.key}`)).statusCode, 200);

    // TorchServe's token API: the API key replaces a key; new keys expire after token_expiration_min (60).
    const expiresIn = Date.parse(keys.management['expiration time']!) - Date.now();
    assert.ok(expiresIn > 59 * 60_000 && expiresIn <= 60 * 60_000, `new keys expire in 60 minutes, got ${expiresIn} ms`);
    assert.equal(keys.API['expiration time'], undefined, 'the API key does not expire');
    const token = (type: string, key: string) =>
      secured.management.inject({ method: 'GET', url: `/token?type=${type}`, headers: { authorization: `Bearer ${key}` } });
    assert.equal((await token('management', keys.management.key)).statusCode, 400, 'only the API key regenerates');
    const oldManagement = keys.management.key;
    const oldInference = keys.inference.key;
    const regenerated = await token('management', keys.API.key);
    assert.equal(regenerated.statusCode, 200, regenerated.body);
    const fresh = (JSON.parse(regenerated.body) as { management: { key: string; 'expiration time': string } }).management;
    assert.notEqual(fresh.key, oldManagement);
    assert.ok(Date.parse(fresh['expiration time']) > Date.now());
    assert.equal((await list(`Bearer ${oldManagement}`)).statusCode, 400, 'the old key stops working');
    assert.equal((await list(`Bearer ${fresh.key}`)).statusCode, 200);
    const onDisk = JSON.parse(readFileSync(keyFile, 'utf8')) as { management: { key: string }; inference: { key: string } };
    assert.equal(onDisk.management.key, fresh.key, 'the key file holds the new key');
    assert.equal(onDisk.inference.key, oldInference, 'the other keys are kept');
    const badType = await token('API', keys.API.key);
    assert.equal(badType.statusCode, 400);
    assert.match((JSON.parse(badType.body) as { message: string }).message, /Parameter type must be management or inference, got "API"/);
  } finally {
    await secured.close();
  }
});

Limits.run();
