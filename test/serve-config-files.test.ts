// config.properties on running servers: the per-model `models` JSON (batching, workers, timeout,
// and nodetorch's `signature`), default_workers_per_model, load_models=ALL; stock TorchServe and
// KServe files (gRPC keys, metrics_format, service_envelope, NUM_WORKERS, model_snapshot); and
// `nodetorch serve --ts-config` with TS_* variables (enable_envvars_config=true), --signature and
// --handler. Also x-request-id on management and metrics answers, and v2 version readiness.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import * as torch from '../lib/index.ts';
import { serveSettings } from '../lib/cli/commands/serve.ts';
import { assertArrayClose, readFixture } from './helpers.ts';
import { saveTraced, scratch, smallMlp, startServeCli, writeMar } from './serve-helpers.ts';

const { readConfigFile, resolveConfig, ServeConfigError } = torch.serve;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const expected = readFixture<{ input: number[]; evalOutput: number[] }>('jit/expected.json');
const cnnSignature = {
  inputs: [{ name: 'image', datatype: 'FP32', shape: [-1, 1, 8, 8] }],
  outputs: [{ name: 'scores', datatype: 'FP32', shape: [-1, 3] }],
};
const ports = ['inference_address=http://127.0.0.1:0', 'management_address=http://127.0.0.1:0', 'metrics_address=http://127.0.0.1:0'];

/** A store with the TorchScript file Python saved (no signature), a traced MLP and a copy of it. */
async function makeStore(): Promise<string> {
  const dir = scratch();
  copyFileSync(new URL('./fixtures/jit/cnn.pt', import.meta.url), path.join(dir, 'cnn.pt'));
  await saveTraced(smallMlp(2), dir, 'mlp.pt');
  copyFileSync(path.join(dir, 'mlp.pt'), path.join(dir, 'second.pt'));
  return dir;
}

