// scripts/run-tests.mjs on files made for it: a pass, a failure with a diff, a skip, a hang, a crash.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const helpers = JSON.stringify(new URL('./helpers.ts', import.meta.url).pathname);
const files: Record<string, string> = {
  'a-pass.test.ts': `import { test } from 'uvu'; import assert from 'node:assert/strict';
    test('adds', () => assert.equal(1 + 1, 2)); test.run();`,
  'b-fail.test.ts': `import { suite } from 'uvu'; import assert from 'node:assert/strict'; import { testOrSkip } from ${helpers};
    const s = suite('Maths'); s('compares', () => assert.deepEqual({ x: 1 }, { x: 2 }));
    testOrSkip(s, 'on a GPU', 'no GPU here', () => {}); s.run();`,
  'c-hang.test.ts': `import { test } from 'uvu'; test('waits', () => new Promise(() => setInterval(() => {}, 1000))); test.run();`,
  'd-crash.test.ts': `import { test } from 'uvu'; test('dies', () => process.kill(process.pid, 'SIGSEGV')); test.run();`,
};

/** A folder for test files that can import the project's packages (uvu). */
function folder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'nodetorch-runner-'));
  symlinkSync(new URL('../node_modules', import.meta.url).pathname, path.join(dir, 'node_modules'));
  return dir;
}

test('the runner reports counts, skip reasons, every failure and hung or crashed files', () => {
  const dir = folder();
  for (const [name, source] of Object.entries(files)) writeFileSync(path.join(dir, name), source);
  const run = spawnSync(process.execPath, [new URL('../scripts/run-tests.mjs', import.meta.url).pathname], {
    encoding: 'utf8',
    env: { ...process.env, NODETORCH_TEST_DIR: dir, NODETORCH_TEST_TIMEOUT: '30' },
  });
  const out = run.stdout;
  assert.equal(run.status, 1);
  assert.match(out, /✔ a-pass\.test\.ts: 1 passed, 0 failed, 0 skipped/);
  assert.match(out, /✖ b-fail\.test\.ts: 0 passed, 1 failed, 1 skipped/);
  assert.match(out, /skipped: on a GPU: no GPU here/);
  assert.match(out, /b-fail\.test\.ts > Maths > compares\n[^]*x: 1[^]*x: 2/);
  assert.match(out, /c-hang\.test\.ts: killed after 30 s/);
  assert.match(out, /d-crash\.test\.ts: killed by SIGSEGV/);
  assert.match(out, /\n1 passed, 3 failed, 1 skipped\n$/);
});

test('the runner runs only the files whose name matches an argument', () => {
  const dir = folder();
  for (const name of ['a-pass.test.ts', 'b-fail.test.ts']) writeFileSync(path.join(dir, name), files[name]!);
  const run = spawnSync(process.execPath, [new URL('../scripts/run-tests.mjs', import.meta.url).pathname, 'pass'], {
    encoding: 'utf8',
    env: { ...process.env, NODETORCH_TEST_DIR: dir },
  });
  assert.equal(run.status, 0);
  assert.doesNotMatch(run.stdout, /b-fail/);
  assert.match(run.stdout, /\n1 passed, 0 failed, 0 skipped\n$/);
});

test.run();
