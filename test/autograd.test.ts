// backward, accumulation, retained graphs, grad-mode scopes and functional gradients.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import * as torch from '../lib/index.ts';
import { assertArrayClose } from './helpers.ts';

test('the DESIGN.md example: d(sum(x*x))/dx = 2x', () => {
  const x = torch.tensor(
    [
      [1, 2],
      [3, 4],
    ],
    { dtype: 'float32', requiresGrad: true },
  );
  const y = x.mul(x).sum();
  y.backward();
  assert.deepEqual(x.grad!.toArray(), [
    [2, 4],
    [6, 8],
  ]);
  assert.equal(y.gradFn, 'SumBackward0');
  assert.equal(x.isLeaf, true);
  assert.equal(y.isLeaf, false);
});

test('backward with a gradient argument (vector-Jacobian product)', () => {
  const x = torch.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
  const y = x.pow(2);
  y.backward(torch.tensor([1, 0.5, -1], { dtype: 'float64' }));
  assert.deepEqual(x.grad!.toArray(), [2, 2, -6]);
});

test('a non-scalar output without a gradient is a clear error', () => {
  const x = torch.ones([3], { requiresGrad: true });
  assert.throws(() => x.mul(2).backward(), { name: 'TorchError', message: /grad can be implicitly created only for scalar outputs/ });
});

test('gradients accumulate until zeroed; retainGraph allows a second backward', () => {
  const x = torch.tensor([1, 2], { dtype: 'float32', requiresGrad: true });
  const y = x.mul(3).sum();
  y.backward(null, { retainGraph: true });
  y.backward();
  assert.deepEqual(x.grad!.toArray(), [6, 6]);
  assert.throws(() => y.backward(), { name: 'TorchError', message: /backward through the graph a second time/ });
  x.grad!.zero_();
  x.mul(x).sum().backward();
  assert.deepEqual(x.grad!.toArray(), [2, 4]);
  x.grad = null;
  assert.equal(x.grad, null);
});

test('requiresGrad_, detach and retainGrad', () => {
  const x = torch.tensor([2], { dtype: 'float64' }).requiresGrad_();
  assert.equal(x.requiresGrad, true);
  const h = x.mul(x);
  h.retainGrad();
  const y = h.mul(3).add(x.detach());
  y.backward();
  assert.deepEqual(x.grad!.toArray(), [12]);
  assert.deepEqual(h.grad!.toArray(), [3]);
  assert.equal(x.detach().requiresGrad, false);
});

test('noGrad and enableGrad scopes nest and restore the mode', () => {
  const x = torch.ones([2], { requiresGrad: true });
  assert.equal(torch.isGradEnabled(), true);
  const y = torch.noGrad(() => {
    assert.equal(torch.isGradEnabled(), false);
    const inner = torch.enableGrad(() => x.mul(2));
    assert.equal(inner.requiresGrad, true);
    return x.mul(2);
  });
  assert.equal(y.requiresGrad, false);
  assert.equal(torch.isGradEnabled(), true);
  assert.throws(
    () =>
      torch.noGrad(() => {
        throw new Error('inside');
      }),
    /inside/,
  );
  assert.equal(torch.isGradEnabled(), true, 'restored after a throw');
  assert.throws(() => torch.noGrad(async () => 1), { name: 'TypeError', message: /synchronous/ });
  assert.equal(torch.isGradEnabled(), true);
  torch.setGradEnabled(false);
  assert.equal(x.mul(2).requiresGrad, false);
  torch.setGradEnabled(true);
});

test('autograd.grad returns gradients without touching .grad, with higher orders', () => {
  const x = torch.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
  const y = x.pow(3).sum();
  const [dy] = torch.autograd.grad(y, x, { createGraph: true });
  assertArrayClose(dy!.toArray(), [3, 12, 27]);
  assert.equal(x.grad, null);
  const [d2y] = torch.autograd.grad(dy!.sum(), x);
  assertArrayClose(d2y!.toArray(), [6, 12, 18]);
  const unused = torch.ones([1], { requiresGrad: true });
  assert.throws(() => torch.autograd.grad(x.mul(2).sum(), [x, unused]), { name: 'TorchError' });
  const grads = torch.autograd.grad(x.mul(2).sum(), [x, unused], { allowUnused: true });
  assert.deepEqual(grads[0]!.toArray(), [2, 2, 2]);
  assert.equal(grads[1], null);
});

test('autograd.backward from several roots', () => {
  const x = torch.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
  torch.autograd.backward([x.mul(2).sum(), x.mul(x).sum()]);
  assert.deepEqual(x.grad!.toArray(), [4, 6]);
});

test('gradients flow through indexing, views and broadcasting', () => {
  const w = torch.tensor(
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    { dtype: 'float32', requiresGrad: true },
  );
  const b = torch.tensor([1, 1, 1], { dtype: 'float32', requiresGrad: true });
  w.add(b).index(torch.slice(), torch.slice(1, null)).sum().backward();
  assert.deepEqual(w.grad!.toArray(), [
    [0, 1, 1],
    [0, 1, 1],
  ]);
  assert.deepEqual(b.grad!.toArray(), [0, 2, 2]);
});

test('a failing backward leaves the leaves untouched', () => {
  const x = torch.ones([2], { requiresGrad: true });
  x.sum().backward();
  assert.throws(() => x.mul(2).backward(torch.ones([3])), { name: 'TorchError' });
  assert.deepEqual(x.grad!.toArray(), [1, 1]);
});

test.run();
