// The crashes of issue 8, each reproduced in a child process (a crash fails the test, not the suite).
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { assertSurvived, runIsolated } from './helpers.ts';

test('results of two sizes left to the garbage collector never abort V8', () => {
  const outcome = runIsolated(`
    const a = torch.randn([16384]), m = torch.randn([4, 4]);
    const start = process.memoryUsage().rss;
    for (let i = 0; i < 200000; i++) { a.add(a); m.mul(m); }
    console.log(Math.round((process.memoryUsage().rss - start) / 2 ** 20));
  `);
  assertSurvived(outcome, 'two-size GC loop');
  assert.ok(Number(outcome.stdout) < 512, `RSS grew by ${outcome.stdout.trim()} MiB`);
});

test('an evaluation loop that never disposes runs to the end with bounded memory', () => {
  const outcome = runIsolated(`
    const model = new torch.nn.Sequential(new torch.nn.Linear(784, 128), new torch.nn.ReLU(), new torch.nn.Linear(128, 10));
    const x = torch.randn([256, 784]), y = torch.randint(0, 10, [256]);
    const start = process.memoryUsage().rss;
    let correct = 0;
    torch.noGrad(() => {
      for (let i = 0; i < 3000; i++) correct += model.forward(x).argmax(1).eq(y).sum().item();
    });
    console.log(JSON.stringify({ correct, grown: (process.memoryUsage().rss - start) / 2 ** 20 }));
  `);
  assertSurvived(outcome, 'evaluation loop');
  const { correct, grown } = JSON.parse(outcome.stdout) as { correct: number; grown: number };
  assert.equal(correct % 3000, 0, 'the same count every iteration');
  assert.ok(grown < 512, `RSS grew by ${grown} MiB`);
});

test('a shared ArrayBuffer cannot be moved away from a tensor by a transfer', () => {
  const outcome = runIsolated(`
    import { MessageChannel } from 'node:worker_threads';
    const check = (t, expected, what) => { const got = t.sum().item(); if (got !== expected) throw new Error(what + ': ' + got); };
    for (const bytes of [4 << 20, 64 << 20]) {
      const array = new Float32Array(bytes / 4).fill(1);
      const t = torch.fromTypedArray(array);
      try { structuredClone(array.buffer, { transfer: [array.buffer] }); } catch {}
      const { port1, port2 } = new MessageChannel();
      try { port1.postMessage(array.buffer, [array.buffer]); } catch {}
      port1.close(); port2.close();
      globalThis.gc(); for (let i = 0; i < 4; i++) torch.randn([bytes / 4]).add(1);
      check(t, bytes / 4, 'fromTypedArray');
      array[0] = 5; // still shared
      check(t, bytes / 4 + 4, 'still shared');
    }
    const own = new Uint8Array(new ArrayBuffer(1 << 22));
    own.set(torch.serializeSafetensors({ x: torch.ones([1 << 19]) }));
    const x = torch.parseSafetensors(own.subarray(0, torch.serializeSafetensors({ x: torch.ones([1 << 19]) }).length)).x;
    try { structuredClone(own.buffer, { transfer: [own.buffer] }); } catch {}
    globalThis.gc(); for (let i = 0; i < 4; i++) torch.randn([1 << 20]).add(1);
    check(x, 1 << 19, 'parseSafetensors');
    console.log('ok');
  `);
  assertSurvived(outcome, 'transfers');
  assert.equal(outcome.stdout.trim(), 'ok');
});

test('resizable buffers are copied and SharedArrayBuffers shared', () => {
  const outcome = runIsolated(`
    const resizable = new ArrayBuffer(64, { maxByteLength: 128 });
    const r = new Float32Array(resizable).fill(2);
    const copied = torch.fromTypedArray(r);
    resizable.resize(0);
    globalThis.gc();
    const growable = new SharedArrayBuffer(64, { maxByteLength: 128 });
    const g = torch.fromTypedArray(new Float32Array(growable).fill(3));
    growable.grow(128);
    const shared = new SharedArrayBuffer(16);
    const s = new Float32Array(shared);
    const view = torch.fromTypedArray(s);
    s[1] = 7;
    console.log(JSON.stringify([copied.sum().item(), g.sum().item(), view.toArray()]));
  `);
  assertSurvived(outcome, 'resizable buffers');
  assert.deepEqual(JSON.parse(outcome.stdout), [32, 48, [0, 7, 0, 0]]);
});

test("async work keeps its inputs' memory: changes from JS are refused until it settles", () => {
  const outcome = runIsolated(`
    const messages = [];
    const attempt = (what, fn) => { try { fn(); messages.push(what + ': allowed'); } catch (e) { messages.push(what + ': ' + e.message); } };
    const a = torch.ones([2000, 2000]), b = torch.ones([2000, 2000]);
    const pending = a.matmulAsync(b);
    attempt('set_', () => b.set_());
    attempt('resize_', () => b.resize_([4000, 4000]));
    attempt('view resize_', () => b.view(-1).resize_([1 << 24]));
    attempt('add_', () => b.add_(1));
    attempt('read', () => b.index(0, 0).item());
    attempt('dispose', () => b.dispose());
    const c = await pending;
    attempt('after', () => a.add_(1));
    const out = torch.empty([0]);
    const writing = new torch.Op('mm', 'out').callAsync([a, a, out]);
    attempt('touch out', () => out.shape);
    await writing;
    const model = new torch.nn.Sequential(new torch.nn.Linear(512, 512));
    const forward = model.forwardAsync(torch.ones([512, 512]));
    attempt('weight set_', () => model.parameters().next().value.set_());
    await forward;
    const listed = a.toArrayAsync();
    attempt('toArrayAsync set_', () => a.set_());
    await listed;
    const ts = await torch.jit.load('test/fixtures/jit/cnn.pt');
    const run = ts.forwardAsync(torch.ones([8, 1, 8, 8]));
    attempt('module to', () => ts.to('float64'));
    await run;
    console.log(JSON.stringify({ value: c.index(0, 0).item(), out: out.index(0, 0).item(), messages }));
  `);
  assertSurvived(outcome, 'async inputs');
  const { value, out, messages } = JSON.parse(outcome.stdout) as { value: number; out: number; messages: string[] };
  assert.equal(value, 2000, 'the product is computed from the original inputs');
  assert.equal(out, 8000, 'a was changed by add_ after the first await');
  const reads = /cannot change this Tensor in place while a running async operation reads its memory/;
  assert.match(messages[0]!, reads);
  assert.match(messages[1]!, reads);
  assert.match(messages[2]!, reads);
  assert.match(messages[3]!, reads);
  assert.equal(messages[4], 'read: allowed');
  assert.equal(messages[5], 'dispose: allowed');
  assert.equal(messages[6], 'after: allowed');
  assert.match(messages[7]!, /being written by a running async operation/);
  assert.match(messages[8]!, reads);
  assert.match(messages[9]!, reads);
  assert.match(messages[10]!, /cannot move this TorchScript module while an async call of it runs/);
});

test.run();
