// torch.autocast on CPU (LibTorch's op lists: matmul in bfloat16, losses in float32; state restored on
// exit, also on a throw and across a promise) and GradScaler's skip-and-backoff and growth logic,
// driven by injected inf gradients on CPU.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import * as torch from '../lib/index.ts';

const { GradScaler } = torch.amp;

test('autocast runs matmul in bfloat16 on CPU, bit-equal to casting by hand', () => {
  torch.manualSeed(0);
  const a = torch.randn([4, 8]);
  const b = torch.randn([8, 3]);
  const product = torch.autocast('cpu', () => a.mm(b));
  assert.equal(product.dtype, 'bfloat16');
  assert.deepEqual(product.float().toArray(), a.to('bfloat16').mm(b.to('bfloat16')).float().toArray());
  assert.equal(a.mm(b).dtype, 'float32', 'outside the region ops run in float32 again');
});

test('autocast keeps losses in float32 and gradients reach float32 parameters', () => {
  torch.manualSeed(1);
  const layer = new torch.nn.Linear(6, 3);
  const input = torch.randn([5, 6]);
  const target = torch.tensor([0, 1, 2, 1, 0], { dtype: 'int64' });
  const loss = torch.autocast('cpu', () => {
    const logits = layer.forward(input);
    assert.equal(logits.dtype, 'bfloat16');
    return torch.nn.functional.crossEntropy(logits, target);
  });
  assert.equal(loss.dtype, 'float32');
  loss.backward();
  assert.equal(layer.weight.grad!.dtype, 'float32');
  assert.equal(layer.weight.grad!.shape.join(), '3,6');
});

test('autocast: state is restored after the region, a throw, nesting and a promise', async () => {
  assert.equal(torch.isAutocastEnabled('cpu'), false);
  torch.autocast('cpu', () => {
    assert.equal(torch.isAutocastEnabled('cpu'), true);
    assert.equal(torch.getAutocastDtype('cpu'), 'bfloat16');
    torch.autocast('cpu', { enabled: false }, () => assert.equal(torch.isAutocastEnabled('cpu'), false));
    assert.equal(torch.isAutocastEnabled('cpu'), true, 'an inner disabled region restores the outer one');
  });
  assert.equal(torch.isAutocastEnabled('cpu'), false);
  assert.throws(
    () =>
      torch.autocast('cpu', () => {
        throw new Error('boom');
      }),
    /boom/,
  );
  assert.equal(torch.isAutocastEnabled('cpu'), false, 'a throw closes the region');
  const pending = torch.autocast('cpu', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return torch.isAutocastEnabled('cpu');
  });
  assert.equal(await pending, true, 'an async region stays open until its promise settles');
  assert.equal(torch.isAutocastEnabled('cpu'), false);
});

test('autocast: bad arguments are clear errors', () => {
  assert.throws(() => torch.autocast('tpu' as 'cpu', () => 0), /device type must be 'cpu' or 'cuda', got tpu/);
  assert.throws(() => torch.autocast('cpu', { dtype: 'float64' as 'float16' }, () => 0), /dtype must be 'bfloat16' or 'float16'/);
  assert.throws(() => (torch.autocast as (d: string, o: object) => unknown)('cpu', {}), /last argument must be the function/);
  if (!torch.cuda.isAvailable()) assert.throws(() => torch.autocast('cuda', () => 0), /CUDA is not available/);
});

function setup(): { param: torch.Tensor; optimizer: torch.optim.SGD } {
  const param = torch.tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true });
  return { param, optimizer: new torch.optim.SGD([param], { lr: 0.1 }) };
}

function backwardScaled(scaler: InstanceType<typeof GradScaler>, param: torch.Tensor, poison = false): void {
  const loss = param.mul(torch.tensor([1, 1, poison ? Infinity : 1], { dtype: 'float32' })).sum();
  scaler.scale(loss).backward();
}

