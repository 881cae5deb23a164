// torch.monitor.embeddingDrift: the MMD test on a model's embeddings of two input sets. Shifted
// inputs drift and same-distribution ones do not; the result is mmdTest's on the same embeddings
// however they are batched; `layer` takes a hidden layer's output; the model runs in eval mode
// without autograd, and its training flags and parameters are as they were afterwards.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import * as torch from '../lib/index.ts';

const { monitor, nn } = torch;

function smallModel(): InstanceType<typeof nn.Sequential> {
  torch.manualSeed(0);
  return new nn.Sequential(new nn.Linear(4, 16), new nn.ReLU(), new nn.Dropout(0.5), new nn.Linear(16, 3));
}
const inputs = (seed: number, rows = 80, shift = 0) => {
  torch.manualSeed(seed);
  return torch.randn([rows, 4]).add(shift);
};
const options = { permutations: 200, seed: 5 };

test('shifted inputs drift, same-distribution inputs do not; the result is mmdTest on the embeddings', () => {
  const model = smallModel().eval();
  const reference = inputs(1);
  const shifted = monitor.embeddingDrift(model, reference, inputs(2, 70, 1.5), { ...options, batchSize: 32 });
  assert.equal(shifted.drifted, true);
  assert.equal(shifted.pValue, 1 / 201, 'no permutation reaches the observed MMD');
  assert.equal(shifted.threshold, 0.05);
  assert.equal(shifted.layer, '');
  assert.equal(shifted.dims, 3, "the model's output: 3 values per sample");
  const same = monitor.embeddingDrift(model, reference, inputs(3), options);
  assert.equal(same.drifted, false);
  assert.ok(same.pValue >= 0.05, `p ${same.pValue}`);
  const direct = torch.noGrad(() => monitor.mmdTest(model.forward(reference), model.forward(inputs(2, 70, 1.5)), options));
  assert.ok(
    Math.abs(shifted.statistic - direct.statistic) <= 1e-6 * Math.abs(direct.statistic),
    `${shifted.statistic} vs ${direct.statistic}`,
  );
  assert.ok(Math.abs(shifted.bandwidth - direct.bandwidth) <= 1e-6 * direct.bandwidth);
  const strict = monitor.embeddingDrift(model, reference, inputs(3), { ...options, threshold: 0.99 });
  assert.equal(strict.drifted, strict.pValue < 0.99);
});

test('layer picks a hidden layer: its output, flattened, is the embedding', () => {
  const model = smallModel();
  const reference = inputs(4, 40);
  const current = inputs(5, 30, 2);
  const hidden = monitor.embeddingDrift(model, reference, current, { ...options, layer: '1' });
  assert.equal(hidden.dims, 16, "the ReLU's 16 values per sample");
  assert.equal(hidden.layer, '1');
  assert.equal(hidden.drifted, true);
  const relu = model.at(1);
  const direct = torch.noGrad(() => {
    const first = model.at(0) as InstanceType<typeof nn.Linear>;
    return monitor.mmdTest(
      relu.forward(first.forward(reference)) as torch.Tensor,
      relu.forward(first.forward(current)) as torch.Tensor,
      options,
    );
  });
  assert.ok(
    Math.abs(hidden.statistic - direct.statistic) <= 1e-6 * Math.abs(direct.statistic),
    `${hidden.statistic} vs ${direct.statistic}`,
  );
  assert.deepEqual(relu.registeredForwardHooks(), [], 'the hook is removed');
  // Images [N, C, H, W] through a conv layer: the embedding flattens C x H x W.
  torch.manualSeed(6);
  const conv = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.Flatten(), new nn.Linear(2 * 4 * 4, 2));
  const images = monitor.embeddingDrift(conv, torch.rand([12, 1, 6, 6]), torch.rand([10, 1, 6, 6]), { ...options, layer: '0' });
  assert.equal(images.dims, 2 * 4 * 4);
});

test("the model's training flags, parameters' requiresGrad and grad mode are restored; no gradients", () => {
  const model = smallModel().train();
  model.at(3).eval(); // a mixed state comes back as it was, not as model.train(previous) would set it
  const frozen = model.at(0).parameters().next().value as torch.Tensor;
  frozen.requiresGrad = false;
  const requires = [...model.parameters()].map((p) => p.requiresGrad);
  const seen: boolean[] = [];
  const spy = model.at(2).registerForwardHook((module) => void seen.push(module.training, torch.isGradEnabled()));
  monitor.embeddingDrift(model, inputs(7, 20), inputs(8, 20), { permutations: 10 });
  spy.remove();
  assert.ok(seen.length >= 4 && seen.every((value) => value === false), 'eval mode and no autograd during the forward passes');
  assert.deepEqual(
    [...model.modules()].map((m) => m.training),
    [true, true, true, true, false],
  );
  assert.deepEqual(
    [...model.parameters()].map((p) => p.requiresGrad),
    requires,
  );
  assert.ok(
    [...model.parameters()].every((p) => p.grad === null),
    'no gradients',
  );
  assert.equal(torch.isGradEnabled(), true);
  // A forward that throws (4 features expected) leaves the flags as they were too.
  assert.throws(() => monitor.embeddingDrift(model, torch.randn([5, 7]), inputs(9, 5)));
  assert.deepEqual(
    [...model.modules()].map((m) => m.training),
    [true, true, true, true, false],
  );
});

const throwsMonitor = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (error: Error) => error instanceof monitor.MonitorError && pattern.test(error.message), String(pattern));

test('bad input: unknown layer, no p-value, bad options and inputs', () => {
  const model = smallModel();
  const [a, b] = [inputs(10, 10), inputs(11, 10)];
  throwsMonitor(() => monitor.embeddingDrift(model, a, b, { layer: 'fc' }), /no submodule 'fc' \(its modules: '0', '1', '2', '3'\)/);
  throwsMonitor(() => monitor.embeddingDrift(model, a, b, { permutations: 0 }), /permutations must be a positive integer/);
  throwsMonitor(() => monitor.embeddingDrift(model, a, b, { batchSize: 0 }), /batchSize must be a positive integer, got 0/);
  throwsMonitor(() => monitor.embeddingDrift(model, a, b, { threshold: 0 }), /threshold must be a number in \(0, 1\]/);
  throwsMonitor(() => monitor.embeddingDrift(model, [[1, 2, 3, 4]] as unknown as torch.Tensor, b), /reference must be a tensor of samples/);
  throwsMonitor(() => monitor.embeddingDrift(model, a.narrow(0, 0, 1), b), /x has 1 rows: the unbiased MMD needs at least 2/);
});

test.run();
