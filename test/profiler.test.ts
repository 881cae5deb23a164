// torch.profiler: the key-averages table's counts, shapes and memory for a known model, a Chrome
// trace whose ops nest under the JS spans around them, ops from the thread pool on their own
// thread, PyTorch's schedule transitions and trace handler, and sessions that always end cleanly.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as torch from '../lib/index.ts';
import type { ChromeTrace, TraceEvent } from '../lib/profiler/index.ts';

const { nn, profiler } = torch;

function mlp() {
  torch.manualSeed(0);
  return new nn.Sequential(new nn.Linear(8, 4), new nn.ReLU(), new nn.Linear(4, 2));
}

test('keyAverages counts each op and groups by input shape', () => {
  const model = mlp();
  const input = torch.randn([3, 8]);
  const prof = profiler.profile({ recordShapes: true }, () => {
    torch.noGrad(() => {
      for (let i = 0; i < 3; i++) model.forward(input);
    });
  });
  const byName = new Map(prof.keyAverages().rows.map((row) => [row.key, row]));
  assert.equal(byName.get('aten::linear')?.count, 6, 'two Linear layers, three forwards');
  assert.equal(byName.get('aten::addmm')?.count, 6);
  assert.equal(byName.get('aten::relu')?.count, 3);
  const shapes = prof.keyAverages({ groupByInputShape: true }).rows.filter((row) => row.key === 'aten::addmm');
  assert.deepEqual(
    shapes.map((row) => [row.count, row.inputShapes]),
    [
      [3, [[4], [3, 8], [8, 4], [], []]],
      [3, [[2], [3, 4], [4, 2], [], []]],
    ],
  );
  const linear = byName.get('aten::linear')!;
  assert.ok(linear.cpuTimeTotal >= linear.selfCpuTimeTotal && linear.selfCpuTimeTotal >= 0);
  assert.ok(Math.abs(linear.cpuTime - linear.cpuTimeTotal / 6) < 1e-9);
});

