// torch.nn.utils.prune against PyTorch (scripts/golden/prune_cases.py): the masks, state dicts
// (weight_orig / weight_mask, in PyTorch's order), outputs and gradients after each method, after
// composition (PruningContainer), global pruning and remove, with ties decided as PyTorch decides
// them; the random methods under the same seed (nodetorch draws PyTorch's numbers, see
// golden-core's "random" cases). Then the reparametrization in use (training through the mask,
// Sequential's native plan, deep copies, tidy), bad input leaving the model unchanged, the
// sparsity report, the gradual schedule, sparse storage, and a pruned state dict loaded in Python.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as torch from '../lib/index.ts';
import { deepCopy } from '../lib/nn/deep-copy.ts';
import { assertTensorClose, decode, hasPythonTorch, readFixture, testOrSkip, type Encoded } from './helpers.ts';

const { nn } = torch;
const { prune } = nn.utils;
type Tensor = torch.Tensor;
type Module = torch.nn.Module;
type Spec = { type: string; args?: unknown[]; layers?: Spec[] };
type Amount = { count: number } | { fraction: number };
interface Step {
  fn: string;
  module?: string;
  name?: string;
  options?: Record<string, unknown>;
  targets?: [string, string][];
  seed?: number;
}
interface Case {
  name: string;
  ts: Spec;
  state: Record<string, Encoded>;
  steps: Step[];
  after: Record<string, Encoded>;
  keys: string[];
  pruned: boolean;
  input?: Encoded;
  output?: Encoded;
  grads?: Record<string, Encoded>;
}
const golden = readFixture<{ cases: Case[] }>('prune_golden.json');

function build(spec: Spec): Module {
  if (spec.type === 'Sequential') return new nn.Sequential(...spec.layers!.map(build));
  const Layer = (nn as unknown as Record<string, new (...a: unknown[]) => Module>)[spec.type];
  assert.ok(Layer, `nn.${spec.type} exists`);
  return new Layer(...(spec.args ?? []));
}

// JSON cannot tell 1 from 1.0, so the fixture says which; nodetorch takes a plain number for a
// count or a non-integer fraction, and { fraction } for 1.0 (tests both forms).
const amountOf = (amount: Amount): torch.nn.utils.prune.PruningAmount =>
  'count' in amount ? amount.count : Number.isInteger(amount.fraction) ? { fraction: amount.fraction } : amount.fraction;
const NORMS: Record<string, number> = { inf: Infinity, '-inf': -Infinity };

function runStep(model: Module, step: Step): void {
  const module = model.getSubmodule(step.module ?? '');
  const options: Record<string, unknown> = { ...step.options };
  if (step.seed !== undefined) torch.manualSeed(step.seed);
  if (options.amount) options.amount = amountOf(options.amount as Amount);
  if (options.importanceScores) options.importanceScores = decode(options.importanceScores as Encoded);
  if (typeof options.n === 'string' && options.n in NORMS) options.n = NORMS[options.n];
  const name = step.name!;
  switch (step.fn) {
    case 'globalUnstructured': {
      const method = { L1Unstructured: prune.L1Unstructured, RandomUnstructured: prune.RandomUnstructured }[
        options.pruningMethod as string
      ]!;
      const targets = step.targets!.map(([at, param]) => [model.getSubmodule(at), param] as const);
      prune.globalUnstructured(targets, { ...options, pruningMethod: method, amount: options.amount as number });
      return;
    }
    case 'customFromMask':
      prune.customFromMask(module, name, { mask: decode(options.mask as Encoded) });
      return;
    case 'remove':
      prune.remove(module, name);
      return;
    case 'identity':
      prune.identity(module, name);
      return;
    default: {
      const fn = (prune as unknown as Record<string, (m: Module, n: string, o: unknown) => Module>)[step.fn];
      assert.ok(fn, `prune.${step.fn} exists`);
      fn(module, name, options);
    }
  }
}

const decodeState = (state: Record<string, Encoded>) => Object.fromEntries(Object.entries(state).map(([k, v]) => [k, decode(v)]));
const values = (t: Tensor) => Array.from(t.toTypedArray(), Number);
const run = (module: Module, x: Tensor) => (module.forward as (t: Tensor) => Tensor)(x);

/** Keys, shapes and exact values of a state dict (what "unchanged" means below). */
function snapshot(module: Module): [string, number[], number[]][] {
  return Object.entries(module.stateDict()).map(([key, t]) => [key, [...t.shape], values(t)]);
}

