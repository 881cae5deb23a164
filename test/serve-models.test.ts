// What the inference server serves: a TorchServe .mar built here (image_classifier with PNG and
// JPEG, class names from index_to_name.json), a model traced here (its signature in KServe
// metadata), the TorchScript file Python saved (test/fixtures/jit/cnn.pt) with a signature given,
// a nodetorch checkpoint rebuilt from its config; models registered from an allowed URL; no path
// out of the store; a model that fails to load makes /ping Unhealthy.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { copyFileSync, existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import jpeg from 'jpeg-js';
import * as torch from '../lib/index.ts';
import { buildModel } from '../lib/cli/build-experiment.ts';
import type { ExperimentConfig } from '../lib/conf/schema.ts';
import type { InferenceServer } from '../lib/serve/index.ts';
import { assertArrayClose, readFixture } from './helpers.ts';
import { jpegImage, multipart, pngImage, saveTraced, scratch, smallMlp, writeMar } from './serve-helpers.ts';

const json = (response: { body: string }) => JSON.parse(response.body) as Record<string, unknown>;
const classes = { '0': 'cat', '1': 'dog', '2': ['n01530575', 'bird'] };

/** A tiny CNN for (1, 8, 8) gray images, 3 classes. */
function tinyCnn(): torch.nn.Sequential {
  torch.manualSeed(5);
  return new torch.nn.Sequential(
    new torch.nn.Conv2d(1, 4, 3, { padding: 1 }),
    new torch.nn.ReLU(),
    new torch.nn.Flatten(),
    new torch.nn.Linear(4 * 8 * 8, 3),
  ).eval();
}
const cnn = tinyCnn();
const pixel = (x: number, y: number): [number, number, number] => [
  (x * 37 + y * 11) % 256,
  (x * 37 + y * 11) % 256,
  (x * 37 + y * 11) % 256,
];

/** The classifier's answer computed here: softmax of the model on the gray image, top 3 by name. */
function expectedClasses(gray: Float32Array): [string, number][] {
  const logits = cnn.forward(torch.fromTypedArray(gray, [1, 1, 8, 8]));
  const probabilities = (logits.softmax(1).toArray() as number[][])[0]!;
  const names = ['cat', 'dog', 'bird'];
  return probabilities.map((p, i) => [names[i]!, p] as [string, number]).sort((a, b) => b[1] - a[1]);
}
const grayOf = (rgba: Uint8Array, count: number) =>
  Float32Array.from({ length: count }, (_, i) => (0.299 * rgba[4 * i]! + 0.587 * rgba[4 * i + 1]! + 0.114 * rgba[4 * i + 2]!) / 255);

const store = scratch();
const traced = await saveTraced(cnn, store, 'cnn.pt', torch.zeros([2, 1, 8, 8]));
writeMar(
  path.join(store, 'digits.mar'),
  readFileSync(traced),
  { modelName: 'digits', modelVersion: '2.1', handler: 'image_classifier' },
  {
    'index_to_name.json': JSON.stringify(classes),
  },
);

