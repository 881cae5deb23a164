#!/usr/bin/env node
// The benchmark suite: every case of bench/cases/ with its peers (Python torch, TensorFlow.js, the
// standalone C++ LibTorch program, the SGEMM ceiling) in one run; writes bench/results/<quick|full>.{json,md}.
//   node bench/run.mjs [--quick] [--only ceiling,micro,...] [--rounds N] [--threads 1,2]
//                      [--check] (compare ratios with bench/baseline.json; exit 1 if one is worse by more than its margin)
//                      [--update-baseline] (write this run's ratios to bench/baseline.json)
// npm run bench = full; npm run bench:quick = --quick --check (CI); npm run bench:baseline = --quick --update-baseline.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CASES } from './cases/index.mjs';
import { DEFAULT_MARGIN, betterOfRuns, collectRatios, compareRatios, formatComparison } from './harness/compare.mjs';
import { buildCpp } from './harness/cpp.mjs';
import { describeMachine, libraryEnv, threadEnv } from './harness/machine.mjs';
import { PYTHON, benchDir, peer, progress, runParticipant } from './harness/processes.mjs';
import { caseMarkdown, writeResults } from './harness/report.mjs';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    rounds: { type: 'string' },
    threads: { type: 'string' },
    check: { type: 'boolean', default: false },
    'update-baseline': { type: 'boolean', default: false },
  },
});
const started = Date.now();
const quick = opts.quick;
const only = opts.only?.split(',');
const unknown = only?.filter((id) => !CASES.some((c) => c.id === id));
if (unknown?.length) throw new Error(`unknown case(s) ${unknown.join(', ')}; the cases are ${CASES.map((c) => c.id).join(', ')}`);
const threadCounts = (opts.threads ?? (quick ? '1' : '1,2')).split(',').map(Number);

const cpp = { path: null, error: null };
try {
  cpp.path = await buildCpp();
} catch (error) {
  cpp.error = `the C++ peer did not build: ${error.message}`;
  progress(cpp.error);
}
const ctx = {
  quick,
  rounds: Number(opts.rounds ?? (quick ? 1 : 3)),
  threadCounts,
  // The ceiling is measured at every thread count a row uses, and at 2 (the multi-thread peak).
  ceilingThreads: [...new Set([1, 2, ...threadCounts])].sort((a, b) => a - b),
  cpp,
  peakGflops: {},
};

const versions = runParticipant({ command: 'node', args: [peer('versions.mjs')], env: threadEnv(1) });
const python = runParticipant({
  command: PYTHON,
  args: ['-c', 'import json, torch; print(json.dumps(torch.__version__))'],
  env: threadEnv(1),
});
const cases = [];
// The ceiling always runs: the other cases' share-of-peak columns need it.
const wanted = (id) => !only || only.includes(id) || id === 'ceiling';
for (const benchCase of CASES) {
  if (!wanted(benchCase.id)) continue;
  const caseStart = Date.now();
  progress(`== ${benchCase.id}`);
  const result = await benchCase.run(ctx);
  result.seconds = (Date.now() - caseStart) / 1000;
  cases.push(result);
  console.log(caseMarkdown(result) + '\n');
}

const command = `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim();
const suite = {
  command,
  quick,
  startedAt: new Date(started).toISOString(),
  durationS: (Date.now() - started) / 1000,
  machine: describeMachine(),
  versions: { ...(versions.error ? {} : versions), 'Python torch': typeof python === 'string' ? python : 'n/a' },
  settings: {
    threads: `NODETORCH_NUM_THREADS = OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = MKL_NUM_THREADS = ${threadCounts.join(' or ')} for every participant (LibTorch intra-op and OpenBLAS alike), with ${
      Object.entries(libraryEnv)
        .map(([name, value]) => `${name}=${value}`)
        .join(' and ') || 'no other variable'
    } as nodetorch sets them at load, unless it says "defaults"`,
    threadCounts,
    rounds: ctx.rounds,
  },
  cases,
};
const name = `${quick ? 'quick' : 'full'}${only ? `-${only.join('-')}` : ''}`;
const written = writeResults(name, suite);
progress(`wrote ${written.map((file) => path.relative(process.cwd(), file)).join(', ')} in ${suite.durationS.toFixed(0)} s`);

const baselinePath = path.join(benchDir, 'baseline.json');
const ratios = collectRatios(cases);
if (opts['update-baseline']) {
  const previous = existsSync(baselinePath) ? JSON.parse(readFileSync(baselinePath, 'utf8')) : {};
  const baseline = {
    about:
      'Ratios (nodetorch over a peer, same run) that npm run bench:quick must stay within margin of; npm run bench:baseline rewrites it.',
    margin: previous.margin ?? DEFAULT_MARGIN,
    command,
    machine: suite.machine,
    updatedAt: suite.startedAt,
    ratios,
  };
  writeFileSync(baselinePath, JSON.stringify(baseline, null, 2) + '\n');
  progress(`wrote ${Object.keys(ratios).length} ratios to bench/baseline.json`);
}
if (opts.check) {
  const baseline = JSON.parse(readFileSync(baselinePath, 'utf8'));
  const margin = baseline.margin ?? DEFAULT_MARGIN;
  let comparison = compareRatios(ratios, baseline.ratios, margin);
  if (!comparison.ok) {
    // Confirm: rerun the cases with a worse ratio once; only a ratio worse in both runs fails.
    const again = new Set(comparison.regressions.map((entry) => entry.key.split('/')[0]));
    progress(`${comparison.regressions.length} ratio(s) worse than the baseline; rerunning ${[...again].join(', ')} to confirm`);
    const rerun = [];
    for (const benchCase of CASES.filter((c) => again.has(c.id))) rerun.push(await benchCase.run(ctx));
    comparison = compareRatios(betterOfRuns(ratios, collectRatios(rerun)), baseline.ratios, margin);
  }
  for (const line of formatComparison(comparison)) console.log(line);
  if (!comparison.ok) process.exitCode = 1;
}
