// Eager-mode fusion against PyTorch (scripts/golden/fusion_cases.py): torch.nn.utils.fusion's
// fused weights and outputs, torch.ao.quantization.fuseModules on whole models (fused state dicts,
// module classes, outputs), and fuseModules' copies, in-place fusion, hooks and errors.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import * as torch from '../lib/index.ts';
import { deepCopy } from '../lib/nn/deep-copy.ts';
import { assertTensorClose, decode, readFixture, type Encoded } from './helpers.ts';

const { nn } = torch;
const { fuseModules, fuseKnownModules } = torch.ao.quantization;
const intrinsic = torch.ao.nn.intrinsic;
type Tensor = torch.Tensor;
type Module = torch.nn.Module;
type Spec = { type: string; args: unknown[] };
type State = Record<string, Encoded>;
interface PairCase {
  name: string;
  layer: Spec;
  bn: Spec;
  transpose: boolean;
  layerState: State;
  bnState: State;
  input: Encoded;
  unfused: Encoded;
  weight: Encoded;
  bias: Encoded;
  output: Encoded;
}
interface ModelCase {
  name: string;
  ts: { type: 'Sequential'; layers: Spec[] } | { type: 'Net' };
  groups: string[] | string[][];
  state: State;
  input: Encoded;
  unfused: Encoded;
  fusedState: State;
  fusedClasses: Record<string, string>;
  output: Encoded;
}
const golden = readFixture<{ pairs: PairCase[]; models: ModelCase[] }>('fusion_golden.json');

function layer(spec: Spec): Module {
  const Layer = (nn as unknown as Record<string, new (...a: unknown[]) => Module>)[spec.type];
  assert.ok(Layer, `nn.${spec.type} exists`);
  return new Layer(...spec.args);
}

/** The generator's custom module: a nested Sequential, then a head, for dotted names. */
class Net extends nn.Module {
  features = this.registerModule(
    'features',
    new nn.Sequential(new nn.Conv2d(1, 3, 3, { padding: 1 }), new nn.BatchNorm2d(3), new nn.ReLU()),
  );
  pool = this.registerModule('pool', new nn.AdaptiveAvgPool2d(2));
  fc = this.registerModule('fc', new nn.Linear(12, 4));
  bn = this.registerModule('bn', new nn.BatchNorm1d(4));
  relu = this.registerModule('relu', new nn.ReLU());
  forward(x: Tensor): Tensor {
    return this.relu.forward(this.bn.forward(this.fc.forward(this.pool.forward(this.features.forward(x)).flatten(1))));
  }
}

const decodeState = (state: State) => Object.fromEntries(Object.entries(state).map(([k, v]) => [k, decode(v)]));
const run = (module: Module, x: Tensor) => (module.forward as (t: Tensor) => Tensor)(x);
const loaded = <M extends Module>(module: M, state: State): M => {
  assert.deepEqual(module.loadStateDict(decodeState(state)), { missingKeys: [], unexpectedKeys: [] });
  return module.eval();
};
const build = (c: ModelCase): Module => loaded(c.ts.type === 'Net' ? new Net() : new nn.Sequential(...c.ts.layers.map(layer)), c.state);
const classes = (model: Module) =>
  Object.fromEntries([...model.namedModules()].filter(([k]) => k).map(([k, m]) => [k, m.constructor.name]));
const same = (a: Tensor, b: Tensor) => assert.deepEqual(a.toArray(), b.toArray());