test('a .mar archive: named and versioned by its manifest, image_classifier on PNG (form and raw) and JPEG', async () => {
  const server = await torch.serve.createServer({ modelStore: store, loadModels: ['digits.mar'] });
  try {
    const [described] = JSON.parse((await server.management.inject({ method: 'GET', url: '/models/digits' })).body) as Record<
      string,
      unknown
    >[];
    assert.equal(described!.modelVersion, '2.1');
    assert.equal(described!.handler, 'image_classifier');
    const png = pngImage(8, 8, pixel);
    const gray = Float32Array.from({ length: 64 }, (_, i) => pixel(i % 8, Math.floor(i / 8))[0] / 255);
    const expected = expectedClasses(gray);
    const form = multipart('data', 'x.png', 'image/png', png);
    const answers = [
      await server.inference.inject({
        method: 'POST',
        url: '/predictions/digits',
        payload: form.body,
        headers: { 'content-type': form.contentType },
      }),
      await server.inference.inject({
        method: 'POST',
        url: '/predictions/digits/2.1',
        payload: png,
        headers: { 'content-type': 'image/png' },
      }),
      await server.inference.inject({ method: 'POST', url: '/predictions/digits', payload: { data: png.toString('base64') } }),
    ];
    for (const answer of answers) {
      assert.equal(answer.statusCode, 200, answer.body);
      const entries = Object.entries(json(answer));
      assert.deepEqual(
        entries.map(([name]) => name),
        expected.map(([name]) => name),
        'class names from index_to_name.json, highest first',
      );
      assertArrayClose(
        entries.map(([, p]) => p as number),
        expected.map(([, p]) => p),
        1e-5,
      );
    }
    const jpg = jpegImage(8, 8, pixel);
    const decoded = jpeg.decode(jpg, { useTArray: true, formatAsRGBA: true });
    const fromJpeg = await server.inference.inject({
      method: 'POST',
      url: '/predictions/digits',
      payload: jpg,
      headers: { 'content-type': 'image/jpeg' },
    });
    assert.equal(fromJpeg.statusCode, 200, fromJpeg.body);
    assertArrayClose(
      Object.values(json(fromJpeg)) as number[],
      expectedClasses(grayOf(decoded.data, 64)).map(([, p]) => p),
      1e-5,
    );
    const larger = await server.inference.inject({
      method: 'POST',
      url: '/predictions/digits',
      payload: pngImage(32, 20, pixel),
      headers: { 'content-type': 'image/png' },
    });
    assert.equal(larger.statusCode, 200, 'other sizes are resized to the signature');
    const sum = (Object.values(json(larger)) as number[]).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-5);
    const notImage = await server.inference.inject({
      method: 'POST',
      url: '/predictions/digits',
      payload: Buffer.from('GIF89a...'),
      headers: { 'content-type': 'image/gif' },
    });
    assert.equal(notImage.statusCode, 400);
    assert.equal(json(notImage).message, 'the input is neither a PNG nor a JPEG image');
    const truncated = await server.inference.inject({
      method: 'POST',
      url: '/predictions/digits',
      payload: png.subarray(0, 40),
      headers: { 'content-type': 'image/png' },
    });
    assert.equal(truncated.statusCode, 400);
    assert.match(json(truncated).message as string, /the PNG image cannot be decoded/);
    const meta = json(await server.inference.inject({ method: 'GET', url: '/v2/models/digits' }));
    assert.deepEqual(meta.inputs, [{ name: 'x', datatype: 'FP32', shape: [-1, 1, 8, 8] }]);
    assert.deepEqual(meta.versions, ['2.1']);
  } finally {
    await server.close();
  }
});

test('a model traced in the test: its signature in KServe metadata and infer checks', async () => {
  const dir = scratch();
  const mlp = smallMlp(3);
  await saveTraced(mlp, dir, 'mlp.pt');
  const server = await torch.serve.createServer({ modelStore: dir, loadModels: ['mlp.pt'] });
  try {
    const meta = json(await server.inference.inject({ method: 'GET', url: '/v2/models/mlp' }));
    assert.deepEqual(meta.inputs, [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }]);
    assert.deepEqual(meta.outputs, [{ name: 'y', datatype: 'FP32', shape: [-1, 3] }]);
    const rows = [[0.1, 0.2, 0.3, 0.4]];
    const answer = json(
      await server.inference.inject({
        method: 'POST',
        url: '/v2/models/mlp/infer',
        payload: { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: rows }] },
      }),
    ) as { outputs: { data: number[] }[] };
    assertArrayClose(
      answer.outputs[0]!.data,
      mlp
        .forward(torch.tensor(rows, { dtype: 'float32' }))
        .flatten()
        .toArray(),
      1e-6,
    );
  } finally {
    await server.close();
  }
});

test('tensor handler: a flat array of whole samples is read as those samples', async () => {
  const server = await torch.serve.createServer({ modelStore: store, loadModels: ['cnn.pt'] });
  try {
    const image = Array.from({ length: 64 }, (_, i) => (i % 5) / 5);
    const reference = cnn.forward(torch.tensor(image, { dtype: 'float32' }).reshape([1, 1, 8, 8])).toArray() as number[][];
    const post = (data: number[]) => server.inference.inject({ method: 'POST', url: '/predictions/cnn', payload: { data } });
    const one = await post(image);
    assert.equal(one.statusCode, 200, one.body);
    assertArrayClose(JSON.parse(one.body) as number[], reference[0]!, 1e-5);
    const two = await post([...image, ...image]);
    assertArrayClose(JSON.parse(two.body) as number[][], [reference[0]!, reference[0]!], 1e-5);
    const odd = await post(image.slice(1));
    assert.equal(odd.statusCode, 400);
    assert.match(json(odd).message as string, /data has shape \[63\]; the model takes \[-1,1,8,8\]/);
  } finally {
    await server.close();
  }
});

