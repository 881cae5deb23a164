// Dynamic quantization: torch.backends.quantized, quantizeDynamic on nn.Linear bit-exact with
// PyTorch's quantize_dynamic on the same engine (test/fixtures/quantize_golden.json from
// scripts/golden/quantize_cases.py), tracing and saving the quantized model, and bad input.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as torch from '../lib/index.ts';
import { hasPythonTorch, pythonJitForward, readFixture } from './helpers.ts';

const { nn } = torch;
const { quantizeDynamic } = torch.ao.quantization;

interface Encoded {
  values: number[];
  shape: number[];
  dtype: string;
}
const golden = readFixture<{
  engine: string;
  torchVersion: string;
  stateDict: Record<string, Encoded>;
  input: Encoded;
  layers: { index: number; scale: number; zeroPoint: number; intRepr: Encoded }[];
  output: Encoded;
  fp32Output: Encoded;
  rnn: { layer: 'LSTM' | 'GRU'; stateDict: Record<string, Encoded>; input: Encoded; output: Encoded; states: Encoded[] }[];
}>('quantize_golden.json');
const decode = (e: Encoded) => torch.tensor(e.values, { dtype: e.dtype as torch.DType }).reshape(e.shape);
// The golden values hold for their engine only; a build without it skips those tests. Outputs are
// bit-exact on the LibTorch version that made them; another version's kernels may round differently.
const sameVersion = torch.config().torchVersion.split('.').slice(0, 2).join('.') === golden.torchVersion.split('.').slice(0, 2).join('.');
function assertOutputs(actual: number[], expected: number[]): void {
  if (sameVersion) return assert.deepEqual(actual, expected);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= 1e-5 * (1 + Math.abs(expected[i]!)), `[${i}] ${v} vs ${expected[i]}`));
}
const onGoldenEngine = torch.backends.quantized.supportedEngines.includes(golden.engine) ? test : (name: string) => test.skip(name);

function floatModel(): torch.nn.Sequential {
  const model = new nn.Sequential(new nn.Linear(20, 32), new nn.ReLU(), new nn.Linear(32, 16), new nn.Tanh(), new nn.Linear(16, 5)).eval();
  model.loadStateDict(Object.fromEntries(Object.entries(golden.stateDict).map(([k, v]) => [k, decode(v)])));
  return model;
}

test('the engine is the best one the build has, and can be set by name', () => {
  const { quantized } = torch.backends;
  assert.ok(quantized.supportedEngines.includes(quantized.engine), quantized.engine);
  assert.notEqual(quantized.engine, 'qnnpack', 'never qnnpack when another engine exists');
  assert.throws(() => (quantized.engine = 'tpu'), /unknown quantized engine 'tpu': this LibTorch build supports/);
  const current = quantized.engine;
  quantized.engine = current;
  assert.equal(quantized.engine, current);
});

onGoldenEngine("quantizeDynamic gives PyTorch's int8 weights, scales and outputs, bit for bit", () => {
  torch.backends.quantized.engine = golden.engine;
  const model = floatModel();
  const quantized = quantizeDynamic(model, { qconfigSpec: [nn.Linear], dtype: 'qint8' }) as torch.nn.Sequential;
  const layers = [...quantized.children()];
  for (const expected of golden.layers) {
    const layer = layers[expected.index] as InstanceType<typeof torch.ao.nn.quantized.dynamic.Linear>;
    assert.ok(layer instanceof torch.ao.nn.quantized.dynamic.Linear, `layer ${expected.index} is quantized`);
    const qweight = layer.weight();
    assert.equal(qweight.dtype, 'qint8');
    assert.equal(qweight.qScale(), expected.scale);
    assert.equal(qweight.qZeroPoint(), expected.zeroPoint);
    assert.deepEqual(qweight.intRepr().flatten().toArray(), expected.intRepr.values);
  }
  const x = decode(golden.input);
  const out = torch.noGrad(() => quantized.forward(x));
  assertOutputs(out.flatten().toArray() as number[], golden.output.values);
  // The float model is untouched (not inplace).
  assert.ok([...model.children()][0] instanceof nn.Linear);
  const fp32 = torch
    .noGrad(() => model.forward(x))
    .flatten()
    .toArray() as number[];
  fp32.forEach((v, i) => assert.ok(Math.abs(v - golden.fp32Output.values[i]!) < 1e-5));
});

onGoldenEngine('a quantized model traces and saves; both nodetorch and Python load it with the same outputs', async () => {
  torch.backends.quantized.engine = golden.engine;
  const quantized = quantizeDynamic(floatModel());
  const x = decode(golden.input);
  const traced = torch.jit.trace(quantized, x.narrow(0, 0, 2));
  assert.match(traced.inlinedGraph(), /quantized::linear_dynamic/);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'nodetorch-q-')), 'mlp-int8.pt');
  await traced.save(file);
  const loaded = await torch.jit.load(file);
  const ours = torch
    .noGrad(() => quantized.forward(x) as torch.Tensor)
    .flatten()
    .toArray() as number[];
  assert.deepEqual((loaded.forward(x) as torch.Tensor).flatten().toArray(), ours);
  assertOutputs(ours, golden.output.values);
  if (!hasPythonTorch) return;
  const fromPython = pythonJitForward(file, golden.engine, golden.input);
  // Python's torch here is the same LibTorch version as ours: bit-exact.
  assert.deepEqual(fromPython, ours);
});

