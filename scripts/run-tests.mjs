#!/usr/bin/env node
// Runs every test/*.test.ts (uvu suites) in its own Node process, two at a time, and reports:
// each file's summary, the reason of every skip, every failure (file, suite, test, the assertion's
// diff), and a last plain line "N passed, N failed, N skipped", which CI reads.
//
//   npm test                 every file
//   npm test -- nn optim     the files whose name contains "nn" or "optim"
//
// NODETORCH_TEST_CONCURRENCY: files at once (default 2). NODETORCH_TEST_TIMEOUT: seconds a file
// may run before it is killed and reported as failed (default 1800). NODETORCH_TEST_DIR: where the
// files are (default test/; the runner's own test points it elsewhere).
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const filters = process.argv.slice(2);
const testDir = path.resolve(root, process.env.NODETORCH_TEST_DIR ?? 'test');
const files = readdirSync(testDir)
  .filter((name) => name.endsWith('.test.ts'))
  .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
  .sort();
const concurrency = Number(process.env.NODETORCH_TEST_CONCURRENCY ?? 2);
const timeoutMs = Number(process.env.NODETORCH_TEST_TIMEOUT ?? 1800) * 1000;

/** Runs one file; resolves to its counts, skips, failures and raw output. */
function runFile(name) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(testDir, name)], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ name, code, signal, timedOut, output, seconds: (Date.now() - started) / 1000, ...parse(output) });
    });
  });
}

/** Reads uvu's report: the totals, the SKIP lines of test/helpers.ts, and each FAIL block. */
function parse(output) {
  const number = (label) => Number(new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'm').exec(output)?.[1] ?? NaN);
  const total = number('Total');
  const passed = number('Passed');
  const skipped = number('Skipped');
  const skips = [...output.matchAll(/^SKIP (.*)$/gm)].map((m) => m[1]);
  const failures = [];
  const lines = output.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const head = /^\s+FAIL\s+(?:(.*?)\s+)?"(.*)"\s*$/.exec(lines[i]);
    if (!head) continue;
    const details = [];
    for (i++; i < lines.length; i++) {
      const line = lines[i];
      if (/^\s+FAIL\s/.test(line) || /^\s*Total:/.test(line) || /^ \S.*[•✘✓]/.test(line)) {
        i--;
        break;
      }
      if (/node_modules\/uvu|node:internal/.test(line)) continue;
      details.push(line);
    }
    while (details.length && details[details.length - 1].trim() === '') details.pop();
    failures.push({ suite: head[1] ?? '(default)', test: head[2], details: details.join('\n') });
  }
  return { total, passed, skipped, skips, failures };
}

const results = [];
const queue = [...files];
async function worker() {
  for (let name = queue.shift(); name; name = queue.shift()) {
    const result = await runFile(name);
    results.push(result);
    const ok = result.code === 0 && !result.timedOut && Number.isFinite(result.total);
    const failed = Number.isFinite(result.total) ? result.total - result.passed : 0;
    const counts = Number.isFinite(result.total)
      ? `${result.passed} passed, ${failed} failed, ${result.skipped} skipped`
      : 'no uvu summary';
    const status = result.timedOut
      ? `killed after ${timeoutMs / 1000} s`
      : result.signal
        ? `killed by ${result.signal}`
        : ok
          ? 'ok'
          : `exit ${result.code}`;
    process.stdout.write(`${ok ? '✔' : '✖'} ${name}: ${counts} (${result.seconds.toFixed(1)} s) ${status === 'ok' ? '' : status}\n`);
    for (const skip of result.skips) process.stdout.write(`    skipped: ${skip}\n`);
  }
}
await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));

let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];
for (const result of results.sort((a, b) => a.name.localeCompare(b.name))) {
  if (Number.isFinite(result.total)) {
    passed += result.passed;
    skipped += result.skipped;
    failed += result.total - result.passed;
  }
  for (const failure of result.failures) problems.push(`${result.name} > ${failure.suite} > ${failure.test}\n${failure.details}`);
  // A file that died, hung or printed no summary counts as one failure more, with its output's end.
  const broken = result.timedOut || result.signal || !Number.isFinite(result.total) || (result.code !== 0 && result.failures.length === 0);
  if (broken) {
    failed += 1;
    const why = result.timedOut
      ? `killed after ${timeoutMs / 1000} s`
      : result.signal
        ? `killed by ${result.signal}`
        : `exit ${result.code}`;
    problems.push(`${result.name}: ${why}\n${result.output.split('\n').slice(-30).join('\n')}`);
  }
}
if (problems.length) {
  process.stdout.write(`\nFailures:\n\n${problems.join('\n\n')}\n`);
}
process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exitCode = failed > 0 ? 1 : 0;
