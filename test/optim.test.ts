// Native optimizers against PyTorch: the same 20 steps from the same weights match to 1e-5.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as torch from '../lib/index.ts';
import { hasPythonTorch, readFixture } from './helpers.ts';

interface Case {
  name: string;
  optimizer: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop' | 'Adagrad';
  options: Record<string, unknown>;
  groups: Record<string, unknown>[] | null;
  steps: { w: number[]; b: number[] }[];
}
const golden = readFixture<{ data: Record<string, number[]>; cases: Case[] }>('optim_golden.json');
const f64 = (values: number[], shape: number[]) => torch.tensor(values, { dtype: 'float64' }).reshape(shape);
const X = f64(golden.data.X!, [8, 4]);
const Y = f64(golden.data.Y!, [8, 3]);

function build(c: Case, w: torch.Tensor, b: torch.Tensor): torch.optim.Optimizer {
  const Optimizer = torch.optim[c.optimizer] as unknown as new (params: unknown, options: unknown) => torch.optim.Optimizer;
  const params = c.groups
    ? [
        { params: [w], ...c.groups[0] },
        { params: [b], ...c.groups[1] },
      ]
    : [w, b];
  return new Optimizer(params, c.options);
}

function lossOf(w: torch.Tensor, b: torch.Tensor): torch.Tensor {
  const out = X.matmul(w.t()).add(b);
  return out.sub(Y).pow(2).mean().add(X.matmul(w.t()).tanh().mean().mul(0.1));
}

function close(actual: torch.Tensor, expected: number[], label: string): void {
  const got = Array.from(actual.detach().toTypedArray() as Float64Array);
  got.forEach((g, i) => assert.ok(Math.abs(g - expected[i]!) <= 1e-5, `${label}[${i}]: ${g} vs ${expected[i]}`));
}

for (const c of golden.cases) {
  test(`optimizer ${c.name}: 20 steps match PyTorch`, () => {
    const w = f64(golden.data.W0!, [3, 4]).requiresGrad_();
    const b = f64(golden.data.B0!, [3]).requiresGrad_();
    const optimizer = build(c, w, b);
    c.steps.forEach((expected, step) => {
      optimizer.zeroGrad();
      lossOf(w, b).backward();
      optimizer.step();
      close(w, expected.w, `${c.name} step ${step + 1} weight`);
      close(b, expected.b, `${c.name} step ${step + 1} bias`);
    });
  });
}

test('stateDict / loadStateDict resume the same trajectory, through torch.save', async () => {
  const c = golden.cases.find((x) => x.name === 'adam_lr_amsgrad_wd')!;
  const w = f64(golden.data.W0!, [3, 4]).requiresGrad_();
  const b = f64(golden.data.B0!, [3]).requiresGrad_();
  const first = build(c, w, b);
  for (let i = 0; i < 10; i++) {
    first.zeroGrad();
    lossOf(w, b).backward();
    first.step();
  }
  const state = first.stateDict();
  const perParam = state.state as Map<number, Record<string, unknown>>;
  assert.deepEqual([...perParam.keys()], [0, 1]);
  assert.equal(perParam.get(0)!.step, 10);
  assert.deepEqual(Object.keys(perParam.get(0)!).sort(), ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'step']);
  assert.deepEqual(state.param_groups[0], { lr: 0.05, betas: [0.8, 0.99], eps: 1e-6, weight_decay: 0.1, amsgrad: true, params: [0, 1] });
  const file = `${process.env.TMPDIR ?? '/tmp'}/nodetorch-optim-${process.pid}.pt`;
  await torch.save(state as never, file);
  if (hasPythonTorch) {
    // Python's Adam accepts the file: integer state keys, PyTorch's option names.
    const script = `import torch\np = [torch.zeros(3, 4, dtype=torch.float64, requires_grad=True), torch.zeros(3, dtype=torch.float64, requires_grad=True)]\nopt = torch.optim.Adam(p)\nopt.load_state_dict(torch.load('${file}'))\ns = opt.state_dict()\nprint(sorted(s['state'].keys()), float(s['state'][0]['step']), s['param_groups'][0]['lr'], s['param_groups'][0]['amsgrad'])`;
    assert.equal(execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' }).trim(), '[0, 1] 10.0 0.05 True');
  }
  const second = build(c, w, b);
  second.loadStateDict(await torch.load(file));
  for (let i = 10; i < 20; i++) {
    second.zeroGrad();
    lossOf(w, b).backward();
    second.step();
    close(w, c.steps[i]!.w, `resumed step ${i + 1}`);
  }
});

test('param groups expose options as properties that change the native optimizer', () => {
  const p = torch.zeros([2], { requiresGrad: true });
  const sgd = new torch.optim.SGD([p], { lr: 1 });
  p.sum().backward();
  sgd.paramGroups[0]!.lr = 0.5;
  sgd.step();
  assert.deepEqual(p.toArray(), [-0.5, -0.5]);
  assert.equal(sgd.paramGroups[0]!.lr, 0.5);
  const q = torch.zeros([1], { requiresGrad: true });
  sgd.addParamGroup({ params: [q], lr: 2 });
  q.sum().backward();
  sgd.step();
  assert.deepEqual(q.toArray(), [-2]);
  sgd.zeroGrad();
  assert.equal(p.grad, null);
  q.sum().backward();
  sgd.zeroGrad({ setToNone: false });
  assert.deepEqual(q.grad!.toArray(), [0]);
});

