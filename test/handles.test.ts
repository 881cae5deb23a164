// Tensor handles (slots in the addon's tensor table, freed by dispose or by a GC finalizer) and the
// fast call paths: results made in JS and filled natively, unboxed calls for common schema shapes.
import { test } from 'uvu';
import { testOrSkip } from './helpers.ts';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as torch from '../lib/index.ts';
import { HANDLE } from '../lib/tensor/handle.ts';
import { native } from '../lib/native.ts';

const gc = (globalThis as { gc?: () => void }).gc;

/** Collects garbage and lets the event loop turn, a few times. */
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc!();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test('new Tensor() is refused; tensors come from factories and ops', () => {
  const Ctor = torch.Tensor as unknown as new (...args: unknown[]) => unknown;
  assert.throws(() => new Ctor(), { name: 'TypeError', message: /made by torch.tensor\(\)/ });
  assert.throws(() => new Ctor({}, 0), { name: 'TypeError', message: /made by torch.tensor\(\)/ });
});

test('an object that merely looks like a tensor is not one', () => {
  const a = torch.ones([2]);
  const fake = { [HANDLE]: a[HANDLE] };
  assert.throws(() => torch.add(a, fake as never), { name: 'TypeError', message: /no overload matches/ });
  assert.throws(() => a.matmul(fake as never), { name: 'TypeError', message: /argument 'other' must be a Tensor/ });
  // A string key of the same name is no handle either.
  assert.throws(() => native.callOp(native.opHandle('neg', ''), { 'nodetorch.handle': 0 }), { name: 'TypeError' });
});

testOrSkip(
  test,
  'a freed handle never reaches the tensor that takes its slot next, even from a late finalizer',
  gc ? false : 'needs node --expose-gc',
  async () => {
    await collect();
    const before = torch.memory().liveTensors;
    let old: torch.Tensor | null = torch.full([3], 7);
    const handle = old[HANDLE];
    old.dispose();
    const SLOT_BITS = 26; // native/binding/tensor_table.h
    const slotOf = (h: number) => h % 2 ** SLOT_BITS;
    // Enough new tensors that the freed slot is taken again (slots are reused first in, first out).
    const fresh = Array.from({ length: 2000 }, (_, i) => torch.full([3], i));
    assert.ok(
      fresh.some((t) => slotOf(t[HANDLE]) === slotOf(handle)),
      'the slot is reused',
    );
    assert.ok(!fresh.some((t) => t[HANDLE] === handle), 'with another generation');
    assert.throws(() => native.tensor.shape(handle), { name: 'TorchError', message: /disposed/ });
    // eslint-disable-next-line no-useless-assignment -- drops the last reference, so the collector may take the object
    old = null;
    await collect();
    fresh.forEach((t, i) => assert.deepEqual(t.toArray(), [i, i, i]));
    assert.equal(torch.memory().liveTensors, before + 2000);
    torch.dispose(fresh);
  },
);

test('copies of a Tensor object are references to the same tensor, never to another one', () => {
  const clone = <T extends object>(o: T): T => Object.assign(Object.create(Object.getPrototypeOf(o) as object | null) as T, o);
  const a = torch.tensor([1, 2, 3]);
  const copy = clone(a);
  assert.deepEqual(copy.toArray(), [1, 2, 3]);
  copy.dispose();
  assert.equal(a.isDisposed, true, 'disposed through the copy');
  const b = torch.tensor([100, 200, 300]);
  assert.throws(() => a.toArray(), { name: 'TorchError', message: /disposed/ });
  assert.throws(() => a.add(1), { name: 'TorchError', message: /disposed/ });
  a.dispose(); // a no-op: it must not free b
  assert.deepEqual(b.toArray(), [100, 200, 300]);
  // A child object inherits the handle; the typed path takes it as the same tensor, never another.
  const t = torch.tensor([1.5, -2.5]);
  const child = Object.create(t) as torch.Tensor;
  assert.deepEqual(torch.neg(child).toArray(), [-1.5, 2.5]);
  t.dispose();
  const u = torch.tensor([9, 9]);
  assert.throws(() => torch.neg(child), { name: 'TorchError', message: /disposed/ });
  assert.deepEqual(u.toArray(), [9, 9]);
});

