// torch.jit.load: TorchScript from PyTorch for inference and fine-tuning, and saved back.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as torch from '../lib/index.ts';
import { assertArrayClose, readFixture } from './helpers.ts';

const file = new URL('./fixtures/jit/cnn.pt', import.meta.url).pathname;
const expected = readFixture<{ input: number[]; labels: number[]; evalOutput: number[]; parameterNames: string[]; losses: number[] }>(
  'jit/expected.json',
);
const input = () => torch.tensor(expected.input).reshape(5, 1, 8, 8);

test('a traced CNN from PyTorch runs forward with the same results', async () => {
  const module = await torch.jit.load(file);
  assert.equal(module.training, false);
  const out = module.forward(input()) as torch.Tensor;
  assert.deepEqual(out.shape, [5, 3]);
  assertArrayClose(out.flatten().toArray(), expected.evalOutput, 1e-5);
  const asyncOut = (await module.forwardAsync(input())) as torch.Tensor;
  assertArrayClose(asyncOut.flatten().toArray(), expected.evalOutput, 1e-5);
  assert.deepEqual(
    [...module.namedParameters()].map(([n]) => n),
    expected.parameterNames,
  );
  assert.ok(module.methodNames().includes('forward'));
  assert.ok('bn.running_mean' in module.stateDict());
});

test("fine-tuning through the module's parameters with our SGD follows PyTorch's losses", async () => {
  const module = (await torch.jit.load(file)).train();
  const optimizer = new torch.optim.SGD(module.parameters(), { lr: 0.05, momentum: 0.9 });
  const labels = torch.tensor(expected.labels);
  const losses: number[] = [];
  for (let step = 0; step < 5; step++) {
    optimizer.zeroGrad();
    const loss = torch.nn.functional.crossEntropy(module.forward(input()) as torch.Tensor, labels);
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
  }
  assertArrayClose(losses, expected.losses, 1e-4);
  assert.ok(losses.at(-1)! < losses[0]!);

  const dir = mkdtempSync(path.join(tmpdir(), 'nodetorch-jit-'));
  const saved = path.join(dir, 'tuned.pt');
  await module.save(saved);
  assert.deepEqual(readdirSync(dir), ['tuned.pt']);
  const reloaded = (await torch.jit.load(saved)).eval();
  module.eval();
  assertArrayClose(
    (reloaded.forward(input()) as torch.Tensor).flatten().toArray(),
    (module.forward(input()) as torch.Tensor).flatten().toArray(),
    1e-6,
  );
});

test('bad TorchScript input is a clear error', async () => {
  await assert.rejects(torch.jit.load('/nonexistent/model.pt'), /torch\.jit\.load\(\/nonexistent\/model\.pt\): .*(open|exist)/i);
  const bad = path.join(mkdtempSync(path.join(tmpdir(), 'nodetorch-jit-')), 'bad.pt');
  writeFileSync(bad, 'not a model');
  await assert.rejects(torch.jit.load(bad), /torch\.jit\.load\(.*bad\.pt\)/);
  const module = await torch.jit.load(file);
  assert.throws(() => module.runMethod('nope'), /no method 'nope'/);
  assert.throws(() => module.forward(torch.ones([2, 3])), { name: 'TorchError' });
  assert.throws(() => module.forward('text'), { name: 'TorchError' });
});

test('a TorchScript module can be disposed; using it afterwards is a clear error', async () => {
  const module = await torch.jit.load(file);
  const input = torch.randn([2, 1, 8, 8]);
  const pending = module.forwardAsync(input);
  module.dispose();
  assert.equal(((await pending) as torch.Tensor).shape[0], 2, 'a call already running keeps its module');
  assert.throws(() => module.forward(input), {
    name: 'TorchError',
    message: 'this TorchScript module has been disposed and can no longer be used',
  });
  await assert.rejects(module.forwardAsync(input), { name: 'TorchError', message: /disposed/ });
  module.dispose(); // idempotent
});

test.run();
