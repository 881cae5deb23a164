// bindings.gyp describes the same addon for node-gyp users: build it once and use it.
// This compiles every native file without precompiled headers (minutes on 2 cores); set
// NODETORCH_SKIP_GYP_TEST=1 to skip it locally (CI runs it).
import { test } from 'uvu';
import { testOrSkip } from './helpers.ts';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const skip = process.env.NODETORCH_SKIP_GYP_TEST === '1' ? 'NODETORCH_SKIP_GYP_TEST=1' : false;

testOrSkip(test, 'node-gyp builds bindings.gyp into a working addon', skip, () => {
  const work = path.join(root, '.tmp', 'gyp-build');
  // Keep the build folder between runs (make is incremental); refresh the sources.
  mkdirSync(work, { recursive: true });
  rmSync(path.join(work, 'native'), { recursive: true, force: true });
  cpSync(path.join(root, 'native'), path.join(work, 'native'), { recursive: true });
  cpSync(path.join(root, 'scripts', 'find-libtorch.cjs'), path.join(work, 'scripts', 'find-libtorch.cjs'));
  cpSync(path.join(root, 'bindings.gyp'), path.join(work, 'binding.gyp'));
  if (!existsSync(path.join(work, 'node_modules'))) symlinkSync(path.join(root, 'node_modules'), path.join(work, 'node_modules'));

  // Node's own headers where the installation has them (node-gyp would otherwise download them).
  const prefix = path.resolve(process.execPath, '..', '..');
  const nodedir = existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
  const gyp = (command: string) =>
    spawnSync(process.execPath, [path.join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'), command, '--jobs', '2', ...nodedir], {
      cwd: work,
      encoding: 'utf8',
    });
  let build = gyp(existsSync(path.join(work, 'build', 'Makefile')) ? 'build' : 'rebuild');
  if (build.status !== 0) build = gyp('rebuild'); // a stale configuration: start over
  assert.equal(build.status, 0, build.stderr.slice(-4000));

  const addon = path.join(work, 'build', 'Release', 'nodetorch.node');
  const run = spawnSync(
    process.execPath,
    [
      '-e',
      "const t = require('nodetorch'); const x = t.tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true }); x.mul(x).sum().backward(); console.log(t.config().addonPath, JSON.stringify(x.grad.toArray()))",
    ],
    { cwd: root, encoding: 'utf8', env: { ...process.env, NODETORCH_ADDON: addon } },
  );
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), `${addon} [2,4,6]`);
});

test.run();
