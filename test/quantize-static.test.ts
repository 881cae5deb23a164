// Eager-mode static quantization against PyTorch 2.x (test/fixtures/static_quant_golden.json from
// scripts/golden/static_quant_cases.py): observers' ranges and qparams, and a CNN fused, prepared,
// calibrated and converted with PyTorch's eager-mode steps giving PyTorch's qparams, int8 weights
// and outputs; then saving, tracing and bad input.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import * as torch from '../lib/index.ts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hasPythonTorch, pythonJitForward, readFixture } from './helpers.ts';

const q = torch.ao.quantization;

interface Encoded {
  values: number[];
  shape: number[];
  dtype: string;
}
interface ObserverCase {
  observer: string;
  args: Record<string, unknown>;
  inputs: Encoded[];
  minVal: Encoded;
  maxVal: Encoded;
  scale: Encoded;
  zeroPoint: Encoded;
}
interface LayerCase {
  type: string;
  scale: number;
  zeroPoint: number;
  weightIntRepr: Encoded;
  weightScales: Encoded;
  weightZeroPoints: Encoded;
  bias: Encoded;
}
const golden = readFixture<{
  engine: string;
  torchVersion: string;
  observers: ObserverCase[];
  model: {
    stateDict: Record<string, Encoded>;
    calibration: Encoded[];
    input: Encoded;
    fp32Output: Encoded;
    observers: Record<string, { minVal: number; maxVal: number; scale: number; zeroPoint: number }>;
    quant: { scale: number; zeroPoint: number };
    skip: { scale: number; zeroPoint: number };
    layers: Record<string, LayerCase>;
    output: Encoded;
    repr: string;
  };
}>('static_quant_golden.json');
const decode = (e: Encoded) => torch.tensor(e.values, { dtype: e.dtype as torch.DType }).reshape(e.shape);
const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

const OBSERVERS: Record<string, new (options: never) => torch.ao.quantization.ObserverBase> = {
  MinMaxObserver: q.MinMaxObserver,
  MovingAverageMinMaxObserver: q.MovingAverageMinMaxObserver,
  PerChannelMinMaxObserver: q.PerChannelMinMaxObserver,
  MovingAveragePerChannelMinMaxObserver: q.MovingAveragePerChannelMinMaxObserver,
  HistogramObserver: q.HistogramObserver,
};

for (const [i, c] of golden.observers.entries()) {
  test(`observer ${i}: ${c.observer}(${JSON.stringify(c.args)}) gives PyTorch's range and qparams`, () => {
    const options = Object.fromEntries(Object.entries(c.args).map(([k, v]) => [camel(k), v])) as never;
    const observer = new OBSERVERS[c.observer]!(options);
    for (const x of c.inputs) observer.forward(decode(x));
    const state = observer.stateDict();
    assert.deepEqual([...state.min_val!._toTypedArray()], c.minVal.values);
    assert.deepEqual([...state.max_val!._toTypedArray()], c.maxVal.values);
    const { scale, zeroPoint } = observer.calculateQparams();
    assert.deepEqual([...scale._toTypedArray()], c.scale.values);
    assert.deepEqual([...zeroPoint._toTypedArray()].map(Number), c.zeroPoint.values);
  });
}

const { nn } = torch;
const sameVersion = torch.config().torchVersion.split('.').slice(0, 2).join('.') === golden.torchVersion.split('.').slice(0, 2).join('.');
const onGoldenEngine = torch.backends.quantized.supportedEngines.includes(golden.engine) ? test : (name: string) => test.skip(name);

/** The golden script's Net: QuantStub, conv-bn-relu, max pool, conv-relu, a residual add, linear-relu, linear, DeQuantStub. */
class Net extends nn.Module {
  quant = this.registerModule('quant', new q.QuantStub());
  conv1 = this.registerModule('conv1', new nn.Conv2d(1, 4, 3, { padding: 1 }));
  bn1 = this.registerModule('bn1', new nn.BatchNorm2d(4));
  relu1 = this.registerModule('relu1', new nn.ReLU());
  pool = this.registerModule('pool', new nn.MaxPool2d(2));
  conv2 = this.registerModule('conv2', new nn.Conv2d(4, 4, 3, { padding: 1 }));
  relu2 = this.registerModule('relu2', new nn.ReLU());
  skip = this.registerModule('skip', new torch.ao.nn.quantized.FloatFunctional());
  flatten = this.registerModule('flatten', new nn.Flatten());
  fc1 = this.registerModule('fc1', new nn.Linear(64, 16));
  relu3 = this.registerModule('relu3', new nn.ReLU());
  fc2 = this.registerModule('fc2', new nn.Linear(16, 3));
  dequant = this.registerModule('dequant', new q.DeQuantStub());