test("table() prints PyTorch's columns, sorted and limited", () => {
  const model = mlp();
  const input = torch.randn([3, 8]);
  const prof = profiler.profile({ recordShapes: true, profileMemory: true }, () => {
    torch.noGrad(() => model.forward(input));
  });
  const table = prof.keyAverages({ groupByInputShape: true }).table({ sortBy: 'count', rowLimit: 3 });
  const lines = table.trimEnd().split('\n');
  for (const header of [
    'Name',
    'Self CPU %',
    'Self CPU',
    'CPU total %',
    'CPU total',
    'CPU time avg',
    'CPU Mem',
    'Self CPU Mem',
    '# of Calls',
    'Input Shapes',
  ]) {
    assert.ok(lines[1]!.includes(header), `header has ${header}`);
  }
  assert.match(lines[0]!, /^-+ {2}-{12} {2}/);
  assert.equal(lines.length, 3 + 3 + 1 + 1, 'separator, header, separator, 3 rows, separator, total');
  assert.match(lines.at(-1)!, /^Self CPU time total: \d+\.\d{3}(us|ms|s)$/);
  const counts = lines.slice(3, 6).map((line) => Number(line.match(/ (\d+) {2}\[/)![1]));
  assert.deepEqual(
    [...counts].sort((a, b) => b - a),
    counts,
    'rows sorted by count, descending',
  );
  assert.throws(() => prof.keyAverages().table({ sortBy: 'bogus' as never }), /unknown sortBy 'bogus'/);
});

test('formatTime and formatMemory use PyTorch units', () => {
  assert.equal(profiler.formatTime(12.3456), '12.346us');
  assert.equal(profiler.formatTime(2500), '2.500ms');
  assert.equal(profiler.formatTime(3_000_000), '3.000s');
  assert.equal(profiler.formatMemory(512), '512 b');
  assert.equal(profiler.formatMemory(-2048), '-2.00 Kb');
  assert.equal(profiler.formatMemory(3 * 1024 * 1024), '3.00 Mb');
  assert.equal(profiler.formatMemory(1.5 * 1024 ** 3), '1.50 Gb');
});

test('profileMemory attributes an allocation to the op that made it', () => {
  const a = torch.ones([1024]);
  const prof = profiler.profile({ profileMemory: true }, () => {
    torch.zeros([2048]);
  });
  const zeros = prof.keyAverages().rows.find((row) => row.key === 'aten::zeros')!;
  assert.ok(zeros.cpuMemoryUsage >= 2048 * 4, `zeros allocated ${zeros.cpuMemoryUsage} bytes`);
  const reports = prof.events().filter((event) => event.kind === 'memory');
  assert.ok(reports.some((event) => event.memory!.bytes >= 8192));
  const trace = prof.chromeTrace();
  assert.ok(trace.traceEvents.some((event) => event.ph === 'i' && event.name === '[memory]'));
  a.dispose();
});

test('the Chrome trace nests ops under the JS spans around them', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nodetorch-profiler-'));
  const a = torch.ones([4]);
  const prof = profiler.profile({ recordShapes: true, withStack: true }, () => {
    profiler.recordFunction('outer', () => {
      profiler.recordFunction('inner', () => a.add(a));
    });
  });
  const file = path.join(dir, 'trace.json');
  prof.exportChromeTrace(file);
  const trace = JSON.parse(readFileSync(file, 'utf8')) as ChromeTrace;
  const complete = trace.traceEvents.filter((event) => event.ph === 'X');
  const find = (name: string) => complete.find((event) => event.name === name)!;
  const [outer, inner, add] = [find('outer'), find('inner'), find('aten::add')];
  assert.equal(outer.cat, 'user_annotation');
  assert.equal(add.cat, 'cpu_op');
  const within = (child: TraceEvent, parent: TraceEvent) =>
    child.tid === parent.tid && child.ts! >= parent.ts! && child.ts! + child.dur! <= parent.ts! + parent.dur!;
  assert.ok(within(inner, outer) && within(add, inner), 'outer > inner > aten::add on one track');
  assert.deepEqual(add.args!['Input Dims'], [[4], [4], []]);
  const threadName = trace.traceEvents.find((event) => event.ph === 'M' && event.tid === outer.tid);
  assert.equal(threadName?.args?.name, 'JS thread');
  assert.match(String(inner.args!['Call stack']), /profiler\.test\.ts/);
  const events = prof.events();
  const byName = (name: string) => events.find((event) => event.name === name)!;
  assert.equal(byName('aten::add').parent, byName('inner').id);
  assert.equal(byName('inner').parent, byName('outer').id);
  assert.deepEqual(byName('aten::add').stack, byName('inner').stack, "ops carry their span's stack");
  const grouped = prof.keyAverages({ groupByStackN: 1 }).table();
  assert.ok(grouped.includes('Source Location'));
});

test('ops run on the thread pool are recorded on their own thread', async () => {
  const a = torch.ones([32, 32]);
  const prof = await profiler.profile({}, async () => {
    await profiler.recordFunction('async region', () => a.matmulAsync(a));
  });
  const events = prof.events();
  const span = events.find((event) => event.name === 'async region')!;
  const matmul = events.find((event) => event.name === 'aten::matmul')!;
  assert.ok(matmul, 'the async matmul is recorded');
  assert.notEqual(matmul.threadId, span.threadId);
  assert.ok(span.durationUs >= matmul.durationUs, 'the span lasts until its Promise settles');
});

test('recordFunction outside a session just runs its function', () => {
  assert.equal(
    profiler.recordFunction('nothing', () => 42),
    42,
  );
});