for (const c of golden.cases) {
  test(`golden ${c.name}: state dict (masks included) equals PyTorch's after ${c.steps.map((s) => s.fn).join(', ')}`, () => {
    const model = build(c.ts);
    const loaded = model.loadStateDict(decodeState(c.state));
    assert.deepEqual(loaded, { missingKeys: [], unexpectedKeys: [] });
    for (const step of c.steps) runStep(model, step);
    const state = model.stateDict();
    assert.deepEqual(Object.keys(state), c.keys, 'keys in PyTorch order');
    for (const [key, want] of Object.entries(c.after)) {
      assert.deepEqual(state[key]!.shape, want.shape, `${key} shape`);
      assert.deepEqual(values(state[key]!), want.values.map(Number), `${key} values`);
    }
    assert.equal(prune.isPruned(model), c.pruned);
    if (c.input) {
      const out = run(model, decode(c.input));
      assertTensorClose(out, c.output!, 1e-6, 'output');
      out.sum().backward();
      for (const [key, p] of model.namedParameters()) assertTensorClose(p.grad!, c.grads![key]!, 1e-6, `grad of ${key}`);
    }
  });
}

test('Module.deleteParameter / deleteBuffer / replaceBuffer and the pre-hook list, which pruning is built on', () => {
  const bn = new nn.BatchNorm1d(2);
  const weight = bn.weight!;
  assert.equal(bn.deleteParameter('weight'), weight);
  assert.deepEqual(Object.keys(bn.stateDict()), ['bias', 'running_mean', 'running_var', 'num_batches_tracked']);
  assert.equal(bn.weight, weight, 'the field keeps its value');
  assert.throws(() => bn.deleteParameter('weight'), /BatchNorm1d has no parameter named 'weight' to delete/);
  const mean = torch.ones([2]);
  assert.equal(bn.replaceBuffer('running_mean', mean), mean);
  assert.equal(bn.runningMean, mean, 'the field that held the old buffer holds the new one');
  assert.deepEqual(Object.keys(bn.stateDict()), ['bias', 'running_mean', 'running_var', 'num_batches_tracked'], 'in its place');
  assert.throws(() => bn.replaceBuffer('scale', mean), /BatchNorm1d has no buffer named 'scale' to replace/);
  bn.registerBuffer('extra', torch.zeros([1]), { persistent: false });
  assert.ok(bn.deleteBuffer('extra'));
  bn.registerBuffer('extra', torch.zeros([1]));
  assert.ok('extra' in bn.stateDict(), 'deleting forgot that it was not persistent');
  assert.throws(() => bn.deleteBuffer('missing'), /BatchNorm1d has no buffer named 'missing' to delete/);
  const hook = () => undefined;
  const other = () => undefined;
  bn.registerForwardPreHook(hook);
  bn.registerForwardPreHook(other);
  assert.deepEqual(bn.registeredForwardPreHooks(), [hook, other]);
  assert.equal(bn.removeForwardPreHook(hook), true);
  assert.equal(bn.removeForwardPreHook(hook), false);
  assert.deepEqual(bn.registeredForwardPreHooks(), [other]);
});

// ---- the reparametrization in use --------------------------------------------------------------

test('pruning reparametrizes as PyTorch: weight_orig is the same tensor (optimizers keep it), weight a plain masked tensor, recomputed every forward', () => {
  torch.manualSeed(0);
  const layer = new nn.Linear(4, 3);
  const original = layer.weight;
  const optimizer = new torch.optim.SGD(layer.parameters(), { lr: 0.5 });
  const returned = prune.l1Unstructured(layer, 'weight', { amount: 6 });
  assert.equal(returned, layer);
  const params = Object.fromEntries(layer.namedParameters());
  assert.equal(params.weight_orig, original, 'the parameter object moved to weight_orig');
  assert.equal(params.weight, undefined, 'weight is no longer a parameter');
  const mask = Object.fromEntries(layer.namedBuffers()).weight_mask!;
  assert.equal(values(mask).filter((v) => v === 0).length, 6);
  assert.ok(!layer.weight.isLeaf && layer.weight.requiresGrad, 'weight = weight_orig * weight_mask, in the graph');
  assert.deepEqual(values(layer.weight), values(original.mul(mask)));
  for (let step = 0; step < 3; step++) {
    optimizer.zeroGrad();
    layer
      .forward(torch.randn([5, 4]))
      .pow(2)
      .sum()
      .backward();
    assert.ok(
      values(original.grad!).every((g, i) => values(mask)[i] === 1 || g === 0),
      'no gradient reaches pruned entries',
    );
    optimizer.step();
  }
  const before = values(layer.weight);
  layer.forward(torch.randn([1, 4]));
  assert.notDeepEqual(values(layer.weight), before, 'the pre-hook recomputed weight from the trained weight_orig');
  assert.deepEqual(values(layer.weight), values(original.mul(mask)));
  assert.ok(
    values(layer.weight).every((v, i) => values(mask)[i] === 1 || v === 0),
    'pruned entries stay zero while training',
  );
  prune.remove(layer, 'weight');
  assert.equal(layer.weight, original, 'remove: weight is the same parameter object again, with the masked values');
  assert.ok(layer.weight.isLeaf && layer.weight.requiresGrad);
  assert.deepEqual(Object.keys(layer.stateDict()), ['bias', 'weight']);
  assert.equal(values(layer.weight).filter((v) => v === 0).length, 6);
  assert.ok(!prune.isPruned(layer));
  assert.deepEqual([...layer.parameters()], [layer.bias, original], 'the optimizer and the module share the parameters still');
});