test('a frozen tensor can be disposed, also by tidy', () => {
  const before = torch.memory().liveTensors;
  const t = Object.freeze(torch.ones([2]));
  t.dispose();
  assert.equal(t.isDisposed, true);
  const kept = torch.tidy(() => {
    Object.freeze(torch.ones([3]).mul(2));
    return torch.zeros([1]);
  });
  assert.equal(torch.memory().liveTensors, before + 1);
  kept.dispose();
});

test('copies of a tensor object do not pass for tensors', () => {
  const a = torch.ones([2]);
  const copy = { ...a };
  assert.equal(Object.getOwnPropertySymbols(copy).length, 1, 'the spread copied the handle');
  assert.throws(() => a.matmul(copy as never), { name: 'TypeError', message: /argument 'other' must be a Tensor/ });
  assert.throws(() => torch.stack([a, copy as never]), { name: 'TypeError' });
});

testOrSkip(test, 'collected tensors free their slots without dispose', gc ? false : 'needs node --expose-gc', async () => {
  await collect();
  const before = torch.memory().liveTensors;
  (() => {
    for (let i = 0; i < 1000; i++) torch.ones([8]).mul(2);
  })();
  await collect();
  assert.ok(torch.memory().liveTensors <= before + 5, `live tensors ${torch.memory().liveTensors} vs ${before}`);
});

test('results made in JS are recorded by tidy and survive when returned', () => {
  const before = torch.memory().liveTensors;
  const a = torch.ones([4]);
  const kept = torch.tidy(() => {
    a.add(a); // hot path
    torch.ops.aten.mul.Tensor(a, a); // typed path
    torch.ops.aten.add.Tensor(a, 2); // boxed path (a number where a Tensor goes)
    return torch.sub(a, a, { alpha: 2 });
  });
  assert.equal(torch.memory().liveTensors, before + 2);
  assert.deepEqual(kept.toArray(), [-1, -1, -1, -1]);
  torch.dispose([a, kept]);
});

test('typed and boxed paths give the same results, and numbers still promote like Python scalars', () => {
  const a = torch.tensor([1, 2, 3], { dtype: 'int32' });
  const b = torch.tensor([0.5, 0.25, 2]);
  assert.equal(native.opTypedTensors(native.opHandle('add', 'Tensor')), 0b011, 'add.Tensor is called unboxed, self and other as handles');
  assert.equal(native.opTypedTensors(native.opHandle('add_', 'Tensor')), -1, 'in-place ops keep the boxed path');
  assert.equal(native.opTypedTensors(native.opHandle('conv2d', '')), -1, 'other shapes keep the boxed path');
  const typed = torch.ops.aten.add.Tensor(a, b, { alpha: 2 });
  assert.equal(typed.dtype, 'float32');
  assert.deepEqual(typed.toArray(), [2, 2.5, 7]);
  const promoted = torch.ops.aten.add.Tensor(a, 2.5); // int tensor + Python float -> float
  assert.equal(promoted.dtype, 'float32');
  assert.deepEqual(promoted.toArray(), [3.5, 4.5, 5.5]);
  assert.deepEqual(torch.ops.aten.mul.Scalar(a, 3).toArray(), [3, 6, 9]);
  assert.deepEqual(torch.ops.aten.neg.default(b).toArray(), [-0.5, -0.25, -2]);
  assert.deepEqual(torch.ops.aten.add.Scalar(a, 1, 3).toArray(), [4, 5, 6]);
});

