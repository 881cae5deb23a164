// Settings made at load: OpenMP waits passively unless the user chose (a spinning team starves
// OpenBLAS's threads on a busy machine), OpenBLAS's kernels named by the CPU's instruction sets (its
// own detection falls back to SSE3 on CPUs it does not know), and the per-thread intra-op count.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as torch from '../lib/index.ts';
import { native } from '../lib/native.ts';

const root = path.join(import.meta.dirname, '..');

/** What a fresh process sees after importing nodetorch with `env` (and none of the variables it sets). */
function afterImport(env: Record<string, string>): { waitPolicy: string; blasCore: string } {
  const clean = { ...process.env };
  for (const name of ['OMP_WAIT_POLICY', 'GOMP_SPINCOUNT', 'OPENBLAS_CORETYPE']) delete clean[name];
  const script =
    "const t = await import('./lib/index.ts'); console.log(JSON.stringify({ waitPolicy: process.env.OMP_WAIT_POLICY ?? 'unset', blasCore: t.config().blasCore }))";
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    env: { ...clean, ...env },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { waitPolicy: string; blasCore: string };
}

const waitPolicyAfterImport = (env: Record<string, string>) => afterImport(env).waitPolicy;

test('OpenMP waits passively by default; a policy or spin count the user set wins', () => {
  assert.equal(waitPolicyAfterImport({}), 'PASSIVE');
  assert.equal(waitPolicyAfterImport({ OMP_WAIT_POLICY: 'active' }), 'active');
  assert.equal(waitPolicyAfterImport({ GOMP_SPINCOUNT: '10000' }), 'unset');
});

test("OpenBLAS runs the kernels of the CPU's instruction sets; OPENBLAS_CORETYPE set by the user wins", () => {
  const flags =
    readFileSync('/proc/cpuinfo', 'utf8')
      .match(/^flags\s*:(.*)$/m)?.[1]
      ?.split(/\s+/) ?? [];
  const chosen = afterImport({}).blasCore;
  if (flags.includes('avx512f') && flags.includes('avx512bw')) assert.equal(chosen, 'SkylakeX');
  else if (flags.includes('avx2') && flags.includes('fma')) assert.equal(chosen, 'Haswell');
  assert.notEqual(chosen, 'Prescott');
  assert.equal(afterImport({ OPENBLAS_CORETYPE: 'Prescott' }).blasCore, 'Prescott');
});

test('setThreadIntraOpThreads changes the calling thread only, and checks its argument', async () => {
  const before = torch.getNumThreads();
  torch.setNumThreads(2);
  try {
    // On a pool thread (async ops) the process-wide setting applies.
    const pooled = await torch.ones([2]).toArrayAsync();
    assert.deepEqual(pooled, [1, 1]);
    native.setThreadIntraOpThreads(1);
    assert.equal(torch.getNumThreads(), 1);
    native.setThreadIntraOpThreads(2);
    assert.equal(torch.getNumThreads(), 2);
    assert.throws(() => native.setThreadIntraOpThreads(0), /positive integer/);
  } finally {
    torch.setNumThreads(before);
  }
});

test('async work follows setNumThreads on the pool threads and starts no threads per call', async () => {
  const before = torch.getNumThreads();
  const taskIds = () => new Set(readdirSync('/proc/self/task'));
  try {
    for (const threads of [2, 1, 2]) {
      torch.setNumThreads(threads);
      assert.equal(await native.poolNumThreads(), threads);
    }
    const a = torch.randn([64, 64]);
    await a.matmulAsync(a); // the first call may start the libuv pool and OpenMP's threads
    const afterFirst = taskIds();
    const seen = new Set(afterFirst);
    for (let i = 0; i < 20; i++) {
      await a.matmulAsync(a);
      for (const id of taskIds()) seen.add(id);
    }
    // Each async call once went through at::set_num_threads, which rebuilds XNNPACK's pthreadpool:
    // a thread started per call, and a 2-thread GEMM on the pool ran 6x slower than on the JS thread.
    const started = seen.size - afterFirst.size;
    assert.ok(started <= 2, `20 async calls started ${started} threads`);
  } finally {
    torch.setNumThreads(before);
  }
});

/** Each thread's scheduling policy (field 41 of /proc/self/task/TID/stat; 3 is SCHED_BATCH). */
function threadPolicies(): Map<number, number> {
  const policies = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: field 3 onward.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    policies.set(Number(tid), Number(fields[41 - 3]));
  }
  return policies;
}

test('the pool threads that run LibTorch work are batch threads on Linux; the event loop thread is not', async () => {
  if (process.platform !== 'linux') return;
  const SCHED_OTHER = 0;
  const SCHED_BATCH = 3;
  // Enough calls at once that several pool threads take one.
  await Promise.all(
    Array.from({ length: 8 }, () =>
      torch
        .rand([64, 64])
        .matmul(torch.rand([64, 64]))
        .toArrayAsync(),
    ),
  );
  const policies = threadPolicies();
  assert.equal(policies.get(process.pid), SCHED_OTHER, 'the main thread keeps the normal policy');
  const batch = [...policies.values()].filter((policy) => policy === SCHED_BATCH).length;
  assert.ok(batch >= 1, `a pool thread became a batch thread: policies ${JSON.stringify([...policies])}`);
});

test.run();
