#!/usr/bin/env node
// The package's install script (`npm install nodetorch`): keeps an addon that already loads, else
// builds one with cmake-js against the LibTorch that scripts/find-libtorch.cjs finds (LIBTORCH,
// Torch_DIR, a Python torch, or Debian/Ubuntu's libtorch-dev). It never downloads anything: Node's
// headers come from the node-api-headers package and LibTorch must already be on the machine.
// In a git checkout it does nothing: scripts/setup.sh (or `npm run build:native`) builds there.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const addon = path.join(root, 'build', 'Release', 'nodetorch.node');
const log = (message) => console.log(`nodetorch: ${message}`);

/** Whether `file` loads as the nodetorch addon (in a child, so a crash cannot take npm down). */
function loads(file) {
  if (!fs.existsSync(file)) return false;
  const check = `const m = { exports: {} }; process.dlopen(m, ${JSON.stringify(file)}); if (typeof m.exports.tensor?.release !== 'function') process.exit(3);`;
  return spawnSync(process.execPath, ['-e', check], { stdio: 'ignore' }).status === 0;
}

function fail(message) {
  console.error(`nodetorch: ${message}`);
  console.error(
    [
      'To build it, nodetorch needs LibTorch, CMake and a C++17 compiler:',
      '  Debian/Ubuntu: sudo apt-get install libtorch-dev libopenblas0-pthread cmake g++ make',
      '  or an unpacked LibTorch (CPU or CUDA, from pytorch.org): export LIBTORCH=/path/to/libtorch',
      'then rebuild with: npm rebuild nodetorch',
    ].join('\n'),
  );
  process.exit(1);
}

function main() {
  if (fs.existsSync(path.join(root, '.git'))) {
    log('a git checkout: build with `bash scripts/setup.sh` or `npm run build:native`');
    return;
  }
  if (process.env.NODETORCH_ADDON && loads(path.resolve(process.env.NODETORCH_ADDON))) {
    log(`using NODETORCH_ADDON=${process.env.NODETORCH_ADDON}`);
    return;
  }
  if (loads(addon)) {
    log(`using the addon already built at ${addon}`);
    return;
  }
  const found = spawnSync(process.execPath, [path.join(__dirname, 'find-libtorch.cjs')], { encoding: 'utf8' });
  if (found.status !== 0) fail(`LibTorch was not found.\n${found.stderr.trim()}`);
  const { source, torchDir } = JSON.parse(found.stdout);
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
  const jobs = String(Math.max(1, os.availableParallelism?.() ?? os.cpus().length));
  log(`building the addon against LibTorch from ${source} (${torchDir}) with ${jobs} jobs; this takes a few minutes`);
  const build = spawnSync(process.execPath, [cmakeJs, 'compile', '--parallel', jobs, '--log-level', 'error'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) fail(`building the addon failed (cmake-js exit ${build.status ?? build.signal}).`);
  if (!loads(addon)) fail(`the addon was built at ${addon} but does not load.`);
  log(`built ${addon}`);
}

main();