  forward(input: torch.Tensor): torch.Tensor {
    let x = this.quant.forward(input);
    x = this.pool.forward(this.relu1.forward(this.bn1.forward(this.conv1.forward(x))));
    x = this.skip.add(x, this.relu2.forward(this.conv2.forward(x)));
    x = this.relu3.forward(this.fc1.forward(this.flatten.forward(x)));
    return this.dequant.forward(this.fc2.forward(x));
  }
}

function floatNet(): Net {
  const net = new Net();
  net.loadStateDict(Object.fromEntries(Object.entries(golden.model.stateDict).map(([k, v]) => [k, decode(v)])));
  return net.eval();
}

function quantizedNet(): { float: Net; prepared: Net; quantized: Net } {
  const float = floatNet();
  const fused = q.fuseModules(float, [
    ['conv1', 'bn1', 'relu1'],
    ['conv2', 'relu2'],
    ['fc1', 'relu3'],
  ]);
  fused.qconfig = q.getDefaultQconfig('onednn');
  const prepared = q.prepare(fused);
  torch.noGrad(() => golden.model.calibration.forEach((x) => prepared.forward(decode(x))));
  return { float, prepared, quantized: q.convert(prepared) };
}

// The float convolutions before each observer round differently from CPU to CPU (oneDNN picks
// AVX-512 or AVX2 kernels), so an activation's range, and the scale made from it, may differ from
// the generator machine's in the last bits; weights and their qparams do not depend on the CPU.
function closeFloat(actual: number, expected: number, label: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-6 * Math.abs(expected), `${label}: ${actual} vs PyTorch's ${expected}`);
}

function withEngine<T>(engine: string, fn: () => T): T {
  const before = torch.backends.quantized.engine;
  torch.backends.quantized.engine = engine;
  try {
    return fn();
  } finally {
    torch.backends.quantized.engine = before;
  }
}

onGoldenEngine("fuse, prepare, calibrate, convert: PyTorch's observer ranges, qparams, int8 weights and outputs", () =>
  withEngine(golden.engine, () => {
    const { float, prepared, quantized } = quantizedNet();
    assert.deepEqual(
      [...torch.noGrad(() => float.forward(decode(golden.model.input)))._toTypedArray()].length,
      golden.model.fp32Output.values.length,
    );
    for (const [name, expected] of Object.entries(golden.model.observers)) {
      const observer = prepared.getSubmodule(name) as torch.ao.quantization.ObserverBase & { min: number; max: number };
      closeFloat(observer.min, expected.minVal, `${name} min`);
      closeFloat(observer.max, expected.maxVal, `${name} max`);
      const { scale, zeroPoint } = observer.calculateQparams();
      closeFloat(scale.item(), expected.scale, `${name} scale`);
      assert.equal(zeroPoint.item(), expected.zeroPoint, `${name} zero point`);
    }
    const quant = quantized.getSubmodule('quant') as torch.ao.nn.quantized.Quantize;
    closeFloat(quant.scale, golden.model.quant.scale, 'quant scale');
    assert.equal(quant.zeroPoint, golden.model.quant.zeroPoint);
    const skip = quantized.getSubmodule('skip') as torch.ao.nn.quantized.QFunctional;
    closeFloat(skip.scale, golden.model.skip.scale, 'skip scale');
    assert.equal(skip.zeroPoint, golden.model.skip.zeroPoint);
    for (const [name, expected] of Object.entries(golden.model.layers)) {
      const layer = quantized.getSubmodule(name) as torch.ao.nn.quantized.Linear;
      assert.equal(layer.constructor.name, expected.type.replace(/^Quantized/, ''), `${name} class`);
      closeFloat(layer.scale, expected.scale, `${name} output scale`);
      assert.equal(layer.zeroPoint, expected.zeroPoint, `${name} output zero point`);
      const weight = layer.weight();
      assert.deepEqual([...weight.intRepr()._toTypedArray()], expected.weightIntRepr.values, `${name} int8 weight`);
      assert.deepEqual([...weight.qPerChannelScales()._toTypedArray()], expected.weightScales.values, `${name} weight scales`);
      assert.deepEqual([...weight.qPerChannelZeroPoints()._toTypedArray()].map(Number), expected.weightZeroPoints.values);
      assert.deepEqual([...layer.bias()!._toTypedArray()], expected.bias.values, `${name} bias`);
    }
    assert.ok(['bn1', 'relu1', 'relu2', 'relu3'].every((name) => quantized.getSubmodule(name) instanceof nn.Identity));
    const out = torch.noGrad(() => quantized.forward(decode(golden.model.input)));
    assert.equal(out.dtype, 'float32');
    const [actual, expected] = [[...out._toTypedArray()].map(Number), golden.model.output.values];
    // Another LibTorch version's int8 kernels, or activation scales a bit apart (above), may round an
    // output a step or two apart; most outputs are still PyTorch's exactly.
    const step = golden.model.layers.fc2!.scale;
    actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= 2 * step + 1e-7, `[${i}] ${v} vs ${expected[i]}`));
    const exact = actual.filter((v, i) => Math.abs(v - expected[i]!) <= 1e-6 * Math.abs(expected[i]!) + 1e-7).length;
    assert.ok(exact >= (sameVersion ? 0.9 : 0.5) * actual.length, `${exact} of ${actual.length} outputs are PyTorch's exactly`);
  }),
);

