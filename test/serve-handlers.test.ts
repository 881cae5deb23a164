// Handlers as JavaScript/TypeScript module files (lib/serve/handlers/handler-module.ts): given by
// name to createServer (as `nodetorch serve --handler NAME=FILE` does), named by a model's
// config.properties settings or a registration as a file in the store, or shipped inside a .mar
// next to the model; what a module leaves out comes from the default tensor handler. A module
// that fails to load, or a path out of the store, fails only its model.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as torch from '../lib/index.ts';
import type { InferenceServer } from '../lib/serve/index.ts';
import { assertArrayClose } from './helpers.ts';
import { saveTraced, scratch, smallMlp, writeMar } from './serve-helpers.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/serve-handlers/${name}`, import.meta.url));
const json = (response: { body: string }) => JSON.parse(response.body) as Record<string, unknown>;
const model = smallMlp(7);
const forward = (rows: number[][]) => model.forward(torch.tensor(rows, { dtype: 'float32' })).toArray() as number[][];
const argmax = (row: number[]) => row.indexOf(Math.max(...row));
const store = scratch();
const traced = await saveTraced(model, store, 'mlp.pt');

const predict = (server: InferenceServer, name: string, data: unknown) =>
  server.inference.inject({ method: 'POST', url: `/predictions/${name}`, payload: { data } });
const described = async (server: InferenceServer, name: string) =>
  (JSON.parse((await server.management.inject({ method: 'GET', url: `/models/${name}` })).body) as Record<string, unknown>[])[0]!;

test('handler modules by name: postprocess only (.mjs), inference only (.ts, default export), a class; the rest inherited', async () => {
  const server = await torch.serve.createServer({
    modelStore: store,
    loadModels: ['label=mlp.pt', 'twice=mlp.pt', 'scaled=mlp.pt', 'plain=mlp.pt'],
    handlers: { label: fixture('label.mjs'), twice: fixture('doubled.ts'), scaled: fixture('scaled-class.mjs') },
  });
  try {
    const sample = [0.5, -1, 2, 0.25];
    const labelled = await predict(server, 'label', sample);
    assert.equal(labelled.statusCode, 200, labelled.body);
    assert.deepEqual(json(labelled), { model: 'label', label: argmax(forward([sample])[0]!) }, "the module's postprocess");
    assert.equal((await described(server, 'label')).handler, 'label');
    const twice = await predict(server, 'twice', sample);
    assert.equal(twice.statusCode, 200, twice.body);
    assertArrayClose(JSON.parse(twice.body) as number[], forward([sample.map((v) => 2 * v)])[0]!, 1e-5);
    const scaled = await predict(server, 'scaled', sample);
    assert.deepEqual(
      JSON.parse(scaled.body),
      forward([sample])[0]!.map((v) => Math.round(v * 10)),
      'a class default export is instantiated, its methods called on the instance',
    );
    assertArrayClose(JSON.parse((await predict(server, 'plain', sample)).body) as number[], forward([sample])[0]!, 1e-5);
    const bad = await predict(server, 'label', [1, 2]);
    assert.equal(bad.statusCode, 400, "the inherited preprocess still checks the input's shape");
  } finally {
    await server.close();
  }
});

test('a handler file in the store from config and registration; a path out of the store or a bad module fails only its model', async () => {
  const dir = scratch();
  copyFileSync(traced, path.join(dir, 'mlp.pt'));
  mkdirSync(path.join(dir, 'handlers'));
  for (const name of ['label.mjs', 'broken.mjs', 'nothing.mjs']) copyFileSync(fixture(name), path.join(dir, 'handlers', name));
  copyFileSync(fixture('label.mjs'), path.join(path.dirname(dir), 'outside-label.mjs'));
  const models = {
    good: { '1.0': { handler: 'handlers/label.mjs' } },
    escape: { '1.0': { handler: '../outside-label.mjs' } },
    broken: { '1.0': { handler: 'handlers/broken.mjs' } },
    empty: { '1.0': { handler: 'handlers/nothing.mjs' } },
    missing: { '1.0': { handler: 'handlers/none.mjs' } },
  };
  const file = path.join(dir, 'config.properties');
  writeFileSync(
    file,
    [`model_store=${dir}`, `load_models=${Object.keys(models).map((m) => `${m}=mlp.pt`)}`, `models=${JSON.stringify(models)}`].join('\n'),
  );
  const server = await torch.serve.createServer(torch.serve.readConfigFile(file, {}));
  try {
    const sample = [1, 2, 3, 4];
    const good = await predict(server, 'good', sample);
    assert.equal(good.statusCode, 200, good.body);
    assert.deepEqual(json(good), { model: 'good', label: argmax(forward([sample])[0]!) });
    const failures: Record<string, RegExp> = {
      escape: /Relative path is not allowed in url: \.\.\/outside-label\.mjs/,
      broken: /cannot load handler module handlers\/broken\.mjs: broken on purpose/,
      empty: /handler module handlers\/nothing\.mjs exports none of preprocess, inference, postprocess/,
      missing: /Model not found in model store: handlers\/none\.mjs/,
    };
    for (const [name, message] of Object.entries(failures)) {
      const entry = await described(server, name);
      assert.equal(entry.status, 'FAILED', name);
      assert.match(entry.error as string, message);
      assert.equal((await predict(server, name, sample)).statusCode, 503);
    }
    assert.equal((await server.inference.inject({ method: 'GET', url: '/ping' })).statusCode, 500, 'a failed model makes /ping Unhealthy');
    const registered = await server.management.inject({
      method: 'POST',
      url: '/models?url=mlp.pt&model_name=late&handler=handlers/label.mjs&initial_workers=1',
    });
    assert.equal(registered.statusCode, 200, registered.body);
    assert.equal(json(await predict(server, 'late', sample)).model, 'late', "a registration's handler file");
    const refused = await server.management.inject({ method: 'POST', url: '/models?url=mlp.pt&model_name=py&handler=handler.py' });
    assert.equal(refused.statusCode, 400);
    assert.match(json(refused).message as string, /handler 'handler\.py' is a Python file/);
  } finally {
    await server.close();
  }
});

