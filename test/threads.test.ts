// Thread settings made at load: OpenMP waits passively unless the user chose (a spinning team
// starves OpenBLAS's threads on a busy machine), and the per-thread intra-op count.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import * as torch from '../lib/index.ts';
import { native } from '../lib/native.ts';

const root = path.join(import.meta.dirname, '..');

function waitPolicyAfterImport(env: Record<string, string>): string {
  const clean = { ...process.env };
  delete clean.OMP_WAIT_POLICY;
  delete clean.GOMP_SPINCOUNT;
  const script = "await import('./lib/index.ts'); console.log(process.env.OMP_WAIT_POLICY ?? 'unset')";
  return execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    env: { ...clean, ...env },
    encoding: 'utf8',
  }).trim();
}

test('OpenMP waits passively by default; a policy or spin count the user set wins', () => {
  assert.equal(waitPolicyAfterImport({}), 'PASSIVE');
  assert.equal(waitPolicyAfterImport({ OMP_WAIT_POLICY: 'active' }), 'active');
  assert.equal(waitPolicyAfterImport({ GOMP_SPINCOUNT: '10000' }), 'unset');
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

test.run();
