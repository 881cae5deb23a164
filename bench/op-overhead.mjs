#!/usr/bin/env node
// Per-call overhead of a small CPU op, side by side in one run:
//   nodetorch through the generated path (torch.ops.aten.add.Tensor: the exact overload, called
//   unboxed because its schema has a common shape; torch.add: the same after overload resolution),
//   the hand-bound hot path (Tensor.add with two tensors calls at::add directly), the cost of a
//   tensor handle alone (aten.alias: no compute), the ways a result can be freed (dispose(), a
//   torch.tidy scope, the garbage collector), and Python torch (Debian's python3-torch).
// Every row is timed in rounds of --iterations calls; the table gives the median and the best round
// (this 2-core VM shares its host, so the best round is the least disturbed one).
// Usage (after scripts/setup.sh): node bench/op-overhead.mjs [--iterations 20000] [--rounds 31] [--size 4] [--json out.json]
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import * as torch from 'nodetorch';

const { values: opts } = parseArgs({
  options: {
    iterations: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '31' },
    size: { type: 'string', default: '4' },
    json: { type: 'string' },
  },
});
const iterations = Number(opts.iterations);
const rounds = Number(opts.rounds);
const size = Number(opts.size);
torch.setNumThreads(1);
// Python's BLAS gets the thread count ours has (its torch.set_num_threads leaves OpenBLAS alone, and
// OpenBLAS then picks a count that depends on how the process was started).
const pythonEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(torch.config().blasThreads ?? 1), OMP_NUM_THREADS: '1' };

/** Microseconds per call: [median, best] over the timed rounds (one warm-up round first). */
function summarize(perRound) {
  const sorted = [...perRound].sort((x, y) => x - y);
  return [sorted[Math.floor(sorted.length / 2)], sorted[0]];
}

/** Times `loop(n)`, which makes n calls, in rounds. */
function measure(loop) {
  const perRound = [];
  for (let round = 0; round <= rounds; round++) {
    const start = process.hrtime.bigint();
    loop(iterations);
    const us = Number(process.hrtime.bigint() - start) / 1000 / iterations;
    if (round > 0) perRound.push(us);
  }
  return summarize(perRound);
}

/** n calls of `fn`, disposing each result. */
const disposing = (fn) => (n) => {
  for (let i = 0; i < n; i++) fn().dispose();
};

const a = torch.ones([size]);
const b = torch.ones([size]);
const TIDY_SCOPE = 100;
const rows = [
  ['nodetorch: torch.ops.aten.add.Tensor(a, b) (generated, exact overload)', measure(disposing(() => torch.ops.aten.add.Tensor(a, b)))],
  ['nodetorch: torch.add(a, b) (generated, with overload resolution)', measure(disposing(() => torch.add(a, b)))],
  ['nodetorch: a.add(b) (hand-bound hot path, direct at::add)', measure(disposing(() => a.add(b)))],
  ['nodetorch: a tensor handle alone (aten.alias, no compute)', measure(disposing(() => torch.ops.aten.alias.default(a)))],
  [
    `nodetorch: torch.add(a, b) in torch.tidy scopes of ${TIDY_SCOPE} calls (no dispose calls)`,
    measure((n) => {
      for (let i = 0; i < n; i += TIDY_SCOPE) {
        torch.tidy(() => {
          for (let j = 0; j < TIDY_SCOPE; j++) torch.add(a, b);
        });
      }
    }),
  ],
  [
    'nodetorch: torch.add(a, b) left to the garbage collector',
    measure((n) => {
      for (let i = 0; i < n; i++) torch.add(a, b);
    }),
  ],
];

// Python does the same rounds; its results are freed by reference counting.
const python = `
import json, time, torch
torch.set_num_threads(1)
a = torch.ones(${size}); b = torch.ones(${size})
def measure(fn):
    rounds = []
    for r in range(${rounds} + 1):
        t = time.perf_counter()
        for _ in range(${iterations}):
            fn()
        rounds.append((time.perf_counter() - t) / ${iterations} * 1e6)
    rounds = sorted(rounds[1:])
    return [rounds[len(rounds) // 2], rounds[0]]
print(json.dumps({"version": torch.__version__, "method": measure(lambda: a.add(b)), "function": measure(lambda: torch.add(a, b))}))
`;
try {
  const result = JSON.parse(execFileSync('/usr/bin/python3', ['-c', python], { encoding: 'utf8', env: pythonEnv }).trim());
  rows.push([`Python torch ${result.version}: a.add(b)`, result.method]);
  rows.push([`Python torch ${result.version}: torch.add(a, b)`, result.function]);
} catch {
  rows.push(['Python torch: a.add(b)', [NaN, NaN]]);
}

console.log(
  `Per-call time of a ${size}-element float32 add on the CPU (1 thread): ${rounds} rounds of ${iterations} calls; LibTorch ${torch.config().torchVersion}, Node ${process.version}\n`,
);
console.log('| path | us per call (median) | best round |\n|---|---|---|');
const format = (us) => (Number.isNaN(us) ? 'n/a (no /usr/bin/python3 torch)' : us.toFixed(2));
for (const [name, [median, best]] of rows) console.log(`| ${name} | ${format(median)} | ${format(best)} |`);
if (opts.json) {
  const table = Object.fromEntries(rows.map(([name, [median, best]]) => [name, { median, best }]));
  (await import('node:fs')).writeFileSync(opts.json, JSON.stringify(table, null, 2));
}
