// nodetorch as a dependency, tried as a new user would: the packed package is installed into a
// fresh project, its install script builds the addon, and then an ESM and a CommonJS script train
// a model, a strict TypeScript file (no @types/node, no skipLibCheck) type-checks without a cast,
// the loader's advice for a consumer is right, and publint and are-the-types-wrong pass.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testOrSkip } from './helpers.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const skip = process.env.NODETORCH_SKIP_PACK_TEST === '1' ? 'NODETORCH_SKIP_PACK_TEST=1' : undefined;
const work = mkdtempSync(path.join(tmpdir(), 'nodetorch-pack-'));
const project = path.join(work, 'project');
const installed = path.join(project, 'node_modules', 'nodetorch');
const addon = path.join(installed, 'build', 'Release', 'nodetorch.node');
const bin = (pkg: string, file: string) => path.join(root, 'node_modules', pkg, file);

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  // The consumer builds and loads its own addon, whatever addon this run was given (npm run coverage gives one).
  const inherited = { ...process.env };
  delete inherited.NODETORCH_ADDON;
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...inherited, ...env }, maxBuffer: 64 << 20 });
  if (result.error) throw result.error;
  return result;
}
const output = (result: SpawnSyncReturns<string>) => `${result.stdout}\n${result.stderr}`;
const node = (args: string[], cwd = project) => run(process.execPath, args, cwd);

let tarball = '';

testOrSkip(test, 'npm pack ships the built package, the native sources and the install script, nothing else', skip, () => {
  const packed = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root);
  assert.equal(packed.status, 0, output(packed));
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(work, info!.filename);
  const files = info!.files.map((file) => file.path);
  for (const needed of [
    'dist/index.js',
    'dist/index.cjs',
    'dist/index.d.ts',
    'dist/index.d.cts',
    'dist/data-worker.js',
    'scripts/install.cjs',
    'scripts/find-libtorch.cjs',
    'CMakeLists.txt',
    'native/pch.h',
    'package.json',
  ])
    assert.ok(files.includes(needed), `the package holds ${needed}`);
  for (const file of files) assert.doesNotMatch(file, /^(test|build|node_modules|bench|examples|coverage)\//, `${file} is not shipped`);
});

testOrSkip(test, 'npm install into a fresh project builds the addon with the install script', skip, () => {
  mkdirSync(project);
  // npm 11 runs a dependency's install script only once the project allows it.
  writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, allowScripts: { nodetorch: true } }),
  );
  const install = run('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--foreground-scripts'], project);
  assert.equal(install.status, 0, output(install));
  assert.match(output(install), /nodetorch: building the addon against LibTorch/);
  assert.ok(existsSync(addon), 'the addon is built inside the installed package');
});

const training = (load: string) => `${load}
torch.manualSeed(0);
const model = new torch.nn.Sequential(new torch.nn.Linear(4, 16), new torch.nn.ReLU(), new torch.nn.Linear(16, 1));
const optimizer = new torch.optim.Adam(model.parameters(), { lr: 0.05 });
const x = torch.randn([64, 4]);
const y = x.sum(1, { keepdim: true });
const losses = [];
for (let step = 0; step < 100; step++) {
  optimizer.zeroGrad();
  const loss = torch.nn.functional.mseLoss(model.forward(x), y);
  loss.backward();
  optimizer.step();
  losses.push(loss.item());
}
console.log(JSON.stringify({ first: losses[0], last: losses.at(-1), version: torch.config().torchVersion }));
`;

for (const [kind, file, load] of [
  ['ESM', 'train.mjs', "import * as torch from 'nodetorch';"],
  ['CommonJS', 'train.cjs', "const torch = require('nodetorch');"],
] as const) {
  testOrSkip(test, `an ${kind} script in the consumer project trains a model`, skip, () => {
    writeFileSync(path.join(project, file), training(load));
    const result = node([file]);
    assert.equal(result.status, 0, output(result));
    const { first, last, version } = JSON.parse(result.stdout) as { first: number; last: number; version: string };
    assert.match(version, /^\d+\.\d+/);
    assert.ok(last < first / 10, `the loss falls (${first} -> ${last})`);
  });
}

