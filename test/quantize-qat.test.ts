// Quantization-aware training against PyTorch 2.x (test/fixtures/qat_golden.json from
// scripts/golden/qat_cases.py): fake-quantize modules (outputs, straight-through gradients, the
// moving-average range and qparams), and a CNN fused with fuseModulesQat, prepared with
// prepareQat, trained a few SGD steps and converted, giving PyTorch's losses, parameters, qparams
// and int8 outputs; then bad input.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import * as torch from '../lib/index.ts';
import { readFixture } from './helpers.ts';

const q = torch.ao.quantization;

interface Encoded {
  values: number[];
  shape: number[];
  dtype: string;
}
interface FakeQuantStep {
  input: Encoded;
  weights: Encoded;
  output: Encoded;
  grad: Encoded;
  scale: Encoded;
  zeroPoint: Encoded;
  minVal: Encoded;
  maxVal: Encoded;
}
const golden = readFixture<{
  engine: string;
  torchVersion: string;
  fakeQuant: { fakeQuant: string; args: Record<string, unknown>; steps: FakeQuantStep[] }[];
  model: {
    stateDict: Record<string, Encoded>;
    batches: { input: Encoded; target: Encoded }[];
    input: Encoded;
    losses: number[];
    trained: Record<string, Encoded>;
    qatEvalOutput: Encoded;
    quant: { scale: number; zeroPoint: number };
    layers: Record<
      string,
      { type: string; scale: number; zeroPoint: number; weightIntRepr: Encoded; weightScales: Encoded; bias: Encoded }
    >;
    output: Encoded;
  };
}>('qat_golden.json');
const decode = (e: Encoded) => torch.tensor(e.values, { dtype: e.dtype as torch.DType }).reshape(e.shape);
const values = (t: torch.Tensor) => [...t._toTypedArray()].map(Number);
const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const CLASSES = { FakeQuantize: q.FakeQuantize, FusedMovingAvgObsFakeQuantize: q.FusedMovingAvgObsFakeQuantize };
const OBSERVERS = {
  MovingAverageMinMaxObserver: q.MovingAverageMinMaxObserver,
  MovingAveragePerChannelMinMaxObserver: q.MovingAveragePerChannelMinMaxObserver,
};

for (const [i, c] of golden.fakeQuant.entries()) {
  test(`fake quant ${i}: ${c.fakeQuant}(${JSON.stringify(c.args)}): PyTorch's outputs, gradients, range and qparams`, () => {
    const options = Object.fromEntries(
      Object.entries(c.args).map(([k, v]) => [camel(k), k === 'observer' ? OBSERVERS[v as keyof typeof OBSERVERS] : v]),
    );
    const module = new CLASSES[c.fakeQuant as keyof typeof CLASSES](options);
    for (const [s, step] of c.steps.entries()) {
      const x = decode(step.input).requiresGrad_();
      const y = module.forward(x);
      y.mul(decode(step.weights)).sum().backward();
      assert.deepEqual(values(y), step.output.values, `step ${s} output`);
      assert.deepEqual(values(x.grad!), step.grad.values, `step ${s} grad`);
      assert.deepEqual(values(module.scale), step.scale.values, `step ${s} scale`);
      assert.deepEqual(values(module.zeroPoint), step.zeroPoint.values, `step ${s} zero point`);
      assert.deepEqual(values(module.activationPostProcess.minVal), step.minVal.values, `step ${s} min`);
      assert.deepEqual(values(module.activationPostProcess.maxVal), step.maxVal.values, `step ${s} max`);
    }
  });
}

const { nn } = torch;
const onGoldenEngine = torch.backends.quantized.supportedEngines.includes(golden.engine) ? test : (name: string) => test.skip(name);
const sameVersion = torch.config().torchVersion.split('.').slice(0, 2).join('.') === golden.torchVersion.split('.').slice(0, 2).join('.');

/** The golden script's Net: QuantStub, conv-bn-relu, max pool, flatten, linear-relu, linear, DeQuantStub. */
class Net extends nn.Module {
  quant = this.registerModule('quant', new q.QuantStub());
  conv1 = this.registerModule('conv1', new nn.Conv2d(1, 4, 3, { padding: 1 }));
  bn1 = this.registerModule('bn1', new nn.BatchNorm2d(4));
  relu1 = this.registerModule('relu1', new nn.ReLU());
  pool = this.registerModule('pool', new nn.MaxPool2d(2));
  flatten = this.registerModule('flatten', new nn.Flatten());
  fc1 = this.registerModule('fc1', new nn.Linear(64, 16));
  relu2 = this.registerModule('relu2', new nn.ReLU());
  fc2 = this.registerModule('fc2', new nn.Linear(16, 3));
  dequant = this.registerModule('dequant', new q.DeQuantStub());

