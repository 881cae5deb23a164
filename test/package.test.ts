// The published entry points: ESM and CommonJS builds of dist/, and the addon loader's messages.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const node = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env });

test('import from ESM and require from CommonJS both work', () => {
  const esm = node([
    '--input-type=module',
    '-e',
    "import * as torch from 'nodetorch'; const x = torch.tensor([[1, 2], [3, 4]], { requiresGrad: true, dtype: 'float32' }); x.mul(x).sum().backward(); console.log(JSON.stringify(x.grad.toArray()))",
  ]);
  assert.equal(esm.status, 0, esm.stderr);
  assert.equal(esm.stdout.trim(), '[[2,4],[6,8]]');
  const cjs = node([
    '-e',
    "const torch = require('nodetorch'); console.log(torch.ones([2]).add(1).toArray().join(','), typeof torch.Tensor)",
  ]);
  assert.equal(cjs.status, 0, cjs.stderr);
  assert.equal(cjs.stdout.trim(), '2,2 function');
});

test('type declarations are emitted for both formats', () => {
  const files = execFileSync('ls', ['dist'], { cwd: root, encoding: 'utf8' });
  assert.match(files, /index\.d\.ts/);
  assert.match(files, /index\.d\.cts/);
});

test('a missing addon names the paths it tried and the fix', () => {
  const result = node(['-e', "require('nodetorch')"], { ...process.env, NODETORCH_ADDON: '/nonexistent/nodetorch.node' });
  // The env path is tried first; the build output is still found after it.
  assert.equal(result.status, 0, result.stderr);
});

test('an addon that cannot load explains why', () => {
  const result = node(['-e', "require('nodetorch')"], {
    ...process.env,
    NODETORCH_ADDON: fileURLToPath(new URL('./fixtures/core_golden.json', import.meta.url)),
  });
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /nodetorch: the addon .*core_golden\.json failed to load/);
});

test('find-libtorch reports the order it searched', () => {
  const found = JSON.parse(
    execFileSync(process.execPath, ['scripts/find-libtorch.cjs'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, LIBTORCH: '/nonexistent' },
    }),
  ) as { source: string; includeDirs: string[] };
  assert.ok(['LIBTORCH', 'Torch_DIR', 'python', 'system'].includes(found.source));
  assert.notEqual(found.source, 'LIBTORCH', 'an invalid LIBTORCH is skipped');
  assert.ok(found.includeDirs.length > 0);
});

test('the DataLoader workers run from the built package (ESM and CommonJS)', () => {
  const script = (load: string) =>
    `${load}; (async () => { const ds = new torch.data.TensorDataset(torch.arange(8).reshape(4, 2), torch.arange(4)); const loader = new torch.data.DataLoader(ds, { batchSize: 2, numWorkers: 1 }); const out = []; for await (const [x, y] of loader) out.push(y.toArray()); console.log(JSON.stringify(out)); })()`;
  const esm = node(['--input-type=module', '-e', script("import * as torch from 'nodetorch'")]);
  assert.equal(esm.status, 0, esm.stderr);
  assert.equal(esm.stdout.trim(), '[[0,1],[2,3]]');
  const cjs = node(['-e', script("const torch = require('nodetorch')")]);
  assert.equal(cjs.status, 0, cjs.stderr);
  assert.equal(cjs.stdout.trim(), '[[0,1],[2,3]]');
});

test.run();