testOrSkip(test, 'a strict TypeScript file trains a Sequential without a cast, without @types/node', skip, () => {
  writeFileSync(
    path.join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        lib: ['es2022'],
        types: [],
        skipLibCheck: false,
        noEmit: true,
      },
      include: ['*.mts'],
    }),
  );
  writeFileSync(
    path.join(project, 'train.mts'),
    `import * as torch from 'nodetorch';
const model = new torch.nn.Sequential(new torch.nn.Linear(4, 8), new torch.nn.ReLU(), new torch.nn.Linear(8, 1));
const optimizer = new torch.optim.SGD(model.parameters(), { lr: 0.1 });
const x = torch.randn([32, 4]);
const y = x.sum(1, { keepdim: true });
for (let step = 0; step < 10; step++) {
  optimizer.zeroGrad();
  const output: torch.Tensor = model.forward(x);
  const loss = torch.nn.functional.mseLoss(output, y);
  loss.backward();
  optimizer.step();
}
const { values } = x.max(1, { keepdim: true });
const bytes: Uint8Array = torch.serializeSafetensors(model.stateDict());
export function sizes(): number[] {
  using t = torch.ones([2]);
  return [...t.shape, ...values.shape, bytes.length];
}
`,
  );
  const tsc = bin('typescript', 'bin/tsc');
  const clean = node([tsc, '-p', '.']);
  assert.equal(clean.status, 0, output(clean));
  // The check can fail: a forward result is a Tensor, not anything.
  writeFileSync(
    path.join(project, 'wrong.mts'),
    "import * as torch from 'nodetorch';\nexport const n: number = new torch.nn.Linear(1, 1).forward(torch.ones([1]));\n",
  );
  const wrong = node([tsc, '-p', '.']);
  assert.notEqual(wrong.status, 0);
  assert.match(output(wrong), /wrong\.mts.*TS2322: Type 'Tensor' is not assignable to type 'number'/);
});

testOrSkip(test, 'without its addon the installed package says how to build it, and npm rebuild does', skip, () => {
  renameSync(addon, `${addon}.moved`);
  const missing = node(['-e', "require('nodetorch')"]);
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /the native addon is not built/);
  assert.match(missing.stderr, /npm install-scripts approve nodetorch/);
  assert.match(missing.stderr, /npm rebuild nodetorch/);
  assert.match(missing.stderr, /apt-get install libtorch-dev/);
  assert.doesNotMatch(missing.stderr, /setup\.sh/, 'the consumer has no setup script');
  const rebuild = run('npm', ['rebuild', 'nodetorch', '--foreground-scripts'], project);
  assert.equal(rebuild.status, 0, output(rebuild));
  assert.ok(existsSync(addon));
  assert.equal(node(['train.cjs']).status, 0);
});

testOrSkip(test, 'the install script keeps an addon that already loads', skip, () => {
  const before = readFileSync(addon);
  const again = run(process.execPath, [path.join(installed, 'scripts', 'install.cjs')], installed);
  assert.equal(again.status, 0, output(again));
  assert.match(again.stdout, /using the addon already built/);
  assert.ok(readFileSync(addon).equals(before));
});

testOrSkip(test, 'publint and are-the-types-wrong pass on the packed package', skip, () => {
  const publint = node([bin('publint', 'src/cli.js'), 'run', tarball, '--strict'], root);
  assert.equal(publint.status, 0, output(publint));
  assert.doesNotMatch(output(publint), /Warnings|Errors/);
  const attw = node([bin('@arethetypeswrong/cli', 'dist/index.js'), tarball, '--format', 'ascii', '--no-color'], root);
  assert.equal(attw.status, 0, output(attw));
  assert.match(attw.stdout, /No problems found/);
});

test.run();