const getJson = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, id: response.headers.get('x-request-id'), body: await response.json() };
};
type Described = { batchSize: number; maxBatchDelay: number; minWorkers: number; responseTimeout: number; workers: unknown[] };
const describe = async (management: string, name: string) => ((await getJson(`${management}/models/${name}`)).body as Described[])[0]!;
const inferCnn = (inference: string, name: string) =>
  fetch(`${inference}/v2/models/cnn/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: [{ name, shape: [5, 1, 8, 8], datatype: 'FP32', data: expected.input }] }),
  });

test('the models JSON, default_workers_per_model and load_models=ALL on a running server', async () => {
  const dir = await makeStore();
  const models = {
    cnn: { '1.0': { batchSize: 4, maxBatchDelay: 7, minWorkers: 3, responseTimeout: 9, signature: cnnSignature } },
    mlp: { '*': { batchSize: 2 } },
  };
  const file = path.join(dir, 'config.properties');
  writeFileSync(
    file,
    [...ports, `model_store=${dir}`, 'load_models=ALL', 'default_workers_per_model=2', `models=${JSON.stringify(models)}`].join('\n'),
  );
  const server = await torch.serve.createServer(readConfigFile(file, {}));
  try {
    const { inference, management, metrics } = await server.listen();
    const list = await getJson(`${management}/models`);
    assert.deepEqual(
      (list.body as { models: { modelName: string }[] }).models.map((m) => m.modelName),
      ['cnn', 'mlp', 'second'],
      'ALL: every model file in the store',
    );
    const cnn = await describe(management, 'cnn');
    assert.deepEqual([cnn.batchSize, cnn.maxBatchDelay, cnn.minWorkers, cnn.responseTimeout, cnn.workers.length], [4, 7, 3, 9, 3]);
    const mlp = await describe(management, 'mlp');
    assert.deepEqual(
      [mlp.batchSize, mlp.maxBatchDelay, mlp.minWorkers, mlp.workers.length],
      [2, 100, 2, 2],
      "'*' settings, default workers",
    );
    const second = await describe(management, 'second');
    assert.deepEqual([second.batchSize, second.minWorkers], [1, 2]);
    const meta = await getJson(`${inference}/v2/models/cnn`);
    const { inputs, outputs } = meta.body as typeof cnnSignature;
    assert.deepEqual({ inputs, outputs }, cnnSignature, "the config's signature in KServe metadata");
    const answer = await inferCnn(inference, 'image');
    assert.equal(answer.status, 200);
    const output = ((await answer.json()) as { outputs: { name: string; data: number[] }[] }).outputs[0]!;
    assert.equal(output.name, 'scores');
    assertArrayClose(output.data, expected.evalOutput, 1e-5);
    const wrong = await inferCnn(inference, 'input');
    assert.equal(wrong.status, 400, 'input checks use the signature');
    assert.match(((await wrong.json()) as { error: string }).error, /unexpected input 'input': the model's inputs are 'image'/);
    // x-request-id on every listener, errors included; v2 readiness of a version.
    const answers = [list, meta, await getJson(`${management}/models/nope`), await getJson(`${metrics}/nothing`)];
    const scrape = await fetch(`${metrics}/metrics`);
    assert.equal(scrape.status, 200);
    const ids = [...answers.map((a) => a.id), scrape.headers.get('x-request-id')];
    for (const id of ids) assert.match(id ?? '', UUID);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual(await getJson(`${inference}/v2/models/cnn/versions/1.0/ready`).then((r) => [r.status, r.body]), [
      200,
      { name: 'cnn', ready: true },
    ]);
    const otherVersion = await getJson(`${inference}/v2/models/cnn/versions/2.0/ready`);
    assert.deepEqual([otherVersion.status, otherVersion.body], [404, { error: 'Model version: 2.0 does not exist for model: cnn' }]);
  } finally {
    await server.close();
  }
});

/** A port free now (KServe's file gives inference and management one fixed port: 0 would pick two). */
async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

test('a stock KServe config.properties: one listener for inference and management, gRPC and JVM keys ignored with notices, model_snapshot, NUM_WORKERS', async () => {
  const dir = scratch();
  const port = await freePort();
  const traced = await saveTraced(smallMlp(3), dir, 'mlp.pt');
  writeMar(path.join(dir, 'mnist_kf.mar'), readFileSync(traced), { modelName: 'mnist_kf', modelVersion: '1.0' });
  const snapshot = {
    name: 'startup.cfg',
    modelCount: 1,
    models: {
      mnist_kf: {
        '1.0': {
          defaultVersion: true,
          marName: 'mnist_kf.mar',
          minWorkers: 2,
          maxWorkers: 5,
          batchSize: 3,
          maxBatchDelay: 50,
          responseTimeout: 60,
        },
      },
    },
  };
  const lines = [
    `inference_address=http://127.0.0.1:${port}`,
    `management_address=http://127.0.0.1:${port}`,
    'metrics_address=http://127.0.0.1:0',
    'grpc_inference_port=7070',
    'grpc_management_port=7071',
    'enable_grpc=true',
    'enable_envvars_config=true',
    'install_py_dep_per_model=true',
    'enable_metrics_api=true',
    'metrics_format=prometheus',
    'NUM_WORKERS=1',
    'number_of_netty_threads=4',
    'job_queue_size=10',
    `model_store=${dir}`,
    `model_snapshot=${JSON.stringify(snapshot)}`,
  ];
  const notices: string[] = [];
  const config = resolveConfig(torch.serve.parseProperties(lines.join('\n')), { TS_SERVICE_ENVELOPE: 'kservev2' }, (l) => notices.push(l));
  assert.deepEqual(config.loadModels, ['mnist_kf=mnist_kf.mar'], "model_snapshot's models are loaded");
  assert.equal(config.defaultWorkersPerModel, 1, 'NUM_WORKERS');
  assert.equal(notices.length, 3, notices.join('\n'));
  assert.match(notices[0]!, /^TS_SERVICE_ENVELOPE=kservev2: KServe's v1 .* and v2 .* routes are always served/);
  assert.equal(notices[1], 'gRPC is not served (only the REST APIs): ignoring grpc_inference_port, grpc_management_port, enable_grpc');
  assert.equal(
    notices[2],
    'TorchServe settings nodetorch has no use for, ignored: install_py_dep_per_model, enable_metrics_api, number_of_netty_threads',
  );
  const server = await torch.serve.createServer(config);
  try {
    const { inference, management } = await server.listen();
    assert.equal(management, inference, "TorchServe's one listener for both APIs on one address");
    assert.equal(inference, `http://127.0.0.1:${port}`);
    assert.equal((await getJson(`${inference}/ping`)).status, 200);
    const description = (await (await fetch(inference, { method: 'OPTIONS' })).json()) as { paths: Record<string, unknown> };
    assert.ok('/ping' in description.paths, "OPTIONS / answers the inference API's description");
    const mnist = await describe(management, 'mnist_kf');
    assert.deepEqual([mnist.batchSize, mnist.maxBatchDelay, mnist.minWorkers, mnist.responseTimeout], [3, 50, 2, 60]);
    assert.deepEqual((await getJson(`${inference}/v2/models/mnist_kf/ready`)).body, { name: 'mnist_kf', ready: true });
    const answer = await fetch(`${inference}/v1/models/mnist_kf:predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ instances: [[1, 2, 3, 4]] }),
    });
    assert.equal(answer.status, 200);
  } finally {
    await server.close();
  }
  const withModels = resolveConfig(
    new Map([
      ['models', '{"mnist_kf": {"1.0": {"batchSize": 8}}}'],
      ['model_snapshot', JSON.stringify(snapshot)],
      ['load_models', 'mlp.pt'],
      ['NUM_WORKERS', '4'],
      ['default_workers_per_model', '2'],
    ]),
    {},
  );
  assert.deepEqual(
    withModels.models.mnist_kf!['1.0'],
    { batchSize: 8, maxBatchDelay: 50, minWorkers: 2, responseTimeout: 60 },
    'models wins',
  );
  assert.deepEqual(withModels.loadModels, ['mlp.pt'], 'load_models wins over the snapshot');
  assert.equal(withModels.defaultWorkersPerModel, 2, 'default_workers_per_model wins over NUM_WORKERS');
  await assert.rejects(
    torch.serve.createServer({ ...config, disableTokenAuthorization: false, keyFile: path.join(dir, 'key_file.json') }),
    /inference_address and management_address are the same: token authorization needs them apart/,
  );
  const bad = (entries: Record<string, string>, pattern: RegExp) =>
    assert.throws(
      () => resolveConfig(new Map(Object.entries(entries)), {}),
      (error: Error) => error instanceof ServeConfigError && pattern.test(error.message),
    );
  bad({ metrics_format: 'json' }, /metrics_format: only prometheus metrics are served, got 'json'/);
  bad({ service_envelope: 'soap' }, /service_envelope must be one of kserve, kservev2, kfserving, kfservingv2, body, json, got 'soap'/);
  bad({ model_snapshot: '{"models": {"m": {"1.0": {"minWorkers": 1}}}}' }, /model_snapshot: "m"."1.0" needs a marName/);
  bad({ models: '{"m": {"1.0": {"signature": {"inputs": []}}}}' }, /models: "m"."1.0".signature needs "inputs" and "outputs"/);
  bad(
    { models: '{"m": {"1.0": {"signature": {"inputs": [{"name": "x", "datatype": "FP8", "shape": [1]}], "outputs": []}}}}' },
    /unknown datatype 'FP8'/,
  );
});

test('TS_CONFIG_FILE names the config file over --ts-config, as in TorchServe', () => {
  const dir = scratch();
  const [chosen, other] = [path.join(dir, 'chosen.properties'), path.join(dir, 'other.properties')];
  writeFileSync(chosen, 'batch_size=6\n');
  writeFileSync(other, 'batch_size=2\n');
  assert.equal(serveSettings({ tsConfig: other, logDir: 'logs' }, { TS_CONFIG_FILE: chosen }).batchSize, 6);
  assert.equal(serveSettings({ tsConfig: other, logDir: 'logs' }, {}).batchSize, 2);
});

test('nodetorch serve --ts-config with TS_* variables, --signature and --handler, on a running server', async () => {
  const dir = await makeStore();
  const signatureFile = path.join(dir, 'cnn-signature.json');
  writeFileSync(signatureFile, JSON.stringify(cnnSignature));
  const file = path.join(dir, 'config.properties');
  const lines = [
    ...ports,
    'enable_envvars_config=true',
    'load_models=all',
    'batch_size=1',
    'default_workers_per_model=2',
    'grpc_inference_port=7070',
  ];
  writeFileSync(file, [...lines, 'models={"second": {"1.0": {"batchSize": 5, "minWorkers": 1}}}'].join('\n'));
  const label = fileURLToPath(new URL('./fixtures/serve-handlers/label.mjs', import.meta.url));
  const args = ['--model-store', dir, '--ts-config', file, '--signature', `cnn=${signatureFile}`, '--handler', `mlp=${label}`];
  const serve = await startServeCli(args, { ...process.env, TS_BATCH_SIZE: '3', TS_MAX_BATCH_DELAY: '20' });
  const { inference, management } = serve;
  try {
    assert.match(serve.output(), /nodetorch serve: gRPC is not served \(only the REST APIs\): ignoring grpc_inference_port/);
    const cnn = await describe(management, 'cnn');
    assert.deepEqual([cnn.batchSize, cnn.maxBatchDelay, cnn.minWorkers], [3, 20, 2], 'TS_* over the file, default_workers_per_model');
    const second = await describe(management, 'second');
    assert.deepEqual([second.batchSize, second.minWorkers], [5, 1], 'the models JSON over the global settings');
    const { inputs } = (await getJson(`${inference}/v2/models/cnn`)).body as typeof cnnSignature;
    assert.deepEqual(inputs, cnnSignature.inputs, "--signature's names in KServe metadata");
    const answer = await inferCnn(inference, 'image');
    assert.equal(answer.status, 200);
    assert.equal((await inferCnn(inference, 'input')).status, 400, '--signature checks inputs');
    const labelled = await fetch(`${inference}/predictions/mlp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: [1, 2, 3, 4] }),
    });
    assert.equal(labelled.status, 200);
    assert.equal(((await labelled.json()) as { model: string }).model, 'mlp', '--handler mlp=... serves model mlp');
  } finally {
    serve.child.kill('SIGTERM');
  }
  assert.equal(await serve.exited, 0, serve.output());
});

test.run();