test('unboxed shapes with ints, int lists and optional dtype or memory format match PyTorch', () => {
  for (const [name, overload] of [
    ['view', ''],
    ['reshape', ''],
    ['permute', ''],
    ['transpose', 'int'],
    ['unsqueeze', ''],
    ['flatten', 'using_ints'],
    ['sum', ''],
    ['mean', ''],
    ['clone', ''],
    ['softmax', 'int'],
  ] as const) {
    assert.equal(native.opTypedTensors(native.opHandle(name, overload)), 1, `${name}.${overload} is called unboxed`);
  }
  const x = torch.arange(6, { dtype: 'float32' });
  assert.deepEqual(x.view(2, 3).toArray(), [
    [0, 1, 2],
    [3, 4, 5],
  ]);
  assert.deepEqual(x.view(-1, 2).shape, [3, 2]);
  assert.deepEqual(x.reshape(3, -1).permute(1, 0).shape, [2, 3]);
  assert.deepEqual(x.view(2, 3).transpose(0, 1).shape, [3, 2]);
  assert.deepEqual(torch.ops.aten.flatten.using_ints(x.view(1, 2, 3)).shape, [6]);
  assert.deepEqual(torch.ops.aten.flatten.using_ints(x.view(1, 2, 3), 1).shape, [1, 6]);
  assert.equal(torch.ops.aten.sum.default(x, { dtype: 'float64' }).dtype, 'float64');
  assert.equal(x.sum().item(), 15);
  assert.equal(x.mean().item(), 2.5);
  const channelsLast = torch.ops.aten.clone.default(torch.zeros([1, 2, 3, 3]), { memoryFormat: 'channels_last' });
  assert.deepEqual(channelsLast.stride(), [18, 1, 6, 2]);
  const soft = torch.ops.aten.softmax.int(x, 0, 'float64');
  assert.equal(soft.dtype, 'float64');
  assert.ok(Math.abs(soft.sum().item() - 1) < 1e-12);
  // Bad values get the boxed path's messages.
  assert.throws(() => torch.ops.aten.sum.default(x, { dtype: 'float33' as never }), { name: 'TypeError', message: /no overload matches/ });
  assert.throws(() => native.callOpTyped(native.opHandle('sum', ''), {}, [x], x[HANDLE], 'float33'), {
    name: 'TorchError',
    message: /aten::sum: argument 'dtype'.*float33/,
  });
  assert.throws(() => x.view(4, 4), { name: 'TorchError', message: /shape '\[4, 4\]' is invalid/ });
  assert.throws(() => torch.ops.aten.view.default(x, [-3 * 2 ** 61]), { name: 'TypeError', message: /out of range/ });
  assert.throws(() => torch.ops.aten.unsqueeze.default(x, 'a' as never), { name: 'TypeError', message: /aten::unsqueeze/ });
});

test('unboxed shapes with floats, bools, optional tensors and optional int lists match PyTorch', () => {
  for (const [name, overload, mask] of [
    ['dropout', '', 0b1],
    ['linear', '', 0b11],
    ['expand', '', 0b1],
    ['sum', 'dim_IntList', 0b1],
    ['mean', 'dim', 0b1],
  ] as const) {
    assert.equal(native.opTypedTensors(native.opHandle(name, overload)), mask, `${name}.${overload} is called unboxed`);
  }
  const x = torch.tensor(
    [
      [1, 2],
      [3, 4],
    ],
    { dtype: 'float32' },
  );
  assert.deepEqual(torch.ops.aten.dropout.default(x, 0.5, false).toArray(), x.toArray(), 'no dropout in eval');
  assert.deepEqual(torch.ops.aten.dropout.default(x, 1, true).toArray(), [
    [0, 0],
    [0, 0],
  ]);
  const w = torch.tensor([[1, -1]], { dtype: 'float32' });
  assert.deepEqual(torch.ops.aten.linear.default(x, w).toArray(), [[-1], [-1]]);
  assert.deepEqual(torch.ops.aten.linear.default(x, w, torch.tensor([10], { dtype: 'float32' })).toArray(), [[9], [9]]);
  assert.deepEqual(torch.ops.aten.linear.default(x, w, null).toArray(), [[-1], [-1]]);
  assert.deepEqual(torch.ops.aten.expand.default(torch.tensor([[1], [2]]), [2, 3]).toArray(), [
    [1, 1, 1],
    [2, 2, 2],
  ]);
  assert.deepEqual(torch.ops.aten.sum.dim_IntList(x, [1]).toArray(), [3, 7]);
  assert.deepEqual(torch.ops.aten.sum.dim_IntList(x, 0, true).toArray(), [[4, 6]]);
  assert.equal(torch.ops.aten.sum.dim_IntList(x, [0, 1], false, { dtype: 'float64' }).dtype, 'float64');
  assert.deepEqual(torch.ops.aten.mean.dim(x, [0]).toArray(), [2, 3]);
  assert.throws(() => torch.ops.aten.sum.dim_IntList(x, [5]), { name: 'TorchError', message: /Dimension out of range/ });
  assert.throws(() => torch.ops.aten.linear.default(x, torch.ones([3, 3])), { name: 'TorchError' });
});

