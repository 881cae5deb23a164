// torch.inferenceMode: PyTorch's inference_mode as a scope around a synchronous function.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import * as torch from '../lib/index.ts';

const { nn } = torch;

test('inside, nothing is recorded and results are inference tensors; outside, the mode is off again', () => {
  const model = new nn.Linear(3, 2);
  const y = torch.inferenceMode(() => {
    assert.equal(torch.isInferenceModeEnabled(), true);
    assert.equal(torch.isGradEnabled(), false);
    return model.forward(torch.randn([4, 3]));
  });
  assert.equal(torch.isInferenceModeEnabled(), false);
  assert.equal(torch.isGradEnabled(), true);
  assert.equal(y.requiresGrad, false);
  assert.equal(y.isInference(), true);
  assert.equal(model.forward(torch.randn([1, 3])).isInference(), false);
});

test('scopes nest, enabled: false turns the mode off inside, and a throw still closes the scope', () => {
  torch.inferenceMode(() => {
    torch.inferenceMode(() => assert.equal(torch.isInferenceModeEnabled(), false), { enabled: false });
    assert.equal(torch.isInferenceModeEnabled(), true);
  });
  assert.throws(() =>
    torch.inferenceMode(() => {
      throw new Error('boom');
    }),
  );
  assert.equal(torch.isInferenceModeEnabled(), false);
  assert.throws(() => torch.inferenceMode(async () => 1), /fn must be synchronous/);
  assert.equal(torch.isInferenceModeEnabled(), false);
});

test('async work started inside runs in inference mode', async () => {
  const model = new nn.Sequential(new nn.Linear(3, 2), new nn.ReLU());
  const pending = torch.inferenceMode(() => ({ out: model.forwardAsync(torch.randn([2, 3])) }));
  const out = await pending.out;
  assert.equal(out.isInference(), true);
});

test('an inference tensor in autograd later is a TorchError, not a crash', () => {
  const made = torch.inferenceMode(() => torch.ones([2]));
  const w = torch.ones([2], { requiresGrad: true });
  assert.throws(() => w.mul(made).sum().backward(), torch.TorchError);
  assert.throws(() => made.add_(1), /Inplace update to inference tensor outside InferenceMode/);
});

test.run();
