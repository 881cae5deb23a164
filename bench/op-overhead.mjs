#!/usr/bin/env node
// Per-call overhead of a small CPU op, side by side in one run:
//   nodetorch through the generated path (torch.ops.aten.add.Tensor: boxed call by schema;
//   torch.add: the same after overload resolution), the hand-bound hot path (Tensor.add with two
//   tensors calls at::add directly), the cost of a tensor handle alone (aten.alias: no compute,
//   one result created and disposed), and Python torch (Debian's python3-torch) calling a.add(b).
// Usage (after scripts/setup.sh): node bench/op-overhead.mjs [--iterations 200000] [--size 4] [--json out.json]
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import * as torch from 'nodetorch';

const { values: opts } = parseArgs({
  options: { iterations: { type: 'string', default: '200000' }, size: { type: 'string', default: '4' }, json: { type: 'string' } },
});
const iterations = Number(opts.iterations);
const size = Number(opts.size);
torch.setNumThreads(1);

/** Median of five timed rounds, in microseconds per call. */
function measure(fn) {
  const rounds = [];
  for (let round = 0; round < 6; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn().dispose();
    const perCall = Number(process.hrtime.bigint() - start) / 1000 / iterations;
    if (round > 0) rounds.push(perCall); // the first round warms up
  }
  rounds.sort((a, b) => a - b);
  return rounds[2];
}

const a = torch.ones([size]);
const b = torch.ones([size]);
const rows = [
  ['nodetorch: torch.ops.aten.add.Tensor(a, b)', measure(() => torch.ops.aten.add.Tensor(a, b))],
  ['nodetorch: torch.add(a, b) (overload resolution)', measure(() => torch.add(a, b))],
  ['nodetorch: a.add(b) (hand-bound hot path, direct at::add)', measure(() => a.add(b))],
  ['nodetorch: a tensor handle alone (aten.alias, no compute)', measure(() => torch.ops.aten.alias.default(a))],
];

const python = `
import time, torch
torch.set_num_threads(1)
a = torch.ones(${size}); b = torch.ones(${size})
rounds = []
for r in range(6):
    t = time.perf_counter()
    for _ in range(${iterations}):
        a.add(b)
    rounds.append((time.perf_counter() - t) / ${iterations} * 1e6)
print(sorted(rounds[1:])[2])
`;
try {
  const us = Number(execFileSync('/usr/bin/python3', ['-c', python], { encoding: 'utf8' }).trim());
  rows.push([
    `Python torch ${execFileSync('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).trim()}: a.add(b)`,
    us,
  ]);
} catch {
  rows.push(['Python torch: a.add(b)', NaN]);
}

console.log(
  `Per-call time of a ${size}-element float32 add on the CPU (1 thread), median of 5 rounds of ${iterations} calls; LibTorch ${torch.config().torchVersion}, Node ${process.version}\n`,
);
console.log('| path | us per call |\n|---|---|');
for (const [name, us] of rows) console.log(`| ${name} | ${Number.isNaN(us) ? 'n/a (no /usr/bin/python3 torch)' : us.toFixed(2)} |`);
if (opts.json) (await import('node:fs')).writeFileSync(opts.json, JSON.stringify(Object.fromEntries(rows), null, 2));