test('autograd records through the unboxed path', () => {
  const x = torch.tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true });
  const y = torch.tensor([4, 5, 6], { dtype: 'float32', requiresGrad: true });
  const z = torch.ops.aten.mul.Tensor(torch.ops.aten.add.Tensor(x, y, { alpha: 2 }), x);
  assert.equal(z.gradFn, 'MulBackward0');
  z.sum().backward();
  // d/dx (x + 2y) x = 2x + 2y; d/dy = 2x
  assert.deepEqual(x.grad!.toArray(), [10, 14, 18]);
  assert.deepEqual(y.grad!.toArray(), [2, 4, 6]);
});

test('bad input on the fast paths names the op and the argument', () => {
  const a = torch.ones([2]);
  const gone = torch.ones([2]);
  gone.dispose();
  assert.throws(() => torch.ops.aten.add.Tensor(a, gone), { name: 'TorchError', message: /disposed/ });
  assert.throws(() => torch.ops.aten.mul.Tensor(gone, a), { name: 'TorchError', message: /disposed/ });
  assert.throws(() => a.add(gone), { name: 'TorchError', message: /disposed/ });
  assert.throws(() => torch.ops.aten.add.Tensor(a, torch.ones([3])), { name: 'TorchError', message: /size of tensor a \(2\)/ });
  assert.throws(() => torch.ops.aten.add.Tensor(a, a, { alpha: 'x' as never }), { name: 'TypeError', message: /aten::add.Tensor/ });
  const op = native.opHandle('mul', 'Tensor');
  assert.throws(() => native.callOpTyped(op, {}, [a], a[HANDLE]), { name: 'TypeError', message: /aten::mul.Tensor: argument 'other'/ });
  assert.throws(() => native.callOpTyped(native.opHandle('add_', 'Tensor'), {}, [], 0, 0), {
    name: 'TypeError',
    message: /no unboxed caller/,
  });
  // The process keeps working and nothing leaked into a half-made result.
  assert.deepEqual(a.add(a).toArray(), [2, 2]);
});

test('temporaries passed to ops stay valid while the collector runs constantly', () => {
  // A 1 MiB young generation collects every few hundred tensors, often while an op is in the
  // addon: temporaries whose handles were read must not be freed under it.
  const script = `
    import * as torch from ${JSON.stringify(new URL('../lib/index.ts', import.meta.url).pathname)};
    let n = 0;
    for (let i = 0; i < 3000; i++) {
      n += torch.ops.aten.add.Tensor(torch.ones([2]), torch.ones([2]), { alpha: 2 }).shape[0];
      n += torch.ones([3]).add(torch.ones([3])).shape[0];
      n += torch.relu(torch.randn([4])).numel();
      n += torch.ones([2]).sum().item();
      n += torch.ones([2, 2]).t().mul(torch.ones([2])).shape[1];
      n += torch.tidy(() => torch.ones([5]).neg().exp().numel());
      n += torch.mul(torch.ones([2]), 3).toArray().length;
    }
    console.log(n);
  `;
  const output = execFileSync(process.execPath, ['--max-semi-space-size=1', '--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  assert.equal(output.trim(), '60000');
});

test('tidy disposes every other tensor when one dispose throws, then reports it', () => {
  const before = torch.memory().liveTensors;
  let odd: torch.Tensor | undefined;
  assert.throws(
    () =>
      torch.tidy(() => {
        torch.ones([2]);
        odd = torch.ones([2]);
        Object.defineProperty(odd, 'dispose', {
          value: () => {
            throw new Error('dispose failed');
          },
        });
        torch.ones([2]);
        return null;
      }),
    /dispose failed/,
  );
  assert.equal(torch.memory().liveTensors, before + 1, 'only the odd one is left');
  assert.ok(odd, 'assigned in the callback above');
  const prototype = Object.getPrototypeOf(odd) as { dispose(this: torch.Tensor): void }; // its own dispose throws
  prototype.dispose.call(odd);
  assert.equal(torch.memory().liveTensors, before);
});

test.run();
