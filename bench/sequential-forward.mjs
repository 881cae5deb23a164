#!/usr/bin/env node
// Forward time of an nn.Sequential of built-in layers: the native plan (one call into C++) against
// the same layers called one by one from JavaScript, side by side with Python torch.
// Usage (after scripts/setup.sh): node bench/sequential-forward.mjs [--iterations 2000] [--batch 64]
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import * as torch from 'nodetorch';

const { values: opts } = parseArgs({
  options: { iterations: { type: 'string', default: '2000' }, batch: { type: 'string', default: '64' } },
});
const iterations = Number(opts.iterations);
const batch = Number(opts.batch);
torch.setNumThreads(1);
// Python's BLAS gets the thread count ours has (its torch.set_num_threads leaves OpenBLAS alone, and
// OpenBLAS then picks a count that depends on how the process was started).
const pythonEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(torch.config().blasThreads ?? 1), OMP_NUM_THREADS: '1' };
const { nn } = torch;

function median(fn) {
  const rounds = [];
  for (let round = 0; round < 6; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) torch.noGrad(() => fn().dispose());
    if (round > 0) rounds.push(Number(process.hrtime.bigint() - start) / 1000 / iterations);
  }
  return rounds.sort((a, b) => a - b)[2];
}

const models = {
  'MLP 784-128-64-10': {
    build: () => new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 64), new nn.ReLU(), new nn.Linear(64, 10)),
    input: [batch, 784],
    py: 'nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))',
  },
  'tiny MLP 16-16-16-4 (overhead-bound)': {
    build: () => new nn.Sequential(new nn.Linear(16, 16), new nn.ReLU(), new nn.Linear(16, 16), new nn.ReLU(), new nn.Linear(16, 4)),
    input: [8, 16],
    py: 'nn.Sequential(nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 4))',
  },
};

console.log(`Forward time per call (no grad, 1 thread), median of 5 rounds of ${iterations}; LibTorch ${torch.config().torchVersion}\n`);
console.log('| model | native plan (us) | layer by layer (us) | Python torch (us) |\n|---|---|---|---|');
for (const [name, spec] of Object.entries(models)) {
  const model = spec.build().eval();
  const x = torch.randn(spec.input);
  const layers = [...model];
  const nativeUs = median(() => model.forward(x));
  const jsUs = median(() =>
    layers.reduce((acc, layer) => {
      const next = layer.forward(acc);
      if (acc !== x) acc.dispose();
      return next;
    }, x),
  );
  let pyUs = NaN;
  try {
    const script = `import time, torch\nfrom torch import nn\ntorch.set_num_threads(1)\nm = ${spec.py}.eval()\nx = torch.randn(${spec.input.join(', ')})\nr = []\nwith torch.no_grad():\n  for _ in range(6):\n    t = time.perf_counter()\n    for _ in range(${iterations}): m(x)\n    r.append((time.perf_counter() - t) / ${iterations} * 1e6)\nprint(sorted(r[1:])[2])`;
    pyUs = Number(execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8', env: pythonEnv }));
  } catch {
    // no Python torch here: the row shows only nodetorch
  }
  console.log(
    `| ${name}, input [${spec.input.join(', ')}] | ${nativeUs.toFixed(1)} | ${jsUs.toFixed(1)} | ${Number.isNaN(pyUs) ? 'n/a' : pyUs.toFixed(1)} |`,
  );
}
