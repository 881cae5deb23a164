// torch.nn against PyTorch (scripts/golden/nn_cases.py): default initialization with the same seed,
// and forward/backward of every layer from the same weights.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import * as torch from '../lib/index.ts';
import { assertTensorClose, decode, readFixture, type Encoded } from './helpers.ts';
import { native } from '../lib/native.ts';

const { nn } = torch;
type Spec = { type: string; args: unknown[] };
interface InitCase {
  name: string;
  seed: number;
  ts: Spec;
  params: Record<string, Encoded>;
}
interface ForwardCase {
  name: string;
  ts: Spec;
  train: boolean;
  state: Record<string, Encoded>;
  inputs: Encoded[];
  outputs: Encoded[];
  stateAfter?: Record<string, Encoded>;
  cotangent?: Encoded;
  grads?: (Encoded | null)[];
  masks?: Record<string, Encoded>;
}
interface LossCase {
  name: string;
  ts: Spec;
  input: Encoded;
  target: Encoded;
  output: Encoded;
}
const golden = readFixture<{ init: InitCase[]; forward: ForwardCase[]; losses: LossCase[] }>('nn_golden.json');

function build(spec: Spec): torch.nn.Module {
  const args = spec.args;
  switch (spec.type) {
    case 'TransformerEncoder': {
      const [d, heads, ff, layers] = args as number[];
      return new nn.TransformerEncoder(new nn.TransformerEncoderLayer(d!, heads!, { dimFeedforward: ff }), layers!);
    }
    case 'SequentialCNN':
      return new nn.Sequential(
        new nn.Conv2d(1, 3, 3, { padding: 1 }),
        new nn.ReLU(),
        new nn.MaxPool2d(2),
        new nn.Flatten(),
        new nn.Linear(3 * 4 * 4, 5),
        new nn.LogSoftmax(1),
      );
    case 'Activations':
      return new nn.Sequential(new nn.LeakyReLU(0.2), new nn.GELU(), new nn.SiLU(), new nn.Tanh(), new nn.Sigmoid(), new nn.Softmax(-1));
    default: {
      const Layer = (nn as unknown as Record<string, new (...a: unknown[]) => torch.nn.Module>)[spec.type];
      assert.ok(Layer, `nn.${spec.type} exists`);
      return new Layer(...args);
    }
  }
}

function flatOutputs(value: unknown): torch.Tensor[] {
  if (value instanceof torch.Tensor) return [value];
  if (Array.isArray(value)) return value.flatMap(flatOutputs);
  return [];
}

for (const c of golden.init) {
  test(`init: ${c.name} gets PyTorch's parameters with the same seed`, () => {
    torch.manualSeed(c.seed);
    const module = build(c.ts);
    const params = Object.fromEntries(module.namedParameters());
    assert.deepEqual(Object.keys(params), Object.keys(c.params), 'parameter names and order');
    for (const [name, expected] of Object.entries(c.params)) assertTensorClose(params[name]!, expected, 1e-6, name);
  });
}

for (const c of golden.forward) {
  test(`forward: ${c.name} matches PyTorch (outputs, input gradients${c.train ? ', running statistics' : ''})`, () => {
    const module = build(c.ts).double().train(c.train);
    const state = Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, decode(v)]));
    assert.deepEqual(module.loadStateDict(state), { missingKeys: [], unexpectedKeys: [] });
    const inputs = c.inputs.map((e) => decode({ ...e, requiresGrad: e.dtype === 'float64' && Boolean(c.grads) }));
    const masks = Object.fromEntries(Object.entries(c.masks ?? {}).map(([k, v]) => [k, decode(v)]));
    const forward = module.forward.bind(module) as (...a: unknown[]) => unknown;
    const result =
      c.ts.type === 'MultiheadAttention'
        ? inputs.length === 1
          ? forward(inputs[0], inputs[0], inputs[0])
          : forward(...inputs, masks)
        : forward(...inputs);
    const outputs = flatOutputs(result);
    assert.equal(outputs.length, c.outputs.length, 'output count');
    outputs.forEach((out, i) => assertTensorClose(out, c.outputs[i]!, 1e-9, `output ${i}`));
    if (c.stateAfter) {
      const after = module.stateDict();
      for (const [name, expected] of Object.entries(c.stateAfter))
        assertTensorClose(after[name]!, expected, 1e-9, `${name} after the step`);
    }
    if (c.grads) {
      const leaves = inputs.filter((x) => x.requiresGrad);
      const grads = torch.autograd.grad(outputs[0]!, leaves, { gradOutputs: [decode(c.cotangent!)], allowUnused: true });
      c.grads.forEach((expected, i) => expected && assertTensorClose(grads[i]!, expected, 1e-8, `grad ${i}`));
    }
  });
}