// The archive's handler reads "a,b,c,d" text, hands JSON on to the default handler's preprocess
// (context.base), and names the best class with index_to_name.json; it imports a file beside it.
const archivedHandler = `
import { parseRow } from './lib/rows.mjs';
export default {
  preprocess(request, context) {
    const part = request.get('body');
    const data = parseRow(Buffer.from(part.bytes).toString('utf8'));
    const body = { bytes: Buffer.from(JSON.stringify({ data })), contentType: 'application/json' };
    return context.base.preprocess(new Map([['body', body]]), context);
  },
  postprocess(outputs, context) {
    const row = outputs[0].toArray()[0];
    return { class: context.classNames[String(row.indexOf(Math.max(...row)))] };
  },
};
`;
const rowsModule = `export const parseRow = (text) => text.split(',').map(Number);\n`;
const classes = { '0': 'low', '1': 'middle', '2': 'high' };
const bareSignature = {
  inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 4] }],
  outputs: [{ name: 'scores', datatype: 'FP32', shape: [-1, 3] }],
};

test('a .mar whose manifest names an .mjs handler inside it, with signature.json; a missing or Python handler fails that model', async () => {
  const dir = scratch();
  const bytes = readFileSync(traced);
  writeMar(
    path.join(dir, 'rows.mar'),
    bytes,
    { modelName: 'rows', modelVersion: '3.0', handler: 'handler.mjs' },
    {
      'handler.mjs': archivedHandler,
      'lib/rows.mjs': rowsModule,
      'index_to_name.json': JSON.stringify(classes),
      'signature.json': JSON.stringify(bareSignature),
    },
  );
  writeMar(path.join(dir, 'lost.mar'), bytes, { modelName: 'lost', handler: 'gone.mjs' });
  writeMar(path.join(dir, 'py.mar'), bytes, { modelName: 'py', handler: 'handler.py' });
  const server = await torch.serve.createServer({ modelStore: dir, loadModels: ['rows.mar', 'lost.mar', 'py.mar'] });
  try {
    const sample = [0.25, 1, -2, 0.5];
    const answer = await server.inference.inject({
      method: 'POST',
      url: '/predictions/rows/3.0',
      payload: sample.join(','),
      headers: { 'content-type': 'text/csv' },
    });
    assert.equal(answer.statusCode, 200, answer.body);
    assert.deepEqual(json(answer), { class: Object.values(classes)[argmax(forward([sample])[0]!)] });
    assert.equal((await described(server, 'rows')).handler, 'handler.mjs');
    const meta = json(await server.inference.inject({ method: 'GET', url: '/v2/models/rows' }));
    assert.deepEqual([meta.inputs, meta.outputs], [bareSignature.inputs, bareSignature.outputs], "the archive's signature.json");
    const infer = (name: string) =>
      server.inference.inject({
        method: 'POST',
        url: '/v2/models/rows/infer',
        payload: { inputs: [{ name, shape: [1, 4], datatype: 'FP32', data: sample }] },
      });
    const byName = await infer('features');
    assert.equal(byName.statusCode, 200, byName.body);
    assert.equal((json(byName).outputs as { name: string }[])[0]!.name, 'scores');
    const wrong = await infer('x');
    assert.equal(wrong.statusCode, 400, 'input checks use the archive signature, not the traced names');
    assert.match(json(wrong).error as string, /unexpected input 'x': the model's inputs are 'features'/);
    const lost = await described(server, 'lost');
    assert.equal(lost.status, 'FAILED');
    assert.match(lost.error as string, /the manifest's handler gone\.mjs is not in the archive/);
    assert.match((await described(server, 'py')).error as string, /handler 'handler\.py' is a Python file, which nodetorch cannot run/);
  } finally {
    await server.close();
  }
  writeMar(path.join(dir, 'badsig.mar'), bytes, { modelName: 'badsig' }, { 'signature.json': '{"inputs": [{"name": "x"}]}' });
  const again = await torch.serve.createServer({ modelStore: dir, loadModels: ['badsig.mar'] });
  try {
    assert.match((await described(again, 'badsig')).error as string, /signature\.json needs "inputs" and "outputs" arrays/);
  } finally {
    await again.close();
  }
});

test.run();
