// Channels-last: Tensor.contiguous / to with a memory format, Module.to({ memoryFormat }) on 4-D
// tensors only (as PyTorch), and the Trainer's channelsLast option: 'auto' lays a built-in convolutional Sequential out NHWC (the
// layout oneDNN's convolutions are fast in) and leaves other models alone; training in it reaches
// the same weights as the default layout (to rounding), and the native loop matches the JS loop.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import * as torch from '../lib/index.ts';

const { Trainer, SupervisedModule, LightningModule } = torch.train;
const { nn, optim, data } = torch;
const quiet = { enableProgressBar: false, logger: false as const, enableCheckpointing: false, enableCurves: false };

function cnn(): torch.nn.Sequential {
  torch.manualSeed(11);
  return new nn.Sequential(
    new nn.Conv2d(3, 8, 3, { padding: 1 }),
    new nn.BatchNorm2d(8),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(8, 8, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.Flatten(),
    new nn.Linear(8 * 4 * 4, 3),
  );
}

function loader(): torch.data.DataLoader<unknown, unknown> {
  torch.manualSeed(5);
  const set = new data.TensorDataset(torch.randn([48, 3, 8, 8]), torch.randint(0, 3, [48]));
  return new data.DataLoader(set, { batchSize: 16, shuffle: true, seed: 1 });
}

async function fit(options: Record<string, unknown>) {
  const model = cnn();
  const module = new SupervisedModule(model, {
    loss: new nn.CrossEntropyLoss(),
    optimizer: (params) => new optim.SGD(params, { lr: 0.05, momentum: 0.9 }),
  });
  const trainer = new Trainer({ ...quiet, maxEpochs: 2, seed: 0, ...options });
  await trainer.fit(module, loader());
  const weights = Object.fromEntries(
    Object.entries(model.stateDict()).map(([k, v]) => [k, Array.from(v.contiguous().toTypedArray() as ArrayLike<number | bigint>, Number)]),
  );
  return { trainer, model, weights };
}

test('contiguous and to take a memory format; the values stay the same', () => {
  const x = torch
    .arange(0, 2 * 3 * 2 * 2)
    .reshape([2, 3, 2, 2])
    .float();
  const nhwc = x.contiguous('channels_last');
  assert.deepEqual(nhwc.stride(), [12, 1, 6, 3]);
  assert.deepEqual(nhwc.toArray(), x.toArray());
  assert.deepEqual(x.to({ memoryFormat: 'channels_last' }).stride(), [12, 1, 6, 3]);
  assert.deepEqual(nhwc.contiguous().stride(), [12, 4, 2, 1], 'contiguous() goes back to row-major');
  assert.throws(() => torch.ones([2, 3]).contiguous('channels_last'), /channels_last|rank 4|dim/i);
});

test('Module.to({ memoryFormat }) restrides 4-D parameters only, in place', () => {
  const model = cnn();
  const conv = model.at(0) as torch.nn.Conv2d;
  const weight = conv.weight;
  const before = weight.toArray();
  model.to({ memoryFormat: 'channels_last' });
  assert.equal(conv.weight, weight, 'the same parameter object (optimizers keep working)');
  assert.deepEqual(weight.stride(), [27, 1, 9, 3]);
  assert.deepEqual(weight.toArray(), before);
  assert.deepEqual(conv.bias!.stride(), [1]);
  assert.deepEqual((model.at(7) as torch.nn.Linear).weight.stride(), [128, 1]);
  const conv3d = new nn.Conv3d(2, 3, 2);
  conv3d.to({ memoryFormat: 'channels_last_3d' });
  assert.deepEqual(conv3d.weight.stride(), [16, 1, 8, 4, 2], '5-D weights take channels_last_3d, as in PyTorch');
});

test("'auto' trains a built-in CNN channels-last, to the default layout's weights", async () => {
  const fast = await fit({ nativeLoop: false });
  assert.equal(fast.trainer.usesChannelsLast, true);
  const conv = fast.model.at(0) as torch.nn.Conv2d;
  assert.deepEqual(conv.weight.stride(), [27, 1, 9, 3], 'NHWC strides for [8, 3, 3, 3]');
  const plain = await fit({ nativeLoop: false, channelsLast: false });
  assert.equal(plain.trainer.usesChannelsLast, false);
  assert.deepEqual((plain.model.at(0) as torch.nn.Conv2d).weight.stride(), [27, 9, 3, 1]);
  for (const [key, values] of Object.entries(plain.weights)) {
    const other = fast.weights[key]!;
    const worst = Math.max(...values.map((v, i) => Math.abs(v - other[i]!)));
    assert.ok(worst < 1e-4, `${key} differs by ${worst}`);
  }
});

test('the native loop trains channels-last too, bit-identical to the JS loop', async () => {
  const js = await fit({ nativeLoop: false });
  const native = await fit({ nativeLoop: true });
  assert.equal(native.trainer.usesNativeLoop, true);
  assert.equal(native.trainer.usesChannelsLast, true);
  assert.deepEqual(native.weights, js.weights);
});

test("'auto' leaves models without a Conv2d, and custom modules, in the default layout", async () => {
  const mlp = new SupervisedModule(new nn.Sequential(new nn.Flatten(), new nn.Linear(192, 3)), {
    loss: new nn.CrossEntropyLoss(),
    optimizer: (params) => new optim.SGD(params, { lr: 0.1 }),
  });
  const trainer = new Trainer({ ...quiet, maxEpochs: 1 });
  await trainer.fit(mlp, loader());
  assert.equal(trainer.usesChannelsLast, false);

  class Custom extends LightningModule {
    conv = this.registerModule('conv', new nn.Conv2d(3, 4, 3));
    head = this.registerModule('head', new nn.Linear(4 * 6 * 6, 3));
    override trainingStep(batch: unknown) {
      const [x, y] = batch as [torch.Tensor, torch.Tensor];
      const features = this.conv.forward(x);
      // A view of the conv output: fine in the default layout, an error in channels-last.
      return nn.functional.crossEntropy(this.head.forward(features.view([features.shape[0]!, -1])), y);
    }
    override configureOptimizers() {
      return new optim.SGD([...this.parameters()], { lr: 0.1 });
    }
  }
  const custom = new Trainer({ ...quiet, maxEpochs: 1 });
  await custom.fit(new Custom(), loader());
  assert.equal(custom.usesChannelsLast, false, "'auto' does not touch a custom forward");
  const forced = new Trainer({ ...quiet, maxEpochs: 1, channelsLast: true });
  await assert.rejects(forced.fit(new Custom(), loader()), /view/, 'channelsLast: true applies, and the view fails as in PyTorch');
  assert.throws(() => new Trainer({ channelsLast: 'yes' as never }), /channelsLast/);
});

test.run();