test('a pruned layer inside a Sequential leaves the native plan (hooks), computes with the masked weight, and rejoins it after remove', async () => {
  torch.manualSeed(1);
  const model = new nn.Sequential(new nn.Linear(5, 4), new nn.ReLU(), new nn.Linear(4, 2));
  const x = torch.randn([3, 5]);
  assert.ok(model.runsNatively);
  prune.lnStructured(model.at(0), 'weight', { amount: 2, n: 1, dim: 0 });
  assert.equal(model.runsNatively, false, 'a layer with hooks is excluded from the native plan');
  const first = model.at(0) as torch.nn.Linear;
  const orig = Object.fromEntries(first.namedParameters()).weight_orig!;
  const mask = Object.fromEntries(first.namedBuffers()).weight_mask!;
  const expected = torch.noGrad(() =>
    (model.at(2) as torch.nn.Linear).forward(torch.nn.functional.linear(x, orig.mul(mask), { bias: first.bias }).relu()),
  );
  assert.deepEqual(values(run(model, x)), values(expected));
  assert.deepEqual(values(await model.forwardAsync(x)), values(expected), 'forwardAsync too');
  assert.equal(first.nativeStep()!.kind, 'linear');
  assert.equal((first.nativeStep() as { weight: Tensor }).weight, first.weight, 'nativeStep reads the field the hook sets');
  prune.remove(first, 'weight');
  assert.ok(model.runsNatively, 'back in the native plan after remove');
  assert.deepEqual(values(run(model, x)), values(expected), 'the same output, natively');
});

test('a deep copy of a pruned model is pruned on its own; the masked tensor survives torch.tidy; Module.to moves orig and mask', () => {
  torch.manualSeed(2);
  const model = new nn.Sequential(new nn.Linear(3, 3));
  prune.l1Unstructured(model.at(0), 'weight', { amount: 4 });
  const copy = deepCopy(model);
  assert.ok(prune.isPruned(copy));
  const copied = copy.at(0) as torch.nn.Linear;
  torch.noGrad(() => Object.fromEntries(copied.namedParameters()).weight_orig!.fill_(2));
  const x = torch.ones([1, 3]);
  run(copy, x);
  assert.deepEqual(values(copied.weight), values(Object.fromEntries(copied.namedBuffers()).weight_mask!.mul(2)));
  assert.ok(
    values((model.at(0) as torch.nn.Linear).weight).some((v) => v !== 0 && v !== 2),
    'the original keeps its weights',
  );
  prune.remove(copied, 'weight');
  assert.ok(!prune.isPruned(copy) && prune.isPruned(model));
  torch.tidy(() => void run(model, x));
  const layer = model.at(0) as torch.nn.Linear;
  assert.ok(!layer.weight.isDisposed, "the pre-hook's tensor is module state, kept out of tidy");
  model.to('float64');
  run(model, x.double());
  assert.equal(layer.weight.dtype, 'float64');
});

test('an RNN weight prunes through its list of flat weights: the LSTM computes with the masked tensor', () => {
  torch.manualSeed(5);
  const lstm = new nn.LSTM(3, 4);
  const x = torch.randn([5, 2, 3]);
  prune.l1Unstructured(lstm, 'weight_hh_l0', { amount: 0.5 });
  const reference = new nn.LSTM(3, 4);
  reference.loadStateDict(prune.permanentStateDict(lstm));
  assert.ok(torch.equal(lstm.forward(x)[0], reference.forward(x)[0]));
  assert.deepEqual(Object.keys(lstm.stateDict()).slice(-2), ['weight_hh_l0_orig', 'weight_hh_l0_mask']);
  prune.remove(lstm, 'weight_hh_l0');
  assert.ok(torch.equal(lstm.forward(x)[0], reference.forward(x)[0]));
});

