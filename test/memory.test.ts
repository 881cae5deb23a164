// Explicit disposal, tidy scopes, finalizers and the native bytes reported to V8.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import * as torch from '../lib/index.ts';

/** The tensor-handle part of torch.memory() (the allocator's cache varies with history). */
const handles = () => {
  const { liveTensors, liveStorages, bytes } = torch.memory();
  return { liveTensors, liveStorages, bytes };
};

test('dispose frees the handle and a disposed tensor gives a clear error', () => {
  const before = handles();
  const t = torch.zeros([1000]);
  assert.equal(torch.memory().liveTensors, before.liveTensors + 1);
  assert.equal(torch.memory().bytes, before.bytes + 4000);
  t.dispose();
  t.dispose(); // idempotent
  assert.equal(t.isDisposed, true);
  assert.deepEqual(handles(), before);
  assert.throws(() => t.shape, { name: 'TorchError', message: 'this Tensor has been disposed and can no longer be used' });
  assert.throws(() => t.add(1), { name: 'TorchError', message: /disposed/ });
  assert.throws(() => torch.ones([1]).add(t), { name: 'TorchError', message: /disposed/ });
});

test('views share one storage and its bytes are counted once', () => {
  const before = handles();
  const base = torch.zeros([256]);
  const views = [base.view(16, 16), base.index(torch.slice(0, 10)), base.reshape(2, 128)];
  const now = handles();
  assert.equal(now.liveTensors, before.liveTensors + 4);
  assert.equal(now.liveStorages, before.liveStorages + 1);
  assert.equal(now.bytes, before.bytes + 1024);
  base.dispose();
  assert.equal(torch.memory().bytes, before.bytes + 1024, 'views keep the storage alive');
  torch.dispose(views);
  assert.deepEqual(handles(), before);
});

test('using disposes at the end of the block', () => {
  const before = torch.memory().liveTensors;
  let kept: torch.Tensor;
  {
    using t = torch.ones([3]);
    kept = t;
    assert.equal(torch.memory().liveTensors, before + 1);
  }
  assert.equal(kept.isDisposed, true);
  assert.equal(torch.memory().liveTensors, before);
});

test('tidy disposes everything made inside except what it returns', () => {
  const baseline = torch.memory().liveTensors;
  const outer = torch.ones([4]);
  const result = torch.tidy(() => {
    const a = outer.mul(2);
    const b = a.add(1).relu();
    b.sum();
    return { kept: b.mul(3), list: [a.neg()], n: 5 };
  });
  assert.equal(torch.memory().liveTensors, baseline + 3, 'outer + the two returned tensors');
  assert.deepEqual(result.kept.toArray(), [9, 9, 9, 9]);
  assert.deepEqual(result.list[0]!.toArray(), [-2, -2, -2, -2]);
  assert.equal(outer.isDisposed, false);
  torch.dispose([outer, result]);
  assert.equal(torch.memory().liveTensors, baseline);
});

test('tidy scopes nest, keep() escapes, and a throw still cleans up', () => {
  const baseline = torch.memory().liveTensors;
  let escaped: torch.Tensor | undefined;
  const out = torch.tidy(() => {
    const inner = torch.tidy(() => torch.ones([2]).add(1));
    torch.zeros([5]);
    escaped = torch.keep(torch.zeros([1]));
    return inner;
  });
  assert.equal(torch.memory().liveTensors, baseline + 2);
  torch.dispose([out, escaped]);
  assert.throws(() =>
    torch.tidy(() => {
      torch.zeros([3]);
      throw new Error('boom');
    }),
  );
  assert.equal(torch.memory().liveTensors, baseline);
  assert.throws(() => torch.tidy(async () => torch.zeros([1])), { name: 'TypeError', message: /synchronous/ });
});

test('200,000 iterations without dispose keep RSS bounded (finalizers + external memory)', () => {
  const step = () => {
    const a = torch.ones([1024]); // 4 KiB each
    a.add(1).mul(2);
  };
  for (let i = 0; i < 20_000; i++) step();
  const warm = process.memoryUsage().rss;
  for (let i = 0; i < 200_000; i++) step();
  const grown = process.memoryUsage().rss - warm;
  // Leaking would keep 200k x 3 x 4 KiB = 2.4 GB; the collector must keep it far below that.
  assert.ok(grown < 300 * 1024 * 1024, `RSS grew by ${(grown / 1048576).toFixed(0)} MiB`);
  assert.ok(torch.memory().bytes < 400 * 1024 * 1024, `native bytes alive: ${torch.memory().bytes}`);
});

test('200,000 iterations inside tidy return the live count to its baseline', () => {
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = torch.memory().liveTensors;
  for (let i = 0; i < 200_000; i++) {
    torch.tidy(() => {
      torch.ones([16]).add(1).sum();
    });
  }
  assert.equal(torch.memory().liveTensors, baseline);
});

test('the CPU allocator caches freed blocks by size class and emptyCache returns them', () => {
  const t = torch.zeros([1000]); // 4000 bytes: the 4096-byte class
  const { cpuAllocatedBytes } = torch.memory();
  t.dispose();
  const after = torch.memory();
  assert.equal(after.cpuAllocatedBytes, cpuAllocatedBytes - 4096);
  assert.ok(after.cpuCachedBytes >= 4096);
  const again = torch.zeros([1000]);
  assert.equal(torch.memory().cpuCachedBytes, after.cpuCachedBytes - 4096, 'the cached block is reused');
  again.dispose();
  torch.emptyCache();
  assert.equal(torch.memory().cpuCachedBytes, 0);
});

test.run();