test('a quantized model (dynamic int8 Linear layers, traced) is served with its own outputs', async () => {
  const dir = scratch();
  const int8 = torch.ao.quantization.quantizeDynamic(smallMlp(6), { qconfigSpec: [torch.nn.Linear] });
  await saveTraced(int8, dir, 'mlp-int8.pt');
  const server = await torch.serve.createServer({ modelStore: dir, loadModels: ['mlp-int8.pt'] });
  try {
    const rows = [
      [0.5, -1, 2, 0.25],
      [1, 1, 1, 1],
    ];
    const answer = await server.inference.inject({ method: 'POST', url: '/predictions/mlp-int8', payload: { data: rows } });
    assert.equal(answer.statusCode, 200, answer.body);
    const reference = (int8.forward(torch.tensor(rows, { dtype: 'float32' })) as torch.Tensor).toArray() as number[][];
    assertArrayClose(JSON.parse(answer.body) as number[][], reference, 1e-6);
  } finally {
    await server.close();
  }
});

test('the TorchScript file Python saved: served with a given signature, outputs as PyTorch computed them', async () => {
  const expected = readFixture<{ input: number[]; evalOutput: number[] }>('jit/expected.json');
  const dir = scratch();
  copyFileSync(new URL('./fixtures/jit/cnn.pt', import.meta.url), path.join(dir, 'python_cnn.pt'));
  const signature: torch.jit.ModelSignature = {
    format: 'nodetorch-signature',
    version: 1,
    method: 'forward',
    inputs: [{ name: 'image', dtype: 'float32', datatype: 'FP32', shape: [-1, 1, 8, 8] }],
    outputs: [{ name: 'scores', dtype: 'float32', datatype: 'FP32', shape: [-1, 3] }],
  };
  const server = await torch.serve.createServer({
    modelStore: dir,
    loadModels: ['cnn=python_cnn.pt', 'plain=python_cnn.pt'],
    signatures: { cnn: signature },
  });
  try {
    const meta = json(await server.inference.inject({ method: 'GET', url: '/v2/models/cnn' }));
    assert.deepEqual(meta.inputs, [{ name: 'image', datatype: 'FP32', shape: [-1, 1, 8, 8] }]);
    const body = { id: 'py', inputs: [{ name: 'image', shape: [5, 1, 8, 8], datatype: 'FP32', data: expected.input }] };
    const answer = await server.inference.inject({ method: 'POST', url: '/v2/models/cnn/infer', payload: body });
    assert.equal(answer.statusCode, 200, answer.body);
    const output = (json(answer) as { outputs: { name: string; shape: number[]; data: number[] }[] }).outputs[0]!;
    assert.equal(output.name, 'scores');
    assert.deepEqual(output.shape, [5, 3]);
    assertArrayClose(output.data, expected.evalOutput, 1e-5);
    const plainMeta = json(await server.inference.inject({ method: 'GET', url: '/v2/models/plain' }));
    assert.deepEqual([plainMeta.inputs, plainMeta.outputs], [[], []], 'no signature: nothing is claimed');
    const plain = await server.inference.inject({
      method: 'POST',
      url: '/v2/models/plain/infer',
      payload: { inputs: [{ ...body.inputs[0], name: 'whatever' }] },
    });
    assert.equal(plain.statusCode, 200, 'without a signature inputs are taken as given');
    assertArrayClose((json(plain) as { outputs: { data: number[] }[] }).outputs[0]!.data, expected.evalOutput, 1e-5);
    const wrong = await server.inference.inject({
      method: 'POST',
      url: '/v2/models/plain/infer',
      payload: { inputs: [{ name: 'i', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] },
    });
    assert.equal(wrong.statusCode, 500, 'the model itself refuses a wrong shape');
    assert.match((json(wrong) as { error: string }).error, /inference failed/);
    assert.equal((await server.inference.inject({ method: 'GET', url: '/ping' })).statusCode, 200);
  } finally {
    await server.close();
  }
});

test("a nodetorch checkpoint: the model rebuilt from its config, traced with images -> logits, the checkpoint's weights", async () => {
  const dir = scratch();
  const modelConfig = { kind: 'mlp', in_features: 64, hidden: [16], activation: 'relu', dropout: 0, num_classes: 3 };
  torch.manualSeed(11);
  const trained = buildModel(modelConfig as ExperimentConfig['model']).eval();
  const stateDict = Object.fromEntries(Object.entries(trained.stateDict()).map(([k, v]) => [`model.${k}`, v]));
  await torch.save(
    { state_dict: stateDict, hyper_parameters: { model: modelConfig, data: { channels: 1, image_size: 8 } }, epoch: 1 },
    path.join(dir, 'last.ckpt'),
  );
  const server = await torch.serve.createServer({
    modelStore: dir,
    loadModels: ['digits=last.ckpt'],
    buildModel: (config) => buildModel(config as unknown as ExperimentConfig['model']),
  });
  try {
    const meta = json(await server.inference.inject({ method: 'GET', url: '/v2/models/digits' }));
    assert.deepEqual(meta.inputs, [{ name: 'images', datatype: 'FP32', shape: [-1, 1, 8, 8] }]);
    assert.deepEqual(meta.outputs, [{ name: 'logits', datatype: 'FP32', shape: [-1, 3] }]);
    const image = Array.from({ length: 64 }, (_, i) => (i % 7) / 7);
    const answer = json(
      await server.inference.inject({
        method: 'POST',
        url: '/v2/models/digits/infer',
        payload: { inputs: [{ name: 'images', shape: [1, 1, 8, 8], datatype: 'FP32', data: image }] },
      }),
    ) as { outputs: { data: number[] }[] };
    const reference = (trained.forward(torch.tensor(image, { dtype: 'float32' }).reshape([1, 1, 8, 8])) as torch.Tensor)
      .flatten()
      .toArray() as number[];
    assertArrayClose(answer.outputs[0]!.data, reference, 1e-6);
    const png = await server.inference.inject({
      method: 'POST',
      url: '/predictions/digits',
      payload: pngImage(8, 8, pixel),
      headers: { 'content-type': 'image/png' },
    });
    assert.equal(png.statusCode, 200, 'a checkpoint is served with image_classifier');
    assert.deepEqual(Object.keys(json(png)).sort(), ['0', '1', '2']);
  } finally {
    await server.close();
  }
  const unbuilt = await torch.serve.createServer({ modelStore: dir, loadModels: ['last.ckpt'] });
  try {
    const [described] = JSON.parse((await unbuilt.management.inject({ method: 'GET', url: '/models/last' })).body) as Record<
      string,
      unknown
    >[];
    assert.match(described!.error as string, /serving a checkpoint needs a model builder/);
  } finally {
    await unbuilt.close();
  }
});

test('no path leads out of the store: .., absolute paths, symlinks, archive entries', async () => {
  const outside = scratch();
  await saveTraced(smallMlp(), outside, 'secret.pt');
  const dir = scratch();
  symlinkSync(path.join(outside, 'secret.pt'), path.join(dir, 'link.pt'));
  for (const item of ['../secret.pt', path.join(outside, 'secret.pt'), 'link.pt'])
    await assert.rejects(torch.serve.createServer({ modelStore: dir, loadModels: [`m=${item}`] }), /Relative path is not allowed in url/);
  writeMar(path.join(dir, 'evil.mar'), readFileSync(traced), { modelName: 'evil' }, { '../escape.txt': 'x' });
  await assert.rejects(torch.serve.createServer({ modelStore: dir, loadModels: ['evil.mar'] }), /points outside the archive/);
  writeMar(path.join(dir, 'py.mar'), readFileSync(traced), { modelName: 'py', handler: 'handler.py' });
  const server = await torch.serve.createServer({ modelStore: dir, loadModels: ['py.mar'] });
  try {
    const [described] = JSON.parse((await server.management.inject({ method: 'GET', url: '/models/py' })).body) as Record<
      string,
      unknown
    >[];
    assert.equal(described!.status, 'FAILED');
    assert.match(described!.error as string, /handler 'handler.py' is a Python file, which nodetorch cannot run: use a built-in handler/);
  } finally {
    await server.close();
  }
});

test('a model that fails to load: /ping Unhealthy (500), its predictions 503, the others served', async () => {
  const dir = scratch();
  await saveTraced(smallMlp(), dir, 'good.pt');
  writeFileSync(path.join(dir, 'broken.pt'), 'not a TorchScript archive');
  const server = await torch.serve.createServer({ modelStore: dir, loadModels: ['good.pt', 'broken.pt'] });
  try {
    const ping = await server.inference.inject({ method: 'GET', url: '/ping' });
    assert.equal(ping.statusCode, 500);
    assert.deepEqual(json(ping), { status: 'Unhealthy' });
    assert.equal((await server.inference.inject({ method: 'GET', url: '/v2/health/ready' })).statusCode, 503);
    assert.equal((await server.inference.inject({ method: 'GET', url: '/v2/models/broken/ready' })).statusCode, 503);
    const broken = await server.inference.inject({ method: 'POST', url: '/predictions/broken', payload: { data: [1, 2, 3, 4] } });
    assert.equal(broken.statusCode, 503);
    assert.equal(json(broken).type, 'ServiceUnavailableException');
    assert.equal(
      (await server.inference.inject({ method: 'POST', url: '/predictions/good', payload: { data: [1, 2, 3, 4] } })).statusCode,
      200,
    );
    await server.management.inject({ method: 'DELETE', url: '/models/broken' });
    assert.equal((await server.inference.inject({ method: 'GET', url: '/ping' })).statusCode, 200, 'healthy once the broken model is gone');
    const again = await server.management.inject({ method: 'POST', url: '/models?url=broken.pt&initial_workers=1' });
    assert.equal(again.statusCode, 400, 'a registration that fails to load is refused and not kept');
    assert.match(json(again).message as string, /Failed to load model broken/);
    assert.equal((await server.management.inject({ method: 'GET', url: '/models/broken' })).statusCode, 404);
  } finally {
    await server.close();
  }
});

test('register from a URL: only allowed URLs, downloaded into the store, removed when unregistered', async () => {
  const archive = readFileSync(path.join(store, 'digits.mar'));
  const http = createHttpServer((request, response) => {
    if (request.url === '/models/digits.mar') response.end(archive);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const dir = scratch();
  let server: InferenceServer | undefined;
  try {
    server = await torch.serve.createServer({ modelStore: dir, allowedUrls: [/^http:\/\/127\.0\.0\.1:\d+\/models\/.*$/] });
    const register = (url: string) =>
      server!.management.inject({ method: 'POST', url: `/models?url=${encodeURIComponent(url)}&initial_workers=1` });
    const ok = await register(`${base}/models/digits.mar`);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(json(ok).status, 'Model "digits" Version: 2.1 registered with 1 initial workers');
    assert.ok(existsSync(path.join(dir, 'digits.mar')));
    const answer = await server.inference.inject({
      method: 'POST',
      url: '/predictions/digits',
      payload: pngImage(8, 8, pixel),
      headers: { 'content-type': 'image/png' },
    });
    assert.equal(answer.statusCode, 200);
    const refused = await register(`${base}/other/digits.mar`);
    assert.equal(refused.statusCode, 400);
    assert.equal(json(refused).message, `Given URL ${base}/other/digits.mar does not match any allowed URL(s)`);
    const missing = await register(`${base}/models/none.mar`);
    assert.equal(missing.statusCode, 400);
    assert.match(json(missing).message as string, /Failed to download model from: .*code: 404/);
    await server.management.inject({ method: 'DELETE', url: '/models/digits' });
    assert.ok(!existsSync(path.join(dir, 'digits.mar')), 'the downloaded file goes with the model');
  } finally {
    await server?.close();
    await new Promise((resolve) => http.close(resolve));
  }
});

test.run();
