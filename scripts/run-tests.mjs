#!/usr/bin/env node
// Runs every test/*.test.ts with Node's test runner and ends with a plain "N passed, N failed" line.
// Start it as `node --expose-gc --import tsx scripts/run-tests.mjs [files...]` (npm test does): the
// test processes inherit those flags. NODETORCH_TEST_CONCURRENCY overrides the file concurrency.
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const requested = process.argv.slice(2);
const files = requested.length
  ? requested.map((file) => path.resolve(file))
  : readdirSync(path.join(root, 'test'))
      .filter((name) => name.endsWith('.test.ts'))
      .sort()
      .map((name) => path.join(root, 'test', name));

let passed = 0;
let failed = 0;
let skipped = 0;
const stream = run({ files, concurrency: Number(process.env.NODETORCH_TEST_CONCURRENCY ?? 2), timeout: 30 * 60_000 });
stream.on('test:pass', (event) => {
  if (event.details?.type === 'suite') return;
  if (event.skip || event.todo) skipped++;
  else passed++;
});
stream.on('test:fail', (event) => {
  if (event.details?.type !== 'suite') failed++;
});
const reporter = stream.compose(spec);
reporter.pipe(process.stdout, { end: false });
reporter.on('end', () => {
  // The line CI reads.
  process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  process.exitCode = failed > 0 ? 1 : 0;
});