test('LR schedulers drive native optimizers', () => {
  const p = torch.zeros([1], { requiresGrad: true });
  const opt = new torch.optim.SGD([p], { lr: 0.1, momentum: 0.9 });
  const scheduler = new torch.optim.lrScheduler.StepLR(opt, { stepSize: 2, gamma: 0.5 });
  const lrs = [];
  for (let i = 0; i < 5; i++) {
    opt.step();
    scheduler.step();
    lrs.push(opt.paramGroups[0]!.lr);
  }
  assert.deepEqual(lrs, [0.1, 0.05, 0.05, 0.025, 0.025]);
  const adam = new torch.optim.Adam([torch.zeros([1], { requiresGrad: true })], { lr: 0.01 });
  const oneCycle = new torch.optim.lrScheduler.OneCycleLR(adam, { maxLr: 0.1, totalSteps: 10 });
  oneCycle.step();
  assert.ok((adam.paramGroups[0]!.betas as number[])[0]! < 0.95);
});

test('clipGradNorm_ and clipGradValue_ match PyTorch semantics', () => {
  const a = torch.zeros([2], { requiresGrad: true });
  const b = torch.zeros([1], { requiresGrad: true });
  a.grad = torch.tensor([3, 0], { dtype: 'float32' });
  b.grad = torch.tensor([4], { dtype: 'float32' });
  const norm = torch.nn.utils.clipGradNorm_([a, b], 1);
  assert.ok(Math.abs(norm - 5) < 1e-6);
  const scaled = [...(a.grad.toArray() as number[]), ...(b.grad.toArray() as number[])];
  [0.6, 0, 0.8].forEach((v, i) => assert.ok(Math.abs(scaled[i]! - v) < 1e-5));
  b.grad = torch.tensor([-3], { dtype: 'float32' });
  torch.nn.utils.clipGradValue_([b], 0.5);
  assert.deepEqual(b.grad.toArray(), [-0.5]);
});

test('bad optimizer options are clear errors', () => {
  const p = () => [torch.zeros([1], { requiresGrad: true })];
  assert.throws(() => new torch.optim.SGD(p(), {} as never), { name: 'TypeError', message: 'SGD: options.lr is required' });
  assert.throws(() => new torch.optim.Adam(p(), { lr: -1 }), { name: 'RangeError', message: 'Adam: lr must be >= 0, got -1' });
  assert.throws(() => new torch.optim.Adam(p(), { betas: [1.5, 0.9] }), { name: 'RangeError', message: /betas must both be in \[0, 1\)/ });
  assert.throws(() => new torch.optim.Adam(p(), { lr: 'fast' as never }), { name: 'TypeError', message: /lr must be a finite number/ });
  assert.throws(() => new torch.optim.Adam(p(), { momentum: 0.9 } as never), { name: 'TypeError', message: /unknown option 'momentum'/ });
  assert.throws(() => new torch.optim.SGD(p(), { lr: 0.1, nesterov: true }), {
    name: 'TorchError',
    message: /Nesterov momentum requires a momentum and zero dampening/,
  });
  assert.throws(() => new torch.optim.SGD([], { lr: 0.1 }), /empty parameter list/);
  const nonLeaf = torch.zeros([1], { requiresGrad: true }).mul(2);
  assert.throws(() => new torch.optim.SGD([nonLeaf], { lr: 0.1 }), /non-leaf/);
  const opt = new torch.optim.SGD(p(), { lr: 0.1 });
  assert.throws(() => (opt.paramGroups[0]!.lr = -3), { name: 'RangeError' });
  assert.equal(opt.paramGroups[0]!.lr, 0.1, 'a rejected change leaves the option as it was');
  assert.throws(() => opt.loadStateDict({ state: {}, param_groups: [] }), /has 0 parameter groups, the optimizer 1/);
});

test('optimizers report their state to V8 and can be disposed', () => {
  const p = torch.ones([1000], { requiresGrad: true });
  const opt = new torch.optim.Adam([p]);
  assert.equal(opt.stateBytes, 0, 'no state before the first step');
  p.sum().backward();
  opt.step();
  assert.equal(opt.stateBytes, 2 * 4000, 'exp_avg and exp_avg_sq');
  opt.dispose();
  opt.dispose(); // idempotent
  assert.equal(opt.isDisposed, true);
  assert.equal(opt.stateBytes, 0);
  assert.throws(() => opt.step(), { name: 'TorchError', message: 'this optimizer has been disposed and can no longer be used' });
  assert.throws(() => opt.stateDict(), { name: 'TorchError', message: /disposed/ });
  assert.throws(() => (opt.paramGroups[0]!.lr = 0.5), { name: 'TorchError', message: /disposed/ });
  {
    using scoped = new torch.optim.SGD([p], { lr: 0.1, momentum: 0.9 });
    scoped.step();
    assert.equal(scoped.stateBytes, 4000, 'the momentum buffer');
    var kept = scoped; // eslint-disable-line no-var -- read after the block
  }
  assert.equal(kept.isDisposed, true, 'using disposed it');
});

test.run();