onGoldenEngine('a statically quantized model traces and saves; nodetorch and Python load it with the same outputs', async () =>
  withEngine(golden.engine, async () => {
    const { quantized } = quantizedNet();
    const x = decode(golden.model.input);
    const traced = torch.jit.trace(quantized, x);
    const graph = traced.inlinedGraph();
    for (const op of [
      'quantized::conv2d_relu',
      'quantized::add',
      'quantized::linear_relu',
      'quantized::linear',
      'aten::quantize_per_tensor',
      'aten::dequantize',
    ])
      assert.ok(graph.includes(op), `${op} in the traced graph`);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'nodetorch-sq-')), 'cnn-int8.pt');
    await traced.save(file);
    const ours = [...torch.noGrad(() => quantized.forward(x))._toTypedArray()];
    const loaded = await torch.jit.load(file);
    assert.deepEqual([...(loaded.forward(x) as torch.Tensor)._toTypedArray()], ours);
    if (!hasPythonTorch) return;
    const fromPython = pythonJitForward(file, golden.engine, golden.model.input);
    assert.deepEqual(fromPython, ours);
  }),
);

// The golden script's Net in Python, fused, prepared and converted (calibrated on `batches` if given).
const PYTHON_NET = `
import json, sys, torch, torch.nn as nn
from torch.ao.nn.quantized import FloatFunctional
from torch.ao.quantization import DeQuantStub, QuantStub, convert, fuse_modules, get_default_qconfig, prepare
torch.backends.quantized.engine = "onednn"
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.quant = QuantStub(); self.conv1 = nn.Conv2d(1, 4, 3, padding=1); self.bn1 = nn.BatchNorm2d(4); self.relu1 = nn.ReLU()
        self.pool = nn.MaxPool2d(2); self.conv2 = nn.Conv2d(4, 4, 3, padding=1); self.relu2 = nn.ReLU(); self.skip = FloatFunctional()
        self.flatten = nn.Flatten(); self.fc1 = nn.Linear(64, 16); self.relu3 = nn.ReLU(); self.fc2 = nn.Linear(16, 3); self.dequant = DeQuantStub()
    def forward(self, x):
        x = self.quant(x)
        x = self.pool(self.relu1(self.bn1(self.conv1(x))))
        x = self.skip.add(x, self.relu2(self.conv2(x)))
        x = self.relu3(self.fc1(self.flatten(x)))
        return self.dequant(self.fc2(x))
def quantized_net(batches=()):
    model = fuse_modules(Net().eval(), [["conv1", "bn1", "relu1"], ["conv2", "relu2"], ["fc1", "relu3"]])
    model.qconfig = get_default_qconfig("onednn")
    prepared = prepare(model)
    with torch.no_grad():
        for x in batches: prepared(x)
    return convert(prepared)
request = json.load(sys.stdin)
x = torch.tensor(request["values"], dtype=torch.float32).reshape(request["shape"])
`;