/** Conv2d(2, 4) + BatchNorm2d(4) + ReLU in eval mode, with running statistics away from (0, 1). */
function convBnRelu(): torch.nn.Sequential {
  torch.manualSeed(0);
  const model = new nn.Sequential(new nn.Conv2d(2, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU());
  const bn = model.at(1) as torch.nn.BatchNorm2d;
  torch.noGrad(() => {
    bn.runningMean!.copy_(torch.randn([4]));
    bn.runningVar!.copy_(torch.rand([4]).add(0.5));
    bn.weight!.copy_(torch.randn([4]));
    bn.bias!.copy_(torch.randn([4]));
  });
  return model.eval();
}

for (const c of golden.pairs) {
  test(`nn.utils.fusion: ${c.name} gives PyTorch's fused weight, bias and output`, () => {
    const first = loaded(layer(c.layer), c.layerState);
    const bn = loaded(layer(c.bn) as torch.nn.BatchNorm2d, c.bnState);
    const x = decode(c.input);
    assertTensorClose(run(bn, run(first, x)), c.unfused, 1e-5, 'unfused output');
    const fused = first instanceof nn.Linear ? nn.utils.fuseLinearBnEval(first, bn) : nn.utils.fuseConvBnEval(first as torch.nn.Conv2d, bn);
    assert.equal(fused.constructor, first.constructor);
    assertTensorClose(fused.weight, c.weight, 1e-6, 'weight');
    assertTensorClose(fused.bias!, c.bias, 1e-6, 'bias');
    assertTensorClose(run(fused, x), c.output, 1e-5, 'fused output');
    assert.deepEqual(Object.keys(fused.stateDict()), ['weight', 'bias']);
    // The originals are unchanged, and the copy shares no tensor with them.
    for (const [key, value] of Object.entries(first.stateDict())) assertTensorClose(value, c.layerState[key]!, 0, key);
    assert.equal((first as torch.nn.Linear).bias === null, !('bias' in c.layerState));
    assert.notEqual(fused.weight, (first as torch.nn.Linear).weight);
    // The *Weights functions compute the same tensors from the raw parameters.
    const stats = [bn.runningMean!, bn.runningVar!, bn.eps, bn.weight, bn.bias] as const;
    const w = first as torch.nn.Conv2d;
    const [weight, bias] =
      first instanceof nn.Linear
        ? nn.utils.fuseLinearBnWeights(first.weight, first.bias, ...stats)
        : nn.utils.fusion.fuseConvBnWeights(w.weight, w.bias, ...stats, { transpose: c.transpose });
    same(weight, fused.weight);
    same(bias, fused.bias!);
  });
}

for (const c of golden.models) {
  test(`fuseModules: ${c.name} gives PyTorch's fused state dict, modules and output`, () => {
    const model = build(c);
    const x = decode(c.input);
    assertTensorClose(run(model, x), c.unfused, 1e-5, 'unfused output');
    const before = classes(model);
    const fused = fuseModules(model, c.groups);
    assert.notEqual(fused, model);
    assert.deepEqual(classes(fused), c.fusedClasses);
    const state = fused.stateDict();
    assert.deepEqual(Object.keys(state), Object.keys(c.fusedState), 'state dict keys and order');
    for (const [key, expected] of Object.entries(c.fusedState)) assertTensorClose(state[key]!, expected, 1e-6, key);
    assertTensorClose(run(fused, x), c.output, 1e-5, 'fused output');
    assertTensorClose(run(fused, x), c.unfused, 1e-5, 'fused output against the unfused one');
    // The model itself is left as it was.
    assert.deepEqual(classes(model), before);
    for (const [key, value] of Object.entries(model.stateDict())) assertTensorClose(value, c.state[key]!, 0, key);
    if (fused instanceof nn.Sequential)
      assert.equal(fused.runsNatively, (model as torch.nn.Sequential).runsNatively, 'runs natively as before');
  });
}

test('fuseModules with inplace fuses the model itself; a custom forward runs the fused modules', () => {
  const c = golden.models.find((m) => m.name === 'nested_net')!;
  const model = build(c) as Net;
  const features = model.features;
  const result = fuseModules(model, c.groups, { inplace: true });
  assert.equal(result, model);
  assert.equal(model.features, features);
  assert.ok(features.at(0) instanceof intrinsic.ConvReLU2d);
  assert.ok(features.at(1) instanceof nn.Identity && features.at(2) instanceof nn.Identity);
  assert.ok(model.bn instanceof nn.Identity, 'the field follows the replaced child');
  assert.equal(model.getSubmodule('fc'), model.fc);
  assert.deepEqual(classes(model), c.fusedClasses);
  assertTensorClose(model.forward(decode(c.input)), c.output, 1e-5, 'output');
});

test('intrinsic modules are Sequentials of exactly the fused classes, with the same output', () => {
  const conv = new nn.Conv2d(2, 3, 3);
  const relu = new nn.ReLU();
  const fused = new intrinsic.ConvReLU2d(conv, relu);
  assert.ok(fused instanceof nn.Sequential && fused instanceof intrinsic.FusedModule);
  assert.equal(fused.at(0), conv);
  assert.equal(fused.at(1), relu);
  assert.equal(String(fused), `ConvReLU2d(\n  (0): ${String(conv)}\n  (1): ReLU()\n)`);
  const x = torch.randn([2, 2, 5, 5]);
  same(fused.forward(x), conv.forward(x).relu());
  const linear = new intrinsic.LinearReLU(new nn.Linear(3, 2), new nn.ReLU());
  same(linear.forward(torch.ones([1, 3])), (linear.at(0) as torch.nn.Linear).forward(torch.ones([1, 3])).relu());
  assert.throws(() => new intrinsic.ConvReLU2d(new nn.Conv1d(1, 1, 1), relu), {
    name: 'TypeError',
    message: 'ConvReLU2d: expected (Conv2d, ReLU), got (Conv1d, ReLU)',
  });
  class MyConv extends nn.Conv2d {}
  assert.throws(() => new intrinsic.ConvReLU2d(new MyConv(1, 1, 1), relu), /expected \(Conv2d, ReLU\), got \(MyConv, ReLU\)/);
});

test('a Sequential holding fused modules runs natively; a Sequential subclass with its own forward is not inlined', () => {
  const model = fuseModules(convBnRelu(), ['0', '1', '2']);
  const outer = new nn.Sequential(model, new nn.Flatten());
  assert.ok(outer.runsNatively);
  const x = torch.randn([2, 2, 4, 4]);
  same(
    outer.forward(x),
    run((model.at(0) as torch.nn.Sequential).at(0), x)
      .relu()
      .flatten(1),
  );
  class Doubled extends nn.Sequential {
    override forward(input: Tensor): Tensor {
      return super.forward(input).mul(2);
    }
  }
  const custom = new nn.Sequential(new Doubled(new nn.ReLU()), new nn.Identity());
  assert.equal(custom.runsNatively, false);
  same(custom.forward(torch.tensor([-1, 3])), torch.tensor([0, 6]));
  const hooked = new nn.Sequential(new nn.Sequential(new nn.ReLU()));
  hooked.at(0).registerForwardHook((_m, _i, out) => (out as Tensor).add(1));
  assert.equal(hooked.runsNatively, false);
  same(hooked.forward(torch.tensor([-1, 3])), torch.tensor([1, 4]));
});

test('conv-relu, linear-relu and bn-relu fuse in training mode (as in PyTorch); the Identities take the mode of the first', () => {
  const model = new nn.Sequential(new nn.Conv2d(1, 2, 1), new nn.ReLU(), new nn.BatchNorm2d(2), new nn.ReLU());
  const fused = fuseModules(model, [
    ['0', '1'],
    ['2', '3'],
  ]);
  assert.ok(fused.at(0) instanceof intrinsic.ConvReLU2d && fused.at(2) instanceof intrinsic.BNReLU2d);
  assert.ok([...fused.modules()].every((m) => m.training));
  model.at(1).eval();
  assert.equal(fuseModules(model, ['0', '1']).at(1).training, true);
});

test('fuseModules errors: training mode, bad names, unsupported sequences, bad arguments; the model is unchanged', () => {
  const model = convBnRelu();
  model.at(1).train();
  assert.throws(
    () => fuseModules(model, ['0', '1', '2']),
    (e: Error) =>
      /cannot fuse \['0', '1', '2'\] \(Conv2d, BatchNorm2d, ReLU\): '1' \(BatchNorm2d\) is in training mode/.test(e.message) &&
      /call model.eval\(\) first \(quantization-aware training fuses with fuseModulesQat instead\)/.test(e.message),
  );
  model.train();
  assert.throws(() => fuseModules(model, ['0', '1']), /'0' \(Conv2d\) and '1' \(BatchNorm2d\) are in training mode/);
  model.eval();
  assert.throws(() => fuseModules(model, ['0', '5']), /^Error: fuseModules: getSubmodule\('5'\): Sequential has no submodule '5'$/);
  const net = new Net().eval();
  assert.throws(() => fuseModules(net, [['features.0', 'features.1'], ['features.9']]), {
    message: "fuseModules: getSubmodule('features.9'): Sequential 'features' has no submodule '9'",
  });
  assert.throws(
    () => fuseModules(net, ['fc', 'bn', 'relu']),
    (e: Error) =>
      e.message ===
      "fuseModules: cannot fuse ['fc', 'bn', 'relu'] (Linear, BatchNorm1d, ReLU): no fusion for this sequence; supported with a Linear first: (Linear, BatchNorm1d), (Linear, ReLU)",
  );
  assert.throws(
    () => fuseModules(net, ['pool', 'relu']),
    /\(AdaptiveAvgPool2d, ReLU\): no fusion for this sequence; supported: \(Conv1d, BatchNorm1d\), /,
  );
  assert.throws(() => fuseModules(net, ['features.0']), /cannot fuse \['features.0'\] \(Conv2d\)/);
  assert.throws(() => fuseModules(net, [['fc', 'bn'], 'relu'] as unknown as string[][]), {
    name: 'TypeError',
    message: 'fuseModules: modulesToFuse must be a list of names or a list of lists of names, got "relu"',
  });
  // A subclass is not its base class for fusion (PyTorch looks the exact types up).
  class MyConv extends nn.Conv2d {}
  assert.throws(() => fuseModules(new nn.Sequential(new MyConv(1, 1, 1), new nn.ReLU()), ['0', '1']), /\(MyConv, ReLU\): no fusion/);
  // Every group is checked before any is fused, so inplace fusion leaves the model as it was.
  net.bn.train();
  assert.throws(
    () =>
      fuseModules(
        net,
        [
          ['features.0', 'features.1', 'features.2'],
          ['fc', 'bn'],
        ],
        { inplace: true },
      ),
    /'bn' \(BatchNorm1d\)/,
  );
  assert.ok(net.features.at(0) instanceof nn.Conv2d && net.features.at(1) instanceof nn.BatchNorm2d);
  // Layers that do not fit together: the fuser's error, with the names, and nothing fused (hooks included).
  const mismatched = new nn.Sequential(new nn.Conv2d(1, 2, 1), new nn.ReLU(), new nn.Conv2d(2, 4, 1), new nn.BatchNorm2d(3)).eval();
  const hook = () => undefined;
  mismatched.at(2).registerForwardPreHook(hook);
  assert.throws(
    () =>
      fuseModules(
        mismatched,
        [
          ['0', '1'],
          ['2', '3'],
        ],
        { inplace: true },
      ),
    {
      name: 'RangeError',
      message:
        "fuseModules: cannot fuse ['2', '3'] (Conv2d, BatchNorm2d): fuseConvBnEval: bn (BatchNorm2d) has 3 features but conv (Conv2d) has 4 output channels",
    },
  );
  assert.deepEqual(
    [...mismatched].map((m) => m.constructor.name),
    ['Conv2d', 'ReLU', 'Conv2d', 'BatchNorm2d'],
  );
  assert.throws(
    () => fuseKnownModules([mismatched.at(2), mismatched.at(3)]),
    /^RangeError: fuseModules: cannot fuse \(Conv2d, BatchNorm2d\): fuseConvBnEval/,
  );
  assert.ok(mismatched.at(2).hasHooks, 'the hook is given back');
});

test('fuseConvBnEval / fuseLinearBnEval errors name the layer at fault', () => {
  const model = convBnRelu();
  const [conv, bn] = [model.at(0) as torch.nn.Conv2d, model.at(1) as torch.nn.BatchNorm2d];
  bn.train();
  assert.throws(() => nn.utils.fuseConvBnEval(conv, bn), {
    message: 'fuseConvBnEval: fusion only for eval, but bn (BatchNorm2d) is in training mode: call .eval() first',
  });
  conv.train();
  assert.throws(() => nn.utils.fuseConvBnEval(conv, bn), /but conv \(Conv2d\) and bn \(BatchNorm2d\) are in training mode/);
  assert.throws(() => nn.utils.fuseConvBnEval(conv.eval(), new nn.BatchNorm2d(3).eval()), {
    name: 'RangeError',
    message: 'fuseConvBnEval: bn (BatchNorm2d) has 3 features but conv (Conv2d) has 4 output channels',
  });
  assert.throws(
    () => nn.utils.fuseConvBnEval(conv, new nn.BatchNorm2d(4, { trackRunningStats: false }).eval()),
    /has no running statistics/,
  );
  assert.throws(
    () => nn.utils.fuseConvBnEval(new nn.Linear(2, 2) as unknown as torch.nn.Conv2d, bn.eval()),
    /fuseConvBnEval: conv must be a Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, got Linear/,
  );
  assert.throws(() => nn.utils.fuseLinearBnEval(new nn.Linear(3, 4).eval(), new nn.BatchNorm1d(2).eval()), {
    message:
      'fuseLinearBnEval: bn (BatchNorm1d) has 2 features but linear has 4 output features (to fuse they must be equal, or bn must have 1)',
  });
});

test('fused parameters require grad as the originals did; a bias made from nothing does not (as in PyTorch 2)', () => {
  const conv = new nn.Conv2d(2, 3, 1, { bias: false }).eval();
  const fused = nn.utils.fuseConvBnEval(conv, new nn.BatchNorm2d(3).eval());
  assert.equal(fused.weight.requiresGrad, true);
  assert.equal(fused.bias!.requiresGrad, false);
  assert.ok(fused.weight.isLeaf && fused.bias!.isLeaf);
  assert.deepEqual(
    [...fused.namedParameters()].map(([k]) => k),
    ['weight', 'bias'],
  );
  assert.match(String(fused), /^Conv2d\(2, 3, kernel_size=\(1, 1\), stride=\(1, 1\)\)$/);
  const linear = new nn.Linear(2, 3).eval();
  linear.bias!.requiresGrad = false;
  assert.equal(nn.utils.fuseLinearBnEval(linear, new nn.BatchNorm1d(3).eval()).bias!.requiresGrad, false);
});

test('a transposed conv with groups folds per group (where PyTorch fails on the shapes)', () => {
  torch.manualSeed(3);
  const conv = new nn.ConvTranspose2d(4, 6, 3, { stride: 2, groups: 2 }).eval();
  const bn = new nn.BatchNorm2d(6).eval();
  torch.noGrad(() => {
    bn.runningMean!.copy_(torch.randn([6]));
    bn.runningVar!.copy_(torch.rand([6]).add(0.5));
    bn.weight!.copy_(torch.randn([6]));
  });
  const x = torch.randn([2, 4, 3, 3]);
  const fused = nn.utils.fuseConvBnEval(conv, bn);
  const gap = fused
    .forward(x)
    .sub(bn.forward(conv.forward(x)))
    .abs()
    .max()
    .item();
  assert.ok(gap < 1e-5, `fused differs from unfused by ${gap}`);
});

test('hooks: the first module’s pre-hooks and the last one’s hooks move to the fused module; the copy keeps the original’s', () => {
  const model = convBnRelu();
  const calls: string[] = [];
  model.at(0).registerForwardPreHook(() => void calls.push('pre'));
  model.at(2).registerForwardHook((module) => void calls.push(`post ${module.constructor.name}`));
  const fused = fuseModules(model, ['0', '1', '2']);
  fused.forward(torch.randn([1, 2, 3, 3]));
  assert.deepEqual(calls, ['pre', 'post ConvReLU2d']);
  assert.ok(!(fused.at(0) as torch.nn.Sequential).at(0).hasHooks && !(fused.at(0) as torch.nn.Sequential).at(1).hasHooks);
  calls.length = 0;
  model.forward(torch.randn([1, 2, 3, 3]));
  assert.deepEqual(calls, ['pre', 'post ReLU']);
  // fuseKnownModules is the list form: the fused module, then Identities.
  const [a, b, c] = fuseKnownModules([model.at(0), model.at(1), model.at(2)]);
  assert.ok(a instanceof intrinsic.ConvReLU2d && b instanceof nn.Identity && c instanceof nn.Identity);
  assert.ok(a.hasHooks && !model.at(0).hasHooks && !model.at(2).hasHooks);
});

test('Module.getSubmodule / setSubmodule / replaceParameter', () => {
  const net = new Net();
  assert.equal(net.getSubmodule(''), net);
  assert.equal(net.getSubmodule('features.1'), net.features.at(1));
  const relu = new nn.ReLU();
  net.setSubmodule('features.1', relu);
  assert.equal(net.features.at(1), relu);
  assert.deepEqual(
    [...net.features].map((m) => m.constructor.name),
    ['Conv2d', 'ReLU', 'ReLU'],
  );
  assert.equal([...net.features.namedChildren()][1]![1], relu);
  const fc = new nn.Linear(12, 4);
  net.setSubmodule('fc', fc);
  assert.equal(net.fc, fc);
  assert.deepEqual(Object.keys(net.stateDict()).slice(2), [
    'fc.weight',
    'fc.bias',
    'bn.weight',
    'bn.bias',
    'bn.running_mean',
    'bn.running_var',
    'bn.num_batches_tracked',
  ]);
  assert.throws(() => net.setSubmodule('head', relu), /setSubmodule\('head'\): Net has no submodule 'head' to replace/);
  assert.throws(() => net.getSubmodule('fc.x'), /getSubmodule\('fc.x'\): Linear 'fc' has no submodule 'x'/);
  const list = new nn.ModuleList([new nn.ReLU()]);
  list.setSubmodule('0', fc);
  assert.equal(list.at(0), fc);
  const dict = new nn.ModuleDict({ a: new nn.ReLU() });
  dict.setSubmodule('a', fc);
  assert.equal(dict.get('a'), fc);
  const conv = new nn.Conv1d(1, 1, 1, { bias: false });
  const bias = torch.zeros([1]);
  conv.replaceParameter('bias', bias);
  assert.equal(conv.bias, bias);
  assert.equal(bias.requiresGrad, false, 'kept as given');
  assert.throws(() => conv.replaceParameter('scale', bias), /Conv1d has no parameter named 'scale' to replace/);
});

test('deepCopy copies a module tree as copy.deepcopy: own tensors, shared ones still shared, hooks and forward bound to the copy', () => {
  const net = new Net().eval();
  const tied = new nn.Sequential(new nn.Linear(2, 2), new nn.Linear(2, 2));
  const [a, b] = [tied.at(0) as torch.nn.Linear, tied.at(1) as torch.nn.Linear];
  b.replaceParameter('weight', a.weight);
  const seen: Module[] = [];
  net.registerForwardHook((module) => void seen.push(module));
  const copy = deepCopy(net);
  assert.ok(copy instanceof Net && copy !== net && !copy.training);
  assert.notEqual(copy.fc, net.fc);
  assert.equal(copy.getSubmodule('fc'), copy.fc, 'fields and children point at the same copies');
  assert.notEqual(copy.fc.weight, net.fc.weight);
  same(copy.fc.weight, net.fc.weight);
  assert.ok(copy.fc.weight.requiresGrad && copy.fc.weight.isLeaf);
  torch.noGrad(() => copy.fc.weight.zero_());
  assert.ok(net.fc.weight.abs().sum().item() > 0, 'the original keeps its values');
  const x = torch.randn([1, 1, 4, 4]);
  copy.forward(x);
  assert.deepEqual(seen, [copy], 'the hook runs with the copy');
  const tiedCopy = deepCopy(tied);
  assert.equal((tiedCopy.at(0) as torch.nn.Linear).weight, (tiedCopy.at(1) as torch.nn.Linear).weight);
  assert.equal([...tiedCopy.parameters()].length, 3);
});

test.run();