test('amounts: an integer is a count (Python int), another number a fraction; { fraction } and { count } say it explicitly', () => {
  const zeros = (options: { amount: torch.nn.utils.prune.PruningAmount }) => {
    const layer = new nn.Linear(5, 2);
    prune.l1Unstructured(layer, 'weight', options);
    return values(Object.fromEntries(layer.namedBuffers()).weight_mask!).filter((v) => v === 0).length;
  };
  assert.equal(zeros({ amount: 1 }), 1, '1 is one entry');
  assert.equal(zeros({ amount: { fraction: 1 } }), 10, '{ fraction: 1 } is all of them');
  assert.equal(zeros({ amount: { count: 3 } }), 3);
  assert.equal(zeros({ amount: 0.25 }), 2, 'round(2.5) = 2, half to even as Python');
  assert.equal(zeros({ amount: 0.35 }), 4, 'round(3.5) = 4');
  assert.equal(zeros({ amount: { fraction: 0 } }), 0);
});

test('PruningContainer composes: the second method prunes what the first left, and the container lists both', () => {
  const layer = new nn.Linear(4, 2);
  torch.noGrad(() =>
    layer.weight.copy_(
      torch.tensor([
        [1, 2, 3, 4],
        [5, 6, 7, 8],
      ]),
    ),
  );
  const first = prune.L1Unstructured.apply(layer, 'weight', { amount: 2 });
  assert.ok(first instanceof prune.L1Unstructured && first.tensorName === 'weight');
  const second = prune.RandomUnstructured.apply(layer, 'weight', { amount: { fraction: 1 } });
  assert.ok(second instanceof prune.PruningContainer);
  const container = second;
  assert.deepEqual(
    [...container].map((m) => m.constructor.name),
    ['L1Unstructured', 'RandomUnstructured'],
  );
  assert.equal(prune.LnStructured.apply(layer, 'weight', { amount: 0, n: 2, dim: 0 }), container, 'a third joins the same container');
  assert.equal(container.length, 3);
  assert.deepEqual(values(Object.fromEntries(layer.namedBuffers()).weight_mask!), Array(8).fill(0));
  assert.equal(
    layer.registeredForwardPreHooks().length,
    1,
    'one hook per pruned tensor, as PyTorch (the old one is replaced by the container)',
  );
  const method = new prune.L1Unstructured({ amount: 1 });
  assert.deepEqual(values(method.prune(torch.tensor([3, -1.5, 2]))), [3, -0, 2], 'prune(t) without a module');
});

test('a custom BasePruningMethod subclass works with apply and globalUnstructured, as in the PyTorch tutorial', () => {
  class EveryOther extends prune.BasePruningMethod {
    readonly pruningType = 'unstructured' as const;
    constructor(_options: object = {}) {
      super();
    }
    computeMask(_t: Tensor, defaultMask: Tensor): Tensor {
      const mask = defaultMask.clone();
      mask.view(-1).indexFill_(0, torch.arange(0, mask.numel(), 2), 0);
      return mask;
    }
  }
  const layer = new nn.Linear(3, 2);
  EveryOther.apply(layer, 'weight');
  assert.deepEqual(values(Object.fromEntries(layer.namedBuffers()).weight_mask!), [0, 1, 0, 1, 0, 1]);
  const other = new nn.Linear(2, 2);
  prune.globalUnstructured([[other, 'weight']], { pruningMethod: EveryOther });
  assert.deepEqual(values(Object.fromEntries(other.namedBuffers()).weight_mask!), [0, 1, 0, 1]);
});

// ---- bad input -----------------------------------------------------------------------------

function assertUnchanged(module: Module, call: () => unknown, message: RegExp, ErrorType: new (...a: never[]) => Error = Error): void {
  const before = snapshot(module);
  const hooks = [...module.modules()].map((m) => m.registeredForwardPreHooks().length);
  assert.throws(call, (error: unknown) => {
    assert.ok(error instanceof ErrorType, `${String(error)} is a ${ErrorType.name}`);
    assert.match(error.message, message);
    return true;
  });
  assert.deepEqual(snapshot(module), before, 'the state dict is unchanged');
  assert.deepEqual(
    [...module.modules()].map((m) => m.registeredForwardPreHooks().length),
    hooks,
    'no hook was added or removed',
  );
}