for (const c of golden.losses) {
  test(`loss module: ${c.name}`, () => {
    const loss = build(c.ts) as torch.nn.MSELoss; // every loss module takes (input, target)
    assertTensorClose(loss.forward(decode(c.input), decode(c.target)), c.output, 1e-10, c.name);
  });
}

class Net extends nn.Module {
  fc1 = this.registerModule('fc1', new nn.Linear(4, 8));
  act = this.registerModule('act', new nn.ReLU());
  fc2 = this.registerModule('fc2', new nn.Linear(8, 2));
  scale = this.registerParameter('scale', torch.ones([1]));
  steps = this.registerBuffer('steps', torch.zeros([1]));
  cache = this.registerBuffer('cache', torch.zeros([1]), { persistent: false });
  forward(x: torch.Tensor): torch.Tensor {
    return this.fc2.forward(this.act.forward(this.fc1.forward(x))).mul(this.scale);
  }
}

test('Module: traversal, counts, train/eval, apply, printing', () => {
  const net = new Net();
  assert.deepEqual(
    [...net.namedParameters()].map(([n]) => n),
    ['scale', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias'],
  );
  assert.deepEqual(
    [...net.namedBuffers()].map(([n]) => n),
    ['steps', 'cache'],
  );
  assert.deepEqual(
    [...net.namedChildren()].map(([n]) => n),
    ['fc1', 'act', 'fc2'],
  );
  assert.deepEqual(
    [...net.namedModules()].map(([n]) => n),
    ['', 'fc1', 'act', 'fc2'],
  );
  assert.equal(net.numParameters(), 1 + 4 * 8 + 8 + 8 * 2 + 2);
  net.fc1.weight.requiresGrad = false;
  assert.equal(net.numParameters({ trainableOnly: true }), 1 + 8 + 16 + 2);
  assert.equal(net.eval().training, false);
  assert.ok([...net.modules()].every((m) => !m.training));
  net.train();
  const visited: string[] = [];
  net.apply((m) => visited.push(m.constructor.name));
  assert.deepEqual(visited, ['Linear', 'ReLU', 'Linear', 'Net']);
  assert.equal(String(net.fc1), 'Linear(in_features=4, out_features=8, bias=True)');
  assert.match(nn.summary(net, torch.randn([3, 4])), /Linear \(fc1\)\s+\[3, 8\]\s+40/);
  assert.match(net.summary(torch.randn([3, 4])), /Total params: 59/);
});

test('Module: stateDict excludes non-persistent buffers; loadStateDict reports and checks', () => {
  const net = new Net();
  assert.deepEqual(Object.keys(net.stateDict()), ['scale', 'steps', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
  const other = new Net();
  other.loadStateDict(net.stateDict());
  assert.deepEqual(other.fc1.weight.toArray(), net.fc1.weight.toArray());
  const partial = net.stateDict();
  delete (partial as Record<string, unknown>)['fc2.bias'];
  partial.extra = torch.ones([1]);
  assert.throws(() => other.loadStateDict(partial), /missing keys: "fc2.bias"; unexpected keys: "extra"/);
  assert.deepEqual(other.loadStateDict(partial, { strict: false }), { missingKeys: ['fc2.bias'], unexpectedKeys: ['extra'] });
  const wrong = { ...net.stateDict(), 'fc1.bias': torch.zeros([3]) };
  const before = other.fc1.weight.toArray();
  assert.throws(
    () => other.loadStateDict(wrong),
    /size mismatch for fc1.bias: copying a param with shape \[3\] from checkpoint, the shape in current model is \[8\]/,
  );
  assert.deepEqual(other.fc1.weight.toArray(), before, 'a failed load changes nothing');
});

test("Module: a PyTorch state dict loads (Python's torch.save of nn.Sequential)", async () => {
  const model = new nn.Sequential(new nn.Linear(3, 2), new nn.ReLU(), new nn.Linear(2, 1));
  const sd = await torch.load<Record<string, torch.Tensor>>(new URL('./fixtures/pt/state_dict.pt', import.meta.url).pathname);
  model.loadStateDict(sd);
  assert.deepEqual((model.at(0) as torch.nn.Linear).bias!.toArray(), sd['0.bias']!.toArray());
});

test('Module: to() keeps tensor identity so optimizers stay valid; zeroGrad', () => {
  const net = new Net();
  const weight = net.fc1.weight;
  const opt = new torch.optim.SGD(net.parameters(), { lr: 0.1 });
  net.to('float64');
  assert.equal(net.fc1.weight, weight);
  assert.equal(weight.dtype, 'float64');
  assert.equal(net.steps.dtype, 'float64');
  net
    .forward(torch.randn([2, 4], { dtype: 'float64' }))
    .sum()
    .backward();
  opt.step();
  assert.ok(weight.grad);
  net.zeroGrad();
  assert.equal(weight.grad, null);
  assert.throws(() => net.to('int32'), /only floating dtypes/);
});

test('Module: forward hooks and pre-hooks see and may replace values', () => {
  const layer = new nn.Linear(2, 2);
  const seen: number[][] = [];
  const post = layer.registerForwardHook((_, inputs, output) => {
    seen.push((inputs[0] as torch.Tensor).shape);
    return (output as torch.Tensor).mul(0).abs();
  });
  const pre = layer.registerForwardPreHook((_, inputs) => [(inputs[0] as torch.Tensor).unsqueeze(0)]);
  const out = layer.forward(torch.ones([2]));
  assert.deepEqual(seen, [[1, 2]]);
  assert.deepEqual(out.toArray(), [[0, 0]]);
  post.remove();
  pre.remove();
  assert.deepEqual(layer.forward(torch.ones([2])).shape, [2]);
});

test('containers: Sequential, ModuleList, ModuleDict', () => {
  const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU());
  seq.append(new nn.Linear(3, 1));
  assert.equal(seq.length, 3);
  assert.ok(seq.at(-1) instanceof nn.Linear);
  assert.deepEqual(seq.forward(torch.ones([4, 2])).shape, [4, 1]);
  const list = new nn.ModuleList([new nn.Linear(1, 1), new nn.Linear(1, 1)]);
  assert.equal([...list.parameters()].length, 4);
  assert.throws(() => list.forward(), /ModuleList has no forward/);
  const dict = new nn.ModuleDict({ enc: new nn.Linear(1, 2), dec: new nn.Linear(2, 1) });
  assert.deepEqual([...dict.keys()], ['enc', 'dec']);
  assert.deepEqual(
    [...dict.namedParameters()].map(([n]) => n),
    ['enc.weight', 'enc.bias', 'dec.weight', 'dec.bias'],
  );
});

test('layer argument errors are clear', () => {
  assert.throws(() => new nn.Linear(0, 2), { name: 'RangeError', message: 'Linear: inFeatures must be a positive integer, got 0' });
  assert.throws(() => new nn.Conv2d(3, 4, 3, { groups: 2 }), /inChannels and outChannels must be divisible by groups \(2\)/);
  assert.throws(() => new nn.MultiheadAttention(10, 3), /embedDim \(10\) must be divisible by numHeads \(3\)/);
  assert.throws(() => new nn.Dropout(2), /Dropout: p must be between 0 and 1, got 2/);
  assert.throws(() => new nn.BatchNorm2d(3).forward(torch.ones([2, 3])), /BatchNorm2d: expected 4D input, got 2D/);
  assert.throws(() => new nn.LSTM(3, 4).forward(torch.ones([2, 5, 2])), /input.size\(-1\) must be equal to inputSize. Expected 3, got 2/);
  assert.throws(() => new nn.Embedding(4, 2, { paddingIdx: 9 }), /paddingIdx must be within numEmbeddings \(4\)/);
  const net = new Net();
  assert.throws(() => net.registerModule('fc1', new nn.ReLU()), /already has a member named 'fc1'/);
  assert.throws(() => net.registerParameter('a.b', torch.ones([1])), /without '\.'/);
});

test('a Sequential of built-in layers runs natively, with the same results as layer by layer', () => {
  torch.manualSeed(3);
  const model = new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1 }),
    new nn.BatchNorm2d(4),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Dropout(0.5),
    new nn.Flatten(),
    new nn.Linear(4 * 4 * 4, 6),
    new nn.GELU(),
    new nn.LayerNorm(6),
    new nn.LogSoftmax(1),
  );
  assert.equal(model.runsNatively, true);
  const x = torch.randn([3, 1, 8, 8]);
  const layerByLayer = (input: torch.Tensor) =>
    [...model].reduce((acc, layer) => (layer.forward as (t: torch.Tensor) => torch.Tensor)(acc), input);
  model.eval();
  const native = model.forward(x);
  const reference = layerByLayer(x);
  assert.deepEqual(native.toArray(), reference.toArray());
  // Training mode: batch norm updates its statistics and counts batches in the native path too.
  model.train();
  const bn = model.at(1) as torch.nn.BatchNorm2d;
  model.forward(x);
  assert.equal(bn.numBatchesTracked!.item(), 1);
  assert.notDeepEqual(bn.runningMean!.toArray(), [0, 0, 0, 0]);
  // Gradients flow through the native forward.
  model.forward(x).sum().backward();
  assert.ok((model.at(0) as torch.nn.Conv2d).weight.grad);
  // A hook or a custom layer sends it back to layer-by-layer.
  const handle = model.at(2).registerForwardHook(() => undefined);
  assert.equal(model.runsNatively, false);
  handle.remove();
  assert.equal(model.runsNatively, true);
  class Custom extends nn.Module {
    forward(t: torch.Tensor) {
      return t;
    }
  }
  assert.equal(new nn.Sequential(new nn.ReLU(), new Custom()).runsNatively, false);
  assert.throws(() => new nn.Sequential(new nn.BatchNorm2d(2)).forward(torch.ones([2, 2])), /BatchNorm2d: expected 4D input, got 2D/);
});