test("schedule() gives PyTorch's actions", () => {
  const actions = profiler.schedule({ wait: 1, warmup: 1, active: 2, repeat: 1, skipFirst: 1 });
  assert.deepEqual(
    Array.from({ length: 7 }, (_, step) => actions(step)),
    ['NONE', 'NONE', 'WARMUP', 'RECORD', 'RECORD_AND_SAVE', 'NONE', 'NONE'],
  );
  assert.throws(() => profiler.schedule({ wait: -1, warmup: 0, active: 1 }), /wait must be a whole number/);
  assert.throws(() => profiler.schedule({ wait: 0, warmup: 0, active: 0 }), /active must be at least 1/);
});

test('a schedule records the active steps, drops warm-up, and hands each trace on', () => {
  const traces: string[][] = [];
  const a = torch.ones([4]);
  const prof = profiler.profile({
    schedule: profiler.schedule({ wait: 1, warmup: 1, active: 2 }),
    onTraceReady: (p) =>
      traces.push(
        p
          .events()
          .filter((event) => event.name.startsWith('ProfilerStep#'))
          .map((event) => event.name),
      ),
  });
  prof.start();
  for (let step = 0; step < 9; step++) {
    a.add(a);
    prof.step();
  }
  prof.stop();
  // Cycles of 4: steps 2-3 and 6-7 recorded; the stop at step 9 falls in a warm-up and saves nothing.
  assert.deepEqual(traces, [
    ['ProfilerStep#2', 'ProfilerStep#3'],
    ['ProfilerStep#6', 'ProfilerStep#7'],
  ]);
  assert.equal(prof.stepNum, 9);
});

test('tensorboardTraceHandler writes .pt.trace.json files, gzipped on request', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nodetorch-tb-trace-'));
  const a = torch.ones([4]);
  for (const useGzip of [false, true]) {
    profiler.profile({ onTraceReady: profiler.tensorboardTraceHandler(dir, { workerName: 'worker0', useGzip }) }, () => a.mul(a));
  }
  const files = readdirSync(dir).sort();
  assert.equal(files.length, 2);
  assert.match(files[0]!, /^worker0\.\d+\.pt\.trace\.json$/);
  assert.match(files[1]!, /^worker0\.\d+\.pt\.trace\.json\.gz$/);
  const zipped = JSON.parse(gunzipSync(readFileSync(path.join(dir, files[1]!))).toString()) as ChromeTrace;
  assert.ok(zipped.traceEvents.some((event) => event.name === 'aten::mul'));
});

test('one session at a time, and a throwing function still ends its session', () => {
  const first = profiler.profile({});
  first.start();
  assert.throws(() => profiler.profile({}, () => undefined), /another profiler session is active/);
  assert.throws(() => first.start(), /already started/);
  first.stop();
  first.stop();
  assert.throws(() => profiler.profile({}).step(), /step\(\) before start\(\)/);
  assert.throws(
    () =>
      profiler.profile({}, () => {
        throw new Error('boom');
      }),
    /boom/,
  );
  const after = profiler.profile({}, () => torch.ones([2]));
  assert.ok(
    after.events().some((event) => event.name === 'aten::ones'),
    'a new session starts after the throw',
  );
  assert.throws(() => after.keyAverages({ groupByInputShape: true }), /needs recordShapes/);
  assert.throws(() => after.keyAverages({ groupByStackN: 2 }), /needs withStack/);
  assert.throws(() => profiler.profile({}).chromeTrace(), /no trace has finished/);
  assert.throws(() => profiler.profile({ activities: ['tpu' as never] }), /unknown activity 'tpu'/);
});

test('sessions started and stopped while async ops run never crash', async () => {
  const a = torch.ones([64, 64]);
  for (let round = 0; round < 20; round++) {
    const pending = [a.matmulAsync(a), a.matmulAsync(a)];
    const prof = profiler.profile({ recordShapes: true, profileMemory: round % 2 === 0 });
    prof.start();
    pending.push(a.matmulAsync(a));
    if (round % 3 === 0) await pending[0];
    prof.stop();
    await Promise.all(pending);
  }
  const last = await profiler.profile({ profileMemory: true }, () => a.matmulAsync(a));
  assert.ok(last.events().some((event) => event.name === 'aten::matmul'));
});

test.run();