test('bad amounts are errors naming the amount and the tensor; the module is left unchanged', () => {
  const layer = new nn.Linear(4, 3);
  const l1 = (amount: unknown) => () => prune.l1Unstructured(layer, 'weight', { amount: amount as number });
  for (const amount of [1.5, -0.2, -1, { fraction: 2 }, { count: 1.5 }, NaN])
    assertUnchanged(
      layer,
      l1(amount),
      /amount=.* should either be a float in the range \[0, 1\] or a non-negative integer \(pruning Linear's 'weight'/,
      RangeError,
    );
  assertUnchanged(layer, l1('half'), /invalid type for amount: 'half'/, TypeError);
  assertUnchanged(layer, l1(undefined), /invalid type for amount: undefined/, TypeError);
  assertUnchanged(
    layer,
    l1(13),
    /amount=13 should be smaller than the number of parameters to prune=12 \(pruning Linear's 'weight'; the module is unchanged\)/,
    RangeError,
  );
  assertUnchanged(
    layer,
    () => prune.lnStructured(layer, 'weight', { amount: 4, n: 1, dim: 0 }),
    /amount=4 should be smaller than the number of parameters to prune=3/,
    RangeError,
  );
  prune.l1Unstructured(layer, 'weight', { amount: 6 });
  assertUnchanged(layer, l1(7), /amount=7 should be smaller than the number of parameters to prune=6/, RangeError);
  assertUnchanged(layer, () => prune.lnStructured(layer, 'weight', { amount: 0.5, n: 2, dim: 5 }), /dim=5 is out of range/, RangeError);
  const composite = Object.fromEntries(layer.namedBuffers()).weight_mask!;
  assert.equal(values(composite).filter((v) => v === 0).length, 6, 'the earlier pruning is intact');
});

test('pruning a missing tensor, a buffer or a null parameter, or removing what is not pruned, names the module and the tensor', () => {
  const layer = new nn.Linear(4, 3, { bias: false });
  assertUnchanged(
    layer,
    () => prune.l1Unstructured(layer, 'wieght', { amount: 1 }),
    /prune\.L1Unstructured: Linear has no parameter named 'wieght' \(its parameters: weight\)/,
  );
  assertUnchanged(
    layer,
    () => prune.l1Unstructured(layer, 'bias', { amount: 1 }),
    /no parameter named 'bias' \(it is null: the layer was built without it\)/,
  );
  const bn = new nn.BatchNorm1d(3);
  assertUnchanged(bn, () => prune.identity(bn, 'running_mean'), /'running_mean' is a buffer of BatchNorm1d, not a parameter/);
  assertUnchanged(
    layer,
    () => prune.remove(layer, 'weight'),
    /prune\.remove: parameter 'weight' of Linear has to be pruned before pruning can be removed/,
  );
  assertUnchanged(layer, () => prune.remove(layer, 'scale'), /prune\.remove: Linear has no pruned tensor named 'scale'/);
  assertUnchanged(layer, () => prune.l1Unstructured({} as Module, 'weight', { amount: 1 }), /expected a torch\.nn\.Module/, TypeError);
});

test('structured pruning: dim out of range, an invalid n, a 1-D tensor; importance scores and masks of the wrong shape', () => {
  const layer = new nn.Linear(4, 3);
  const ln = (options: object) => () => prune.lnStructured(layer, 'weight', { amount: 1, n: 2, dim: 0, ...options });
  assertUnchanged(
    layer,
    ln({ dim: 2 }),
    /dim=2 is out of range for a tensor of 2 dimensions \(shape \[3, 4\]\) \(pruning Linear's 'weight'/,
    RangeError,
  );
  assertUnchanged(layer, ln({ dim: -3 }), /dim=-3 is out of range/, RangeError);
  assertUnchanged(layer, ln({ dim: 0.5 }), /dim must be an integer, got 0.5/, TypeError);
  assertUnchanged(
    layer,
    () => prune.randomStructured(layer, 'weight', { amount: 1, dim: 2 }),
    /prune\.RandomStructured: dim=2 is out of range/,
    RangeError,
  );
  for (const n of ['l2', NaN, undefined, null])
    assertUnchanged(layer, ln({ n }), /n must be a number \(the norm's order; Infinity and -Infinity too\), 'fro' or 'nuc'/, TypeError);
  assertUnchanged(
    layer,
    () => prune.lnStructured(layer, 'bias', { amount: 1, n: 1, dim: 0 }),
    /structured pruning can only be applied to multidimensional tensors; found a tensor of shape \[3\]/,
  );
  assertUnchanged(
    layer,
    ln({ importanceScores: torch.ones([4, 3]) }),
    /importanceScores should be a tensor of the shape of the parameter \(\[3, 4\]\)/,
  );
  assertUnchanged(
    layer,
    () => prune.customFromMask(layer, 'weight', { mask: torch.ones([12]) }),
    /the mask's shape \[12\] is not the tensor's \[3, 4\]/,
  );
});

test('globalUnstructured checks every entry before pruning any; a structured method or too large an amount changes nothing', () => {
  const model = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
  const [a, b] = [model.at(0), model.at(2)];
  const pairs = (extra: [Module, string][] = []): [Module, string][] => [[a, 'weight'], [b, 'weight'], ...extra];
  const global = (parameters: [Module, string][], options: object) => () =>
    prune.globalUnstructured(parameters, { pruningMethod: prune.L1Unstructured, amount: 0.5, ...options } as never);
  assertUnchanged(
    model,
    global(pairs([[b, 'wieght']]), {}),
    /Linear has no parameter named 'wieght'.*\(parameters\[2\]: Linear's 'wieght'; nothing was pruned\)/,
  );
  assertUnchanged(
    model,
    global(pairs(), { amount: 21 }),
    /amount=21 should be smaller than the number of parameters to prune=20/,
    RangeError,
  );
  assertUnchanged(model, global(pairs(), { amount: 2.5 }), /amount=2.5 should either be a float/, RangeError);
  assertUnchanged(
    model,
    global(pairs(), { pruningMethod: prune.LnStructured, n: 1, dim: 0 }),
    /only unstructured pruning methods are supported; LnStructured is structured/,
    TypeError,
  );
  assertUnchanged(
    model,
    global(pairs(), { importanceScores: new Map([[a, { weight: torch.ones([2]) }]]) }),
    /importanceScores for it should be a tensor of shape \[4, 3\]/,
  );
  assertUnchanged(
    model,
    () => prune.globalUnstructured(5 as never, { pruningMethod: prune.L1Unstructured, amount: 1 }),
    /parameters must be an iterable/,
    TypeError,
  );
});

// ---- report, schedule, sparse storage --------------------------------------------------------

test('sparsityReport: per tensor and global zeros of what forward computes with, and a table', () => {
  const model = new nn.Sequential(new nn.Linear(4, 5), new nn.ReLU(), new nn.Linear(5, 2));
  torch.noGrad(() => {
    for (const p of model.parameters()) p.fill_(1);
    (model.at(2) as torch.nn.Linear).weight.copy_(torch.arange(1, 11).reshape([2, 5]));
    (model.at(2) as torch.nn.Linear).bias!.fill_(20);
  });
  prune.l1Unstructured(model.at(0), 'weight', { amount: 10 });
  prune.globalUnstructured(
    [
      [model.at(2), 'weight'],
      [model.at(2), 'bias'],
    ],
    { pruningMethod: prune.L1Unstructured, amount: 6 },
  );
  torch.noGrad(() => (model.at(0) as torch.nn.Linear).bias!.narrow(0, 0, 1).zero_());
  const report = prune.sparsityReport(model);
  assert.deepEqual(
    report.rows.map(({ name, parameter, total, zeros, pruned }) => [name, parameter, total, zeros, pruned]),
    [
      ['0', 'bias', 5, 1, false],
      ['0', 'weight', 20, 10, true],
      ['2', 'weight', 10, 6, true],
      ['2', 'bias', 2, 0, true],
    ],
  );
  assert.deepEqual(report.global, { total: 37, zeros: 17, sparsity: 17 / 37 });
  assert.equal(report.rows[1]!.sparsity, 0.5);
  assert.deepEqual(prune.sparsityReport(model, { parameterNames: ['weight'] }).global, { total: 30, zeros: 16, sparsity: 16 / 30 });
  const table = prune.formatSparsityReport(report);
  assert.match(table, /^Layer\s+Parameter\s+Total\s+Zeros\s+Sparsity$/m);
  assert.match(table, /^0\s+weight \(pruned\)\s+20\s+10\s+50\.00%$/m);
  assert.match(table, /^Global\s+37\s+17\s+45\.95%$/m);
});

test("gradualSchedule: Zhu & Gupta's cubic sparsity, and per-step amounts of what is left that compose to it", () => {
  const schedule = prune.gradualSchedule({ initialSparsity: 0.1, finalSparsity: 0.9, startEpoch: 2, endEpoch: 6, frequency: 2 });
  const want = [0, 0, 0.1, 0.1, 0.9 - 0.8 / 8, 0.9 - 0.8 / 8, 0.9, 0.9];
  want.forEach((s, t) => assert.ok(Math.abs(schedule.sparsity(t) - s) < 1e-12, `sparsity(${t}) = ${schedule.sparsity(t)}, want ${s}`));
  assert.deepEqual(
    [0, 1, 3, 5, 7].map((t) => schedule(t)),
    [0, 0, 0, 0, 0],
    'no pruning off the steps',
  );
  let left = 1;
  for (const t of [2, 4, 6]) {
    left *= 1 - (schedule(t) as number);
    assert.ok(Math.abs(1 - left - schedule.sparsity(t)) < 1e-12, `after epoch ${t}`);
  }
  assert.deepEqual(prune.gradualSchedule({ finalSparsity: 1, endEpoch: 0 })(0), { fraction: 1 }, 'all of it, as a fraction');
  assert.throws(
    () => prune.gradualSchedule({ finalSparsity: 0.5, startEpoch: 1, endEpoch: 4, frequency: 2 }),
    /must be a multiple of frequency/,
  );
  assert.throws(
    () => prune.gradualSchedule({ initialSparsity: 0.6, finalSparsity: 0.5, endEpoch: 3 }),
    /finalSparsity \(0.5\) must be at least initialSparsity/,
  );
  assert.throws(() => prune.gradualSchedule({ finalSparsity: 1.2, endEpoch: 3 }), /finalSparsity must be in \[0, 1\]/);
});

/** A model with 90% of its first weight pruned (a state dict that is worth storing sparse). */
function sparseModel(): torch.nn.Sequential {
  torch.manualSeed(3);
  const model = new nn.Sequential(new nn.Linear(40, 30), new nn.ReLU(), new nn.Linear(30, 4));
  prune.l1Unstructured(model.at(0), 'weight', { amount: 0.9 });
  return model;
}

for (const layout of ['coo', 'csr'] as const) {
  test(`toSparse (${layout}): the pruned weight stored sparse with the bytes it saves; toDense gives the masked weights back, also through torch.save`, async () => {
    const model = sparseModel();
    const { stateDict, report } = prune.toSparse(model, { layout });
    assert.deepEqual(
      Object.keys(stateDict.tensors),
      ['0.bias', '0.weight', '2.weight', '2.bias'],
      'the order of the state dict, masks folded in',
    );
    const entry = stateDict.tensors['0.weight'] as torch.nn.utils.prune.SparseCooEntry | torch.nn.utils.prune.SparseCsrEntry;
    assert.equal(entry.layout, `sparse_${layout}`);
    assert.deepEqual(entry.size, [30, 40]);
    assert.equal(entry.values.numel(), 120);
    const indexBytes = layout === 'coo' ? 2 * 120 * 8 : (31 + 120) * 4;
    assert.deepEqual(report.entries, [
      { key: '0.weight', layout, shape: [30, 40], nnz: 120, denseBytes: 4800, sparseBytes: 480 + indexBytes },
    ]);
    const dense = (30 * 40 + 30 + 30 * 4 + 4) * 4;
    assert.deepEqual(
      [report.denseBytes, report.storedBytes, report.savedBytes],
      [dense, dense - 4800 + 480 + indexBytes, 4800 - 480 - indexBytes],
    );
    const first = model.at(0) as torch.nn.Linear;
    const masked = torch.noGrad(() =>
      Object.fromEntries(first.namedParameters()).weight_orig!.mul(Object.fromEntries(first.namedBuffers()).weight_mask!),
    );
    const back = prune.toDense(stateDict);
    assert.ok(torch.equal(back['0.weight']!, masked), 'round trip equals the masked weights');
    assert.deepEqual(Object.keys(back), ['0.bias', '0.weight', '2.weight', '2.bias']);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'nodetorch-prune-')), 'sparse.pt');
    await torch.save(stateDict, file);
    const loaded = prune.toDense(await torch.load<torch.nn.utils.prune.SparseStateDict>(file));
    assert.ok(torch.equal(loaded['0.weight']!, masked), 'and through torch.save / torch.load');
    const plain = new nn.Sequential(new nn.Linear(40, 30), new nn.ReLU(), new nn.Linear(30, 4));
    plain.loadStateDict(loaded);
    const x = torch.randn([2, 40]);
    assert.deepEqual(values(run(plain, x)), values(run(model, x)), 'loads into the unpruned architecture with the same outputs');
  });
}

test('toSparse keeps dense what sparse would not shrink; permanentStateDict folds the masks; bad options are errors', () => {
  const model = sparseModel();
  const { report } = prune.toSparse(model);
  assert.deepEqual(
    report.entries.map((e) => e.key),
    ['0.weight'],
  );
  const all = prune.toSparse(model, { layout: 'csr', onlyWhenSmaller: false, indexDtype: 'int64' });
  assert.deepEqual(
    all.report.entries.map((e) => e.key),
    ['0.bias', '0.weight', '2.weight', '2.bias'],
  );
  assert.equal((all.stateDict.tensors['0.bias'] as torch.nn.utils.prune.SparseCsrEntry).crow_indices.dtype, 'int64');
  assert.ok(all.report.savedBytes < report.savedBytes);
  const back = prune.toDense(all.stateDict);
  for (const [key, t] of Object.entries(prune.permanentStateDict(model))) assert.ok(torch.equal(back[key]!, t), key);
  assert.throws(() => prune.toSparse(model, { layout: 'bsr' as never }), /layout must be 'coo' or 'csr', got 'bsr'/);
  assert.throws(() => prune.toDense({ tensors: {} } as never), /expected what prune.toSparse returns/);
});

// ---- interop with Python --------------------------------------------------------------------

testOrSkip(
  test,
  'a pruned model saved by torch.save loads in Python (prune.identity, then load_state_dict) with the same outputs; sparse entries rebuild there',
  hasPythonTorch ? false : 'python3-torch is not installed',
  async () => {
    torch.manualSeed(4);
    const model = new nn.Sequential(new nn.Conv2d(1, 3, 3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(12, 2));
    prune.lnStructured(model.at(0), 'weight', { amount: 1, n: 2, dim: 0 });
    prune.l1Unstructured(model.at(0), 'weight', { amount: 0.3 });
    prune.globalUnstructured(
      [
        [model.at(3), 'weight'],
        [model.at(3), 'bias'],
      ],
      { pruningMethod: prune.L1Unstructured, amount: 0.5 },
    );
    const x = torch.randn([2, 1, 4, 4]);
    const dir = mkdtempSync(path.join(tmpdir(), 'nodetorch-prune-py-'));
    await torch.save(model.stateDict(), path.join(dir, 'pruned.pt'));
    await torch.save({ x, y: run(model, x) }, path.join(dir, 'io.pt'));
    await torch.save(prune.toSparse(model, { layout: 'coo', onlyWhenSmaller: false }).stateDict, path.join(dir, 'coo.pt'));
    await torch.save(prune.toSparse(model, { layout: 'csr', onlyWhenSmaller: false }).stateDict, path.join(dir, 'csr.pt'));
    const script = `
import sys, torch, torch.nn as nn, torch.nn.utils.prune as prune
d = sys.argv[1]
m = nn.Sequential(nn.Conv2d(1, 3, 3), nn.ReLU(), nn.Flatten(), nn.Linear(12, 2))
for layer, name in [(m[0], 'weight'), (m[3], 'weight'), (m[3], 'bias')]:
    prune.identity(layer, name)
sd = torch.load(d + '/pruned.pt')
print(list(sd.keys()))
m.load_state_dict(sd)
io = torch.load(d + '/io.pt')
print('max_diff', (m(io['x']) - io['y']).abs().max().item())
for name in ['coo', 'csr']:
    s = torch.load(d + '/%s.pt' % name)
    w = s['tensors']['0.weight']
    if w['layout'] == 'sparse_coo':
        t = torch.sparse_coo_tensor(w['indices'], w['values'], w['size']).to_dense()
    else:
        size = list(w['size'])
        t = torch.sparse_csr_tensor(w['crow_indices'], w['col_indices'], w['values'], (size[0], w['values'].new_empty(size).numel() // size[0])).to_dense().reshape(size)
    print(name, torch.equal(t, m[0].weight_orig * m[0].weight_mask))
`;
    const out = execFileSync('/usr/bin/python3', ['-c', script, dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.match(
      out,
      /\['0\.bias', '0\.weight_orig', '0\.weight_mask', '3\.weight_orig', '3\.bias_orig', '3\.weight_mask', '3\.bias_mask'\]/,
    );
    assert.ok(Number(/max_diff (\S+)/.exec(out)![1]) < 1e-6, out);
    assert.match(out, /coo True/);
    assert.match(out, /csr True/);
  },
);

test.run();