test('Sequential.forwardAsync runs the native plan off the event loop with the same result', async () => {
  const model = new nn.Sequential(new nn.Linear(64, 256), new nn.ReLU(), new nn.Linear(256, 8)).eval();
  const x = torch.randn([512, 64]);
  const sync = model.forward(x);
  const viaWorker = await model.forwardAsync(x);
  assert.deepEqual(viaWorker.toArray(), sync.toArray());
  const y = await new nn.Sequential(new nn.Linear(2, 2)).forwardAsync(torch.ones([1, 2], { requiresGrad: true }));
  assert.equal(y.requiresGrad, true, 'grad mode travels with the work');
});

test('the native plan reader names a malformed step, and an absent setting keeps its default', () => {
  const x = torch.tensor([[-2, 3]], { dtype: 'float32' });
  const run = (steps: unknown[]) => native.runSequential(steps as never, x) as torch.Tensor;
  assert.throws(
    () =>
      run([
        { kind: 'relu', name: 'ReLU' },
        { kind: 'swish', name: 'Swish' },
      ]),
    /step 1: unknown layer kind 'swish'/,
  );
  assert.throws(
    () => run([{ kind: 'leaky_relu', name: 'LeakyReLU', negativeSlope: '0.1' }]),
    /step 0: argument 'negativeSlope' must be a number, got a string/,
  );
  assert.throws(() => run([{ kind: 'linear', name: 'Linear', weight: [[1, 0]] }]), /step 0: argument 'weight'/);
  assert.throws(() => run([{ name: 'ReLU' }]), /step 0: unknown layer kind ''/);
  assert.throws(() => run(['relu']), /step 0 must be an object, got a string/);
  // LeakyReLU's default slope (0.01) when the step omits it.
  assert.deepEqual(run([{ kind: 'leaky_relu', name: 'LeakyReLU' }]).toArray(), [[-0.019999999552965164, 3]]);
});

test.run();