test('a layer type with no counterpart or another dtype is an error, and the model is left as it was', () => {
  const model = floatModel();
  const before = JSON.stringify(Object.keys(model.stateDict()));
  assert.throws(
    () => quantizeDynamic(model, { qconfigSpec: [nn.Conv2d] }),
    /Conv2d has no dynamically quantized counterpart \(supported: Linear, LSTM, GRU\)/,
  );
  assert.throws(() => quantizeDynamic(model, { dtype: 'float16' as never }), /dtype 'float16' is not supported/);
  assert.throws(() => quantizeDynamic({} as never), /model must be an nn\.Module/);
  assert.equal(JSON.stringify(Object.keys(model.stateDict())), before);
  assert.ok([...model.children()][0] instanceof nn.Linear);
  const whole = quantizeDynamic(new nn.Linear(4, 2));
  assert.ok(whole instanceof torch.ao.nn.quantized.dynamic.Linear);
  assert.throws(() => torch.ao.nn.quantized.dynamic.Linear.fromFloat(new nn.ReLU() as never), /expected an nn\.Linear/);
  assert.throws(() => torch.ao.nn.quantized.dynamic.LSTM.fromFloat(new nn.LSTM(2, 2, { bias: false })), /must have biases/);
  assert.throws(() => torch.ao.nn.quantized.dynamic.GRU.fromFloat(new nn.LSTM(2, 2) as never), /expected an nn\.GRU/);
  // A list of TorchScript objects from JS is checked element by element: a wrong element is a TypeError.
  const gru = new torch.Op('quantized_gru', 'input');
  const h = torch.zeros([1, 1, 2]);
  assert.throws(() => gru.call([torch.zeros([1, 1, 2]), h, [{}], true, 1, 0, false, false, false]), /params.*\[0\]|CellParamsBase/);
  assert.throws(() => gru.call([torch.zeros([1, 1, 2]), h, 'x', true, 1, 0, false, false, false]), /params/);
});

for (const c of golden.rnn) {
  onGoldenEngine(`quantizeDynamic(${c.layer}) gives Python's outputs and states; it traces and Python runs the file`, async () => {
    torch.backends.quantized.engine = golden.engine;
    const float =
      c.layer === 'LSTM' ? new nn.LSTM(6, 5, { numLayers: 2, bidirectional: true, batchFirst: true }) : new nn.GRU(6, 5, { numLayers: 2 });
    float.loadStateDict(Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, decode(v)])));
    const quantized = quantizeDynamic(new nn.Sequential(float.eval()));
    const layer = (quantized as torch.nn.Sequential).at(0) as torch.ao.nn.quantized.dynamic.LSTM | torch.ao.nn.quantized.dynamic.GRU;
    assert.ok(layer instanceof (c.layer === 'LSTM' ? torch.ao.nn.quantized.dynamic.LSTM : torch.ao.nn.quantized.dynamic.GRU));
    assert.equal(Object.keys(quantized.stateDict()).length, 0, 'no float weights are left');
    const x = decode(c.input);
    const [out, state] = torch.noGrad(() => layer.forward(x) as [torch.Tensor, torch.Tensor | torch.Tensor[]]);
    const states = Array.isArray(state) ? state : [state];
    assertOutputs(out.flatten().toArray() as number[], c.output.values);
    states.forEach((s, i) => assertOutputs(s.flatten().toArray() as number[], c.states[i]!.values));
    const unbatched = torch.noGrad(() => layer.forward(x.select(layer.batchFirst ? 0 : 1, 0)) as [torch.Tensor, unknown])[0];
    assert.equal(unbatched.dim(), 2, 'a 2-D input runs unbatched');
    // Traced with the packed cell parameters as attributes; Python runs the saved file.
    class Head extends nn.Module {
      rnn = this.registerModule('rnn', layer);
      forward(input: torch.Tensor): torch.Tensor {
        return (this.rnn.forward(input) as [torch.Tensor, unknown])[0];
      }
    }
    const traced = torch.jit.trace(new Head().eval(), x);
    assert.match(traced.inlinedGraph(), c.layer === 'LSTM' ? /aten::quantized_lstm/ : /aten::quantized_gru/);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'nodetorch-qrnn-')), `${c.layer}.pt`);
    await traced.save(file);
    assert.deepEqual((traced.forward(x) as torch.Tensor).flatten().toArray(), out.flatten().toArray());
    if (!hasPythonTorch) return;
    const fromPython = pythonJitForward(file, golden.engine, c.input);
    assert.deepEqual(fromPython, out.flatten().toArray());
  });
}

test.run();