onGoldenEngine("state dicts in PyTorch's format both ways: Python loads ours, we load Python's, with the same outputs", async () =>
  withEngine(golden.engine, async () => {
    const { quantized } = quantizedNet();
    const state = quantized.stateDict();
    assert.equal(state['fc1.weight']!.dtype, 'qint8');
    assert.deepEqual(state['quant.scale']!.toArray(), [golden.model.quant.scale].map(Math.fround));
    assert.equal(state['skip.zero_point']!.item(), golden.model.skip.zeroPoint);
    const x = decode(golden.model.input);
    const ours = [...torch.noGrad(() => quantized.forward(x))._toTypedArray()];
    // Loading our own state dict into a differently calibrated copy makes it the same model.
    const other = quantizedNet().quantized;
    (other.getSubmodule('fc2') as torch.ao.nn.quantized.Linear).scale = 1;
    other.loadStateDict(state);
    assert.deepEqual([...torch.noGrad(() => other.forward(x))._toTypedArray()], ours);
    if (!hasPythonTorch) return;
    const dir = mkdtempSync(path.join(tmpdir(), 'nodetorch-sqsd-'));
    const [mine, theirs] = [path.join(dir, 'ours.pt'), path.join(dir, 'python.pt')];
    await torch.save(state, mine);
    const script = `${PYTHON_NET}
import warnings
warnings.simplefilter("ignore")
theirs = quantized_net()
theirs.load_state_dict(torch.load(request["ours"]))
calibrated = quantized_net([torch.tensor(c["values"], dtype=torch.float32).reshape(c["shape"]) for c in request["calibration"]])
torch.save(calibrated.state_dict(), request["theirs"])
print(json.dumps([theirs(x).reshape(-1).tolist(), calibrated(x).reshape(-1).tolist()]))
`;
    const request = JSON.stringify({
      ours: mine,
      theirs,
      calibration: golden.model.calibration,
      values: golden.model.input.values,
      shape: golden.model.input.shape,
    });
    const [fromPython, pythonModel] = JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', script], { input: request, encoding: 'utf8' }),
    ) as number[][];
    assert.deepEqual(fromPython, ours, 'Python loads our state dict');
    const loaded = quantizedNet().quantized;
    loaded.loadStateDict(await torch.load<Record<string, torch.Tensor>>(theirs));
    assert.deepEqual([...torch.noGrad(() => loaded.forward(x))._toTypedArray()], pythonModel, "we load Python's (its packed format)");
  }),
);

test('quantize() over a DataLoader calibrates and converts; QuantWrapper wraps a float model', async () => {
  const float = floatNet();
  const fused = q.fuseModules(float, [
    ['conv1', 'bn1', 'relu1'],
    ['conv2', 'relu2'],
    ['fc1', 'relu3'],
  ]);
  fused.qconfig = q.getDefaultQconfig();
  const images = torch.cat(golden.model.calibration.map(decode), 0);
  const loader = new torch.data.DataLoader(new torch.data.TensorDataset(images, torch.zeros([images.shape[0]!])), { batchSize: 5 });
  let batches = 0;
  const quantized = await q.quantize(fused, async (prepared) => (batches = await q.calibrate(prepared, loader)));
  assert.equal(batches, 3);
  assert.ok(quantized.getSubmodule('fc2') instanceof torch.ao.nn.quantized.Linear);
  assert.ok(fused.getSubmodule('fc2') instanceof nn.Linear, 'quantize works on a copy');
  const out = torch.noGrad(() => quantized.forward(decode(golden.model.input)));
  const fp32 = torch.noGrad(() => float.forward(decode(golden.model.input)));
  assert.ok(out.sub(fp32).abs().max().item() < 0.05, 'int8 output near the float one');

  const mlp = new nn.Sequential(new nn.Linear(6, 8), new nn.ReLU(), new nn.Linear(8, 2)).eval();
  const wrapped = new q.QuantWrapper(mlp);
  wrapped.qconfig = q.defaultQconfig;
  const prepared = q.prepare(wrapped);
  await q.calibrate(prepared, [torch.randn([16, 6]), [torch.randn([16, 6])], { input: torch.randn([16, 6]) }]);
  const converted = q.convert(prepared);
  assert.ok(converted.getSubmodule('quant') instanceof torch.ao.nn.quantized.Quantize);
  assert.ok(converted.getSubmodule('module.0') instanceof torch.ao.nn.quantized.Linear);
  assert.equal(torch.noGrad(() => converted.forward(torch.randn([3, 6]))).shape.join(), '3,2');
  // A quantized model predicts through the Trainer like any model.
  const predictions = await new torch.train.Trainer({ enableProgressBar: false, logger: false, enableCheckpointing: false }).predict(
    new torch.train.SupervisedModule(converted, {
      loss: new nn.MSELoss(),
      optimizer: (params) => new torch.optim.SGD(params, { lr: 0.1 }),
    }),
    new torch.data.DataLoader(new torch.data.TensorDataset(torch.randn([10, 6]), torch.zeros([10])), { batchSize: 4 }),
  );
  assert.deepEqual(
    (predictions as torch.Tensor[]).map((p) => p.shape.join()),
    ['4,2', '4,2', '2,2'],
  );
  await assert.rejects(q.calibrate(prepared, []), /calibration data had no batches/);
  await assert.rejects(q.calibrate(prepared, ['x']), /batch 0 is not a tensor/);
});

