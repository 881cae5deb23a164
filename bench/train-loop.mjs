#!/usr/bin/env node
// Training-loop speed, side by side in one run: a hand-written nodetorch loop, the Trainer stepping
// from JS, the Trainer's native epoch loop, a standalone C++ LibTorch loop (built here) and Python
// torch's idiomatic loop, on an MLP 784-256-128-10 (batch 64 and 512) and a small CNN (batch 64),
// with 1 and 2 threads. Each participant is its own process; rounds interleave them so that noise
// hits everyone alike. Reports the median epoch time (the first epoch of each process is warm-up).
// Usage (after scripts/setup.sh): node bench/train-loop.mjs [--rounds 3] [--quick]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const { values: opts } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, quick: { type: 'boolean', default: false } } });
const rounds = Number(opts.rounds);
const epochs = opts.quick ? 2 : 4;
const cases = [
  { model: 'mlp', batch: 64, samples: opts.quick ? 2048 : 8192 },
  { model: 'mlp', batch: 512, samples: opts.quick ? 4096 : 16384 },
  { model: 'cnn', batch: 64, samples: opts.quick ? 512 : 2048 },
];
const threadCounts = opts.quick ? [1] : [1, 2];

function buildCpp() {
  const out = path.join(root, 'bench', '.build', 'train_loop');
  const source = path.join(here, 'train-loop', 'train_loop.cpp');
  if (existsSync(out) && statSync(out).mtimeMs > statSync(source).mtimeMs) return out;
  mkdirSync(path.dirname(out), { recursive: true });
  const find = (flag) =>
    execFileSync(process.execPath, [path.join(root, 'scripts', 'find-libtorch.cjs'), flag], { encoding: 'utf8' }).trim();
  const includes = find('--include-dirs')
    .split(/\s+/)
    .filter(Boolean)
    .map((dir) => `-I${dir}`);
  const libDir = find('--lib-dir');
  console.error('building the standalone C++ loop (once)...');
  execFileSync('g++', ['-O2', '-std=c++17', `-D_GLIBCXX_USE_CXX11_ABI=${find('--cxx-abi')}`, ...includes, source, '-o', out,
    `-L${libDir}`, `-Wl,-rpath,${libDir}`, '-ltorch', '-ltorch_cpu', '-lc10'], { stdio: 'inherit' }); // prettier-ignore
  return out;
}

const cpp = buildCpp();
const participants = {
  'hand-written JS loop': (c, t) => [
    'node',
    [path.join(here, 'train-loop', 'node-loop.mjs'), 'manual', c.model, c.batch, c.samples, epochs],
    t,
  ],
  'Trainer (steps from JS)': (c, t) => [
    'node',
    [path.join(here, 'train-loop', 'node-loop.mjs'), 'trainer-js', c.model, c.batch, c.samples, epochs],
    t,
  ],
  'Trainer (native epoch loop)': (c, t) => [
    'node',
    [path.join(here, 'train-loop', 'node-loop.mjs'), 'trainer-native', c.model, c.batch, c.samples, epochs],
    t,
  ],
  'C++ LibTorch loop': (c, t) => [cpp, [c.model, c.batch, c.samples, epochs, t], t],
  'Python torch (DataLoader)': (c, t) => [
    '/usr/bin/python3',
    [path.join(here, 'train-loop', 'python_loop.py'), c.model, c.batch, c.samples, epochs, t],
    t,
  ],
};

function runOnce([command, args, threads]) {
  const env = {
    ...process.env,
    NODETORCH_NUM_THREADS: String(threads),
    OMP_NUM_THREADS: String(threads),
    OPENBLAS_NUM_THREADS: String(threads),
  };
  const exe = command === 'node' ? process.execPath : command;
  const out = execFileSync(exe, args.map(String), { encoding: 'utf8', env, cwd: root });
  const times = JSON.parse(out.trim().split('\n').at(-1)).msPerEpoch.slice(1);
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = [];
for (const threads of threadCounts) {
  for (const c of cases) {
    const samples = Object.fromEntries(Object.keys(participants).map((name) => [name, []]));
    for (let round = 0; round < rounds; round++) {
      for (const [name, make] of Object.entries(participants)) samples[name].push(runOnce(make(c, threads)));
    }
    const row = { ...c, threads, msPerEpoch: Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)])) };
    results.push(row);
    console.error(`${c.model} batch ${c.batch}, ${threads} thread(s): ${JSON.stringify(row.msPerEpoch)}`);
  }
}

const names = Object.keys(participants);
const lines = [
  `# Training loop: ms per epoch (median of ${rounds} interleaved rounds; each process's median epoch after a warm-up epoch)`,
  '',
  `Command: \`node bench/train-loop.mjs${opts.quick ? ' --quick' : ''} --rounds ${rounds}\`. Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores. SGD (momentum 0.9), cross entropy, shuffled batches.`,
  'Thread counts (LibTorch intra-op and OpenBLAS) are the same for every participant.',
  '',
  `| model | batch | samples | threads | ${names.join(' | ')} | Trainer JS / hand-written | native / C++ |`,
  `|${'---|'.repeat(names.length + 6)}`,
  ...results.map((r) => {
    const ms = names.map((name) => r.msPerEpoch[name].toFixed(1));
    const overhead = r.msPerEpoch['Trainer (steps from JS)'] / r.msPerEpoch['hand-written JS loop'];
    const nativeRatio = r.msPerEpoch['Trainer (native epoch loop)'] / r.msPerEpoch['C++ LibTorch loop'];
    return `| ${r.model === 'mlp' ? 'MLP 784-256-128-10' : 'CNN (2 conv)'} | ${r.batch} | ${r.samples} | ${r.threads} | ${ms.join(' | ')} | ${overhead.toFixed(3)} | ${nativeRatio.toFixed(3)} |`;
  }),
];
mkdirSync(path.join(here, 'results'), { recursive: true });
const name = opts.quick ? 'train-loop-quick' : 'train-loop';
writeFileSync(path.join(here, 'results', `${name}.md`), lines.join('\n') + '\n');
writeFileSync(path.join(here, 'results', `${name}.json`), JSON.stringify(results, null, 2) + '\n');
console.log(lines.join('\n'));
