// Long native work runs off the event loop; grad mode travels with it.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import * as torch from '../lib/index.ts';
import { assertArrayClose } from './helpers.ts';

test('a timer keeps firing while a large matmul runs', async () => {
  const a = torch.randn([1200, 1200], { dtype: 'float64' });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  const started = Date.now();
  const results: torch.Tensor[] = [];
  for (let i = 0; i < 4; i++) results.push(await a.matmulAsync(a));
  const elapsed = Date.now() - started;
  clearInterval(timer);
  // A blocked loop would fire at most once per await; a free one fires about every 5 ms.
  assert.ok(ticks >= Math.min(20, elapsed / 20), `${ticks} ticks in ${elapsed} ms`);
  assertArrayClose(results[0]!.index(0, torch.slice(0, 4)).toArray(), a.matmul(a).index(0, torch.slice(0, 4)).toArray(), 1e-9);
});

test('async results match sync ones and carry autograd', async () => {
  const x = torch.tensor(
    [
      [1, 2],
      [3, 4],
    ],
    { dtype: 'float64', requiresGrad: true },
  );
  const y = await x.matmulAsync(x);
  assert.deepEqual(y.toArray(), [
    [7, 10],
    [15, 22],
  ]);
  assert.equal(y.gradFn, 'MmBackward0');
  y.sum().backward();
  assert.deepEqual(x.grad!.toArray(), [
    [7, 11],
    [9, 13],
  ]);
});

test('grad mode is carried into the worker thread', async () => {
  const x = torch.ones([2, 2], { requiresGrad: true });
  let pending: Promise<torch.Tensor> | undefined;
  torch.noGrad(() => {
    pending = x.matmulAsync(x); // the mode is captured when the op is queued
  });
  const y = await pending!;
  assert.equal(y.requiresGrad, false, 'made under noGrad');
  assert.equal((await x.matmulAsync(x)).requiresGrad, true);
});

test('toArrayAsync copies out off the loop', async () => {
  const t = torch.arange(6).reshape(2, 3).t();
  assert.deepEqual(await t.toArrayAsync(), [
    [0, 3],
    [1, 4],
    [2, 5],
  ]);
});

test('async failures reject with a TorchError and the process keeps working', async () => {
  await assert.rejects(torch.zeros([2, 3]).matmulAsync(torch.zeros([2, 3])), { name: 'TorchError', message: /cannot be multiplied/ });
  await assert.rejects(new torch.Op('mm').callAsync([torch.zeros([2]), torch.zeros([2])]), { name: 'TorchError' });
  assert.deepEqual((await torch.ones([1, 1]).matmulAsync(torch.ones([1, 1]))).toArray(), [[1]]);
});

test('inputs disposed while the op runs stay alive in the worker', async () => {
  const a = torch.ones([300, 300]);
  const pending = a.matmulAsync(a);
  a.dispose();
  const out = await pending;
  assert.equal(out.index(0, 0).item(), 300);
});

test('many concurrent async ops resolve in order of completion with correct values', async () => {
  const outs = await Promise.all(
    Array.from({ length: 16 }, (_, i) => torch.full([2, 2], i).matmulAsync(torch.eye(2, 2, { dtype: 'int64' }))),
  );
  outs.forEach((out, i) =>
    assert.deepEqual(out.toArray(), [
      [i, i],
      [i, i],
    ]),
  );
});

test.run();