test('bad input: convert before prepare or calibration, unsupported layers, unknown backends; the model is left as it was', () => {
  const float = floatNet();
  float.qconfig = q.getDefaultQconfig('onednn');
  const keys = JSON.stringify(Object.keys(float.stateDict()));
  // An unfused BatchNorm2d has no quantized counterpart here.
  assert.throws(() => q.prepare(float), /prepare: 'bn1' \(BatchNorm2d\) has no quantized counterpart in nodetorch: fuse it/);
  assert.throws(() => q.prepare(float, { inplace: true }), /'bn1' \(BatchNorm2d\)/);
  assert.equal(JSON.stringify(Object.keys(float.stateDict())), keys);
  assert.ok(float.getSubmodule('conv1') instanceof nn.Conv2d && !float.getSubmodule('conv1').hasHooks);

  const fused = q.fuseModules(float, [
    ['conv1', 'bn1', 'relu1'],
    ['conv2', 'relu2'],
    ['fc1', 'relu3'],
  ]);
  assert.throws(() => q.convert(fused), /convert: the model has no observers: run prepare\(model\) and calibrate it before convert/);
  const prepared = q.prepare(fused);
  assert.throws(() => q.prepare(prepared), /already has an observer: the model was prepared already/);
  assert.throws(() => q.convert(prepared, { inplace: true }), /convert: the observer of 'quant' \(QuantStub\) saw no data/);
  assert.ok(prepared.getSubmodule('fc2') instanceof nn.Linear, 'a failed convert changes nothing');
  assert.throws(() => q.getDefaultQconfig('mkl'), /unknown backend 'mkl' \(known: x86, fbgemm, onednn, qnnpack\)/);
  assert.throws(
    () => new q.MinMaxObserver({ qscheme: 'per_channel_affine' }),
    /qscheme must be 'per_tensor_affine' or 'per_tensor_symmetric'/,
  );
  assert.throws(() => new q.MinMaxObserver({ quantMin: 5, quantMax: 10 }), /must include 0/);
  assert.throws(
    () => new q.PerChannelMinMaxObserver({ dtype: 'quint8', qscheme: 'per_channel_symmetric', reduceRange: true }),
    /cannot reduce range/,
  );
  assert.throws(() => new q.HistogramObserver({ bins: 0 }), /bins must be a positive integer/);
  assert.throws(() => new q.PerChannelMinMaxObserver({ chAxis: 3 }).forward(torch.zeros([2, 2])), /chAxis 3 is out of range/);
  assert.throws(() => new torch.ao.nn.quantized.FloatFunctional().forward(), /use its operations/);
  const conv = new nn.Conv2d(1, 1, 3, { paddingMode: 'reflect', padding: 1 });
  conv.qconfig = q.defaultQconfig;
  assert.throws(() => torch.ao.nn.quantized.Conv2d.fromFloat(conv), /only zero padding/);
  // Uncalibrated observers report PyTorch's defaults.
  const { scale, zeroPoint } = new q.MinMaxObserver().calculateQparams();
  assert.deepEqual([scale.item(), zeroPoint.item()], [1, 0]);
});

test.run();
