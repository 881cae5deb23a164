#!/usr/bin/env node
// `npm run coverage`: the whole test suite once, measuring both languages in the same run:
//   - TypeScript: c8 over lib/ (V8 coverage mapped through tsx's source maps to TypeScript lines),
//   - C++: gcovr over native/, from a coverage build of the addon in build-coverage/ (the normal
//     build/ is left alone), which the tests load through NODETORCH_ADDON.
// HTML reports go to coverage/js/ and coverage/native/; one summary line per language is printed,
// and the run fails when a figure falls below its floor (scripts/coverage-floors.json) or a test fails.
// Arguments are passed to scripts/run-tests.mjs (`npm run coverage -- nn` measures the nn tests only,
// and skips the floors).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);
const buildDir = path.join(root, 'build-coverage');
const addon = path.join(buildDir, 'Release', 'nodetorch.node');
const reports = path.join(root, 'coverage');
const floors = JSON.parse(readFileSync(path.join(root, 'scripts', 'coverage-floors.json'), 'utf8'));
const bin = (pkg, file) => path.join(root, 'node_modules', pkg, file);

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

// 1. The instrumented addon (CMakeLists.txt's NODETORCH_COVERAGE option).
const jobs = String(os.availableParallelism?.() ?? os.cpus().length);
const built = run(process.execPath, [
  bin('cmake-js', 'bin/cmake-js'),
  'compile',
  '--out',
  buildDir,
  '--parallel',
  jobs,
  '--log-level',
  'error',
  '--CDNODETORCH_COVERAGE=ON',
]);
if (built !== 0) process.exit(built);

// 2. The suite, once, writing V8 coverage (what c8 does when it wraps a command), against the
// instrumented addon; counters from an earlier run are reset.
spawnSync('find', [buildDir, '-name', '*.gcda', '-delete']);
rmSync(reports, { recursive: true, force: true });
mkdirSync(path.join(reports, 'native'), { recursive: true });
const v8Dir = path.join(reports, 'js', 'tmp');
mkdirSync(v8Dir, { recursive: true });
const tests = run(process.execPath, ['scripts/run-tests.mjs', ...filters], {
  env: { ...process.env, NODETORCH_ADDON: addon, NODE_V8_COVERAGE: v8Dir },
});

// Processes that ran TypeScript from outside the project (the runner test's fixtures in a temporary
// folder) had lib/ transformed with other settings; their source maps would corrupt the merge.
const ownRoot = pathToFileURL(root).href;
for (const file of readdirSync(v8Dir)) {
  const { result } = JSON.parse(readFileSync(path.join(v8Dir, file), 'utf8'));
  const foreign = result.some(({ url }) => url.startsWith('file://') && url.endsWith('.ts') && !url.startsWith(ownRoot));
  if (foreign) rmSync(path.join(v8Dir, file));
}
const reported = run(process.execPath, [
  bin('c8', 'bin/c8.js'),
  'report',
  `--temp-directory=${v8Dir}`,
  '--include=lib/**',
  '--exclude=lib/**/*.generated.ts',
  '--reporter=html',
  '--reporter=json-summary',
  `--reports-dir=${path.join(reports, 'js')}`,
]);
if (reported !== 0) process.exit(reported);

// 3. The native report.
const gcovr = spawnSync(
  'gcovr',
  [
    '--root',
    root,
    '--filter',
    path.join(root, 'native') + '/',
    '--object-directory',
    buildDir,
    '--gcov-ignore-parse-errors',
    '--html-details',
    path.join(reports, 'native', 'index.html'),
    '--json-summary',
    path.join(reports, 'native', 'summary.json'),
    buildDir,
  ],
  { cwd: root, encoding: 'utf8' },
);
if (gcovr.status !== 0) {
  console.error(gcovr.stdout, gcovr.stderr);
  process.exit(gcovr.status ?? 1);
}

const js = JSON.parse(readFileSync(path.join(reports, 'js', 'coverage-summary.json'), 'utf8')).total;
const native = JSON.parse(readFileSync(path.join(reports, 'native', 'summary.json'), 'utf8'));
const figures = {
  typescript: { lines: js.lines.pct, functions: js.functions.pct, branches: js.branches.pct },
  native: { lines: native.line_percent, functions: native.function_percent, branches: native.branch_percent },
};
const format = (f) => `lines ${f.lines.toFixed(1)}%, functions ${f.functions.toFixed(1)}%, branches ${f.branches.toFixed(1)}%`;
console.log(`\ncoverage: TypeScript (lib/, c8): ${format(figures.typescript)}  [coverage/js/index.html]`);
console.log(`coverage: C++ (native/, gcovr): ${format(figures.native)}  [coverage/native/index.html]`);

let below = 0;
if (filters.length === 0) {
  for (const [language, measured] of Object.entries(figures)) {
    for (const [metric, floor] of Object.entries(floors[language])) {
      if (measured[metric] < floor) {
        console.log(`coverage: ${language} ${metric} ${measured[metric].toFixed(1)}% is below its floor of ${floor}%`);
        below++;
      }
    }
  }
}
process.exit(tests !== 0 ? tests : below > 0 ? 1 : 0);