  forward(input: torch.Tensor): torch.Tensor {
    let x = this.quant.forward(input);
    x = this.pool.forward(this.relu1.forward(this.bn1.forward(this.conv1.forward(x))));
    x = this.relu2.forward(this.fc1.forward(this.flatten.forward(x)));
    return this.dequant.forward(this.fc2.forward(x));
  }
}

function close(actual: number[], expected: number[], tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what} length`);
  actual.forEach((v, i) =>
    assert.ok(Math.abs(v - expected[i]!) <= tolerance * (1 + Math.abs(expected[i]!)), `${what}[${i}]: ${v} vs ${expected[i]}`),
  );
}

function preparedNet(): Net {
  const net = new Net();
  net.loadStateDict(Object.fromEntries(Object.entries(golden.model.stateDict).map(([k, v]) => [k, decode(v)])));
  net.train();
  const fused = q.fuseModulesQat(net, [
    ['conv1', 'bn1', 'relu1'],
    ['fc1', 'relu2'],
  ]);
  fused.qconfig = q.getDefaultQatQconfig('onednn');
  return q.prepareQat(fused);
}

onGoldenEngine(
  "fuseModulesQat, prepareQat, three SGD steps, convert: PyTorch's losses, parameters, fake-quant state and int8 model",
  () => {
    const before = torch.backends.quantized.engine;
    torch.backends.quantized.engine = golden.engine;
    const threads = torch.getNumThreads();
    torch.setNumThreads(1);
    try {
      const prepared = preparedNet();
      assert.ok(prepared.getSubmodule('conv1') instanceof torch.ao.nn.intrinsic.qat.ConvBnReLU2d);
      assert.ok(prepared.getSubmodule('fc1') instanceof torch.ao.nn.intrinsic.qat.LinearReLU);
      assert.ok(prepared.getSubmodule('fc2') instanceof torch.ao.nn.qat.Linear);
      assert.deepEqual(Object.keys(prepared.stateDict()), Object.keys(golden.model.trained), 'the state dict has PyTorch keys, in order');
      const optimizer = new torch.optim.SGD(prepared.parameters(), { lr: 0.05, momentum: 0.9 });
      const losses = golden.model.batches.map(({ input, target }) => {
        const loss = nn.functional.crossEntropy(prepared.forward(decode(input)), decode(target));
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        return loss.item();
      });
      // Same LibTorch version: the same kernels, so bit-exact up to float reassociation in the conv.
      const tolerance = sameVersion ? 1e-5 : 1e-4;
      close(losses, golden.model.losses, tolerance, 'losses');
      const state = prepared.stateDict();
      for (const [key, expected] of Object.entries(golden.model.trained))
        close(
          values(state[key]!),
          expected.values,
          key.endsWith('zero_point') || key.endsWith('num_batches_tracked') ? 0 : tolerance * 10,
          key,
        );
      prepared.eval();
      const x = decode(golden.model.input);
      close(values(torch.noGrad(() => prepared.forward(x))), golden.model.qatEvalOutput.values, tolerance * 10, 'QAT eval output');
      const quantized = q.convert(prepared);
      const quant = quantized.getSubmodule('quant') as torch.ao.nn.quantized.Quantize;
      close([quant.scale, quant.zeroPoint], [golden.model.quant.scale, golden.model.quant.zeroPoint], tolerance, 'quant qparams');
      for (const [name, expected] of Object.entries(golden.model.layers)) {
        const layer = quantized.getSubmodule(name) as torch.ao.nn.quantized.Linear;
        assert.equal(layer.constructor.name, expected.type.replace(/^Quantized/, ''), `${name} class`);
        close([layer.scale], [expected.scale], tolerance * 10, `${name} scale`);
        assert.equal(layer.zeroPoint, expected.zeroPoint, `${name} zero point`);
        const weight = layer.weight();
        const ints = values(weight.intRepr());
        // A weight right at a rounding boundary may land one step apart after float-level differences.
        ints.forEach((v, i) =>
          assert.ok(Math.abs(v - expected.weightIntRepr.values[i]!) <= (sameVersion ? 0 : 1), `${name} int8 weight [${i}]`),
        );
        close(values(weight.qPerChannelScales()), expected.weightScales.values, tolerance * 10, `${name} weight scales`);
        close(values(layer.bias()!), expected.bias.values, tolerance * 10, `${name} bias`);
      }
      const out = values(torch.noGrad(() => quantized.forward(x)));
      close(out, golden.model.output.values, 0, 'int8 output');
    } finally {
      torch.setNumThreads(threads);
      torch.backends.quantized.engine = before;
    }
  },
);

test('QAT with the Trainer: a fused CNN learns, converts to int8 and agrees with its fake-quantized self', async () => {
  torch.manualSeed(3);
  // Which half of the image is brighter: learnable in a few epochs.
  const images = torch.randn([96, 1, 8, 8]);
  const labels = images
    .narrow(3, 0, 4)
    .mean([1, 2, 3])
    .gt(images.narrow(3, 4, 4).mean([1, 2, 3]))
    .long();
  const loader = new torch.data.DataLoader(new torch.data.TensorDataset(images, labels), { batchSize: 16, shuffle: true, seed: 1 });
  const net = new nn.Sequential(
    new q.QuantStub(),
    new nn.Conv2d(1, 4, 3, { padding: 1 }),
    new nn.BatchNorm2d(4),
    new nn.ReLU(),
    new nn.Flatten(),
    new nn.Linear(256, 2),
    new q.DeQuantStub(),
  );
  const fused = q.fuseModulesQat(net.train(), [['1', '2', '3']]);
  fused.qconfig = q.getDefaultQatQconfig();
  const prepared = q.prepareQat(fused);
  const module = new torch.train.SupervisedModule(prepared, {
    loss: new nn.CrossEntropyLoss(),
    optimizer: (params) => new torch.optim.SGD(params, { lr: 0.05, momentum: 0.9 }),
  });
  const trainer = new torch.train.Trainer({
    maxEpochs: 4,
    seed: 0,
    enableProgressBar: false,
    logger: false,
    enableCheckpointing: false,
    enableCurves: false,
  });
  await trainer.fit(module, loader);
  prepared.eval();
  const qatPredictions = torch.noGrad(() => prepared.forward(images)).argmax(1);
  const accuracy = qatPredictions.eq(labels).float().mean().item();
  assert.ok(accuracy > 0.8, `QAT accuracy ${accuracy}`);
  const quantized = q.convert(prepared);
  assert.ok(quantized.at(1) instanceof torch.ao.nn.intrinsic.quantized.ConvReLU2d);
  assert.ok(quantized.at(5) instanceof torch.ao.nn.quantized.Linear);
  const int8Predictions = torch.noGrad(() => quantized.forward(images)).argmax(1);
  const agreement = int8Predictions.eq(qatPredictions).float().mean().item();
  assert.ok(agreement > 0.95, `int8 agrees with the fake-quantized model on ${agreement}`);
  const traced = torch.jit.trace(quantized, images.narrow(0, 0, 2));
  assert.deepEqual(values((traced.forward(images) as torch.Tensor).argmax(1)), values(int8Predictions));
});

test('QAT bad input: eval mode, unsupported fusions, missing qconfig; disabling observers freezes the qparams', () => {
  const net = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.BatchNorm2d(2), new nn.ReLU());
  net.qconfig = q.getDefaultQatQconfig('onednn');
  assert.throws(() => q.prepareQat(net.eval()), /prepareQat: the model must be in training mode/);
  assert.throws(() => q.prepareQat(net.train()), /'1' \(BatchNorm2d\) has no quantized counterpart/);
  assert.ok(net.at(0) instanceof nn.Conv2d && !(net.at(0) instanceof torch.ao.nn.qat.Conv2d), 'unchanged');
  const conv1d = new nn.Sequential(new nn.Conv1d(1, 2, 3), new nn.BatchNorm1d(2));
  assert.throws(
    () => q.fuseModulesQat(conv1d, [['0', '1']]),
    /cannot fuse \['0', '1'\] \(Conv1d, BatchNorm1d\): no fusion for this sequence/,
  );
  assert.throws(() => q.getDefaultQatQconfig('tpu'), /unknown backend 'tpu'/);
  assert.throws(() => torch.ao.nn.qat.Linear.fromFloat(new nn.Linear(2, 2)), /has no qconfig/);
  assert.throws(() => new q.FakeQuantize({ quantMin: 10, quantMax: 5 }), /quantMin \(10\) must be at most quantMax \(5\)/);
  const fakeQuant = new q.FusedMovingAvgObsFakeQuantize();
  fakeQuant.forward(torch.tensor([-1, 0, 1], { dtype: 'float32' }));
  const scale = fakeQuant.scale.item();
  const model = new nn.Sequential(fakeQuant);
  model.apply(q.disableObserver);
  fakeQuant.forward(torch.tensor([-10, 0, 10], { dtype: 'float32' }));
  assert.equal(fakeQuant.scale.item(), scale, 'observer off: the scale stays');
  model.apply(q.disableFakeQuant);
  assert.deepEqual(values(fakeQuant.forward(torch.tensor([0.123]))), [Math.fround(0.123)], 'fake quant off: identity');
});

test.run();