test('GradScaler: scaled gradients are unscaled before the step', () => {
  const { param, optimizer } = setup();
  const scaler = new GradScaler('cpu', { initScale: 1024 });
  backwardScaled(scaler, param);
  assert.deepEqual(param.grad!.toArray(), [1024, 1024, 1024]);
  scaler.unscale_(optimizer);
  assert.deepEqual(param.grad!.toArray(), [1, 1, 1]);
  assert.equal(scaler.step(optimizer), true);
  assert.deepEqual(
    (param.toArray() as number[]).map((v) => Math.round(v * 10) / 10),
    [0.9, 1.9, 2.9],
  );
  scaler.update();
  assert.equal(scaler.getScale(), 1024);
  assert.equal(scaler.getGrowthTracker(), 1);
});

test('GradScaler: an inf gradient skips the step, backs the scale off and resets growth', () => {
  const { param, optimizer } = setup();
  const scaler = new GradScaler('cpu', { initScale: 256, growthInterval: 2 });
  backwardScaled(scaler, param);
  scaler.step(optimizer);
  scaler.update();
  optimizer.zeroGrad();
  assert.equal(scaler.getGrowthTracker(), 1);
  const before = param.toArray();
  backwardScaled(scaler, param, true);
  assert.equal(scaler.step(optimizer), false, 'the step is skipped');
  assert.deepEqual(param.toArray(), before, 'the parameters are untouched');
  scaler.update();
  assert.equal(scaler.getScale(), 128);
  assert.equal(scaler.getGrowthTracker(), 0);
});

test('GradScaler: the scale grows after growthInterval clean steps', () => {
  const { param, optimizer } = setup();
  const scaler = new GradScaler('cpu', { initScale: 8, growthFactor: 4, growthInterval: 3 });
  const scales: number[] = [];
  for (let i = 0; i < 7; i++) {
    backwardScaled(scaler, param);
    scaler.step(optimizer);
    scaler.update();
    optimizer.zeroGrad();
    scales.push(scaler.getScale());
  }
  assert.deepEqual(scales, [8, 8, 32, 32, 32, 128, 128]);
});

test('GradScaler: state dict round trip in PyTorch names, explicit update, disabled scaler', () => {
  const scaler = new GradScaler('cpu', { initScale: 64, growthInterval: 5 });
  const { param, optimizer } = setup();
  backwardScaled(scaler, param);
  scaler.step(optimizer);
  scaler.update();
  const state = scaler.stateDict();
  assert.deepEqual(state, { scale: 64, growth_factor: 2, backoff_factor: 0.5, growth_interval: 5, _growth_tracker: 1 });
  const restored = new GradScaler('cpu');
  restored.loadStateDict(state);
  assert.deepEqual(restored.stateDict(), state);
  scaler.update(3);
  assert.equal(scaler.getScale(), 3);
  const off = new GradScaler('cpu', { enabled: false });
  const loss = torch.tensor(2, { dtype: 'float32' });
  assert.equal(off.scale(loss), loss);
  assert.equal(off.getScale(), 1);
  assert.deepEqual(off.stateDict(), {});
});

test('GradScaler: misuse is a clear error', () => {
  const { param, optimizer } = setup();
  const scaler = new GradScaler('cpu');
  assert.throws(() => scaler.unscale_(optimizer), /before any scale/);
  backwardScaled(scaler, param);
  scaler.unscale_(optimizer);
  assert.throws(() => scaler.unscale_(optimizer), /already been called/);
  scaler.step(optimizer);
  assert.throws(() => scaler.step(optimizer), /already been called since the last update/);
  assert.throws(() => new GradScaler('cpu', { backoffFactor: 2 }), /backoffFactor must be in \(0, 1\)/);
  assert.throws(() => new GradScaler('cpu', { initScale: -1 }), /initScale must be a positive finite number/);
  assert.throws(() => new GradScaler('cpu').update(), /nothing was scaled/);
  assert.throws(() => new GradScaler('cpu').loadStateDict({}), /has no scale/);
});

test.run();
