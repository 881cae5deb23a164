#!/usr/bin/env node
// Finds LibTorch for the native build, in the documented order:
//   1. $LIBTORCH (an unpacked official libtorch zip, or any prefix holding share/cmake/Torch)
//   2. $Torch_DIR (a folder holding TorchConfig.cmake)
//   3. the torch package of a Python interpreter (torch.utils.cmake_prefix_path)
//   4. the system (Debian/Ubuntu libtorch-dev)
// Prints JSON ({source, torchDir, includeDirs, libDir}); --cmake, --include-dirs, --lib-dir and
// --cxx-abi print one field for build files.
// CMakeLists.txt and bindings.gyp both ask this script, so the two builds agree.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const CONFIG = 'TorchConfig.cmake';
const tried = [];

function configIn(dir) {
  if (!dir) return null;
  for (const sub of ['', 'share/cmake/Torch', 'Torch']) {
    const candidate = path.resolve(dir, sub);
    if (fs.existsSync(path.join(candidate, CONFIG))) return candidate;
  }
  return null;
}

function fromEnv(name) {
  const value = process.env[name];
  if (!value) {
    tried.push(`$${name} is not set`);
    return null;
  }
  const dir = configIn(value);
  if (!dir) tried.push(`$${name}=${value} holds no ${CONFIG}`);
  return dir;
}

function fromPython() {
  for (const python of [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean)) {
    try {
      const out = execFileSync(python, ['-c', 'import torch.utils; print(torch.utils.cmake_prefix_path)'], {
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 60_000,
      });
      const dir = configIn(path.join(out.toString().trim(), 'Torch'));
      if (dir) return dir;
      tried.push(`${python}: torch found but its cmake prefix holds no ${CONFIG}`);
    } catch {
      tried.push(`${python}: no importable torch`);
    }
  }
  return null;
}

function fromSystem() {
  const roots = [
    '/usr/lib/x86_64-linux-gnu/cmake/Torch',
    '/usr/lib/aarch64-linux-gnu/cmake/Torch',
    '/usr/lib/cmake/Torch',
    '/usr/local/share/cmake/Torch',
  ];
  for (const dir of roots) if (configIn(dir)) return dir;
  tried.push(`no ${CONFIG} under ${roots.join(', ')}`);
  return null;
}

function describe(torchDir, source) {
  // share/cmake/Torch (official zip, pip wheel) or lib/<triplet>/cmake/Torch (Debian).
  const official = path.resolve(torchDir, '../../..');
  if (fs.existsSync(path.join(official, 'include/torch/csrc/api/include'))) {
    return {
      source,
      torchDir,
      includeDirs: [path.join(official, 'include'), path.join(official, 'include/torch/csrc/api/include')],
      libDir: path.join(official, 'lib'),
    };
  }
  return {
    source,
    torchDir,
    includeDirs: ['/usr/include', '/usr/include/torch/csrc/api/include'],
    libDir: path.resolve(torchDir, '../..'),
  };
}

function find() {
  const steps = [
    ['LIBTORCH', () => fromEnv('LIBTORCH')],
    ['Torch_DIR', () => fromEnv('Torch_DIR')],
    ['python', fromPython],
    ['system', fromSystem],
  ];
  for (const [source, step] of steps) {
    const dir = step();
    if (dir) return describe(dir, source);
  }
  return null;
}

const found = find();
if (!found) {
  process.stderr.write(
    [
      'nodetorch: LibTorch was not found. Tried, in order:',
      ...tried.map((line) => `  - ${line}`),
      'Fix one of these:',
      '  - Debian/Ubuntu: sudo apt-get install libtorch-dev libopenblas0-pthread libgloo-dev',
      '  - elsewhere: unpack the official LibTorch zip (CPU or CUDA) and set LIBTORCH=/path/to/libtorch',
      '  - or point Torch_DIR at the folder holding TorchConfig.cmake',
      '',
    ].join('\n'),
  );
  process.exit(1);
}
// The C++ ABI LibTorch was built with (Debian and the cxx11 zips: 1; pip wheels before 2.7: 0).
function cxxAbi(torchDir) {
  const config = fs.readFileSync(path.join(torchDir, CONFIG), 'utf8');
  const match = /_GLIBCXX_USE_CXX11_ABI=(\d)/.exec(config);
  return match ? match[1] : '1';
}

const arg = process.argv[2];
if (arg === '--cmake') process.stdout.write(found.torchDir);
else if (arg === '--include-dirs') process.stdout.write(found.includeDirs.join(' '));
else if (arg === '--lib-dir') process.stdout.write(found.libDir);
else if (arg === '--cxx-abi') process.stdout.write(cxxAbi(found.torchDir));
else process.stdout.write(JSON.stringify(found, null, 2) + '\n');
