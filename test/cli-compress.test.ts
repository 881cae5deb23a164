// `nodetorch compress` end to end (lib/cli/bin.ts in child processes): a tiny config trains the
// MLP and writes results.json, results.md, the variants' files and the Hydra files into its run
// folder; `--cfg job` prints the composed config; bad variants, amounts and models exit 2 naming
// the problem, before anything trains.
import { test } from 'uvu';
import { runCli, showCliOutcome } from './helpers.ts';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import type { CompressResult } from '../lib/cli/commands/compress.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'nodetorch-cli-compress-'));
const tiny = ['epochs=1', 'data.train_size=256', 'data.test_size=100', 'latency.runs=3', 'latency.warmup=1', 'latency.batch_sizes=[1,16]'];

const cli = runCli;

const show = showCliOutcome;

test('compress with a tiny config writes results.json, results.md, the variant files and the Hydra files', async () => {
  const runDir = path.join(scratch, 'run');
  const overrides = ['variants=[fp32,pruned,dynamic_int8]', 'prune_amounts=[0.8]', ...tiny, `hydra.run.dir=${runDir}`];
  const [outcome, printed] = await Promise.all([cli('compress', ...overrides), cli('compress', '--cfg', 'job', 'model=cnn', 'epochs=2')]);
  assert.equal(outcome.code, 0, show(outcome));
  const result = JSON.parse(readFileSync(path.join(runDir, 'results.json'), 'utf8')) as CompressResult;
  assert.equal(result.model, 'mlp');
  assert.equal(result.runDir, runDir);
  assert.deepEqual(
    result.rows.map((row) => row.name),
    ['fp32', 'pruned_80', 'dynamic_int8'],
  );
  assert.deepEqual(result.settings.batchSizes, [1, 16]);
  assert.equal(result.environment.threads, 1);
  const [fp32, pruned, int8] = result.rows;
  assert.ok(fp32!.accuracy > 0.3, `fp32 trained a little (${fp32!.accuracy})`);
  assert.ok(Math.abs(pruned!.sparsity! - 0.8) < 1e-4);
  assert.ok(int8!.file.bytes < fp32!.file.bytes);
  assert.deepEqual(readdirSync(path.join(runDir, 'models')).sort(), ['dynamic_int8.pt', 'fp32.pt', 'pruned_80.pt', 'pruned_80.sparse.pt']);
  const markdown = readFileSync(path.join(runDir, 'results.md'), 'utf8');
  assert.match(markdown, /^# nodetorch compress: mlp\n/);
  assert.match(markdown, /\| variant \| file bytes \(format\) \| weight sparsity \| accuracy \| change \(points\) \| batch 1 \(us\) \|/);
  assert.match(markdown, /\| dynamic_int8 \| [\d,]+ \(TorchScript\) \|/);
  assert.ok(markdown.includes('Command: `nodetorch compress variants=[fp32,pruned,dynamic_int8] prune_amounts=[0.8] epochs=1'), markdown);
  assert.deepEqual(parse(readFileSync(path.join(runDir, '.hydra', 'overrides.yaml'), 'utf8')), overrides.slice(0, -1));
  assert.match(readFileSync(path.join(runDir, 'compress.log'), 'utf8'), /dynamic_int8: accuracy/);
  assert.ok(!readdirSync(runDir).some((name) => name.endsWith('.tmp')), 'no temp files left');
  assert.equal(printed.code, 0, show(printed));
  const config = parse(printed.stdout) as { model: { kind: string }; epochs: number; variants: string[] };
  assert.equal(config.model.kind, 'cnn');
  assert.equal(config.epochs, 2);
  assert.ok(config.variants.includes('static_int8'));
});

test('bad input exits 2 naming the problem, before anything trains', async () => {
  const dir = (name: string) => `hydra.run.dir=${path.join(scratch, name)}`;
  const [variant, amount, layers, cfg] = await Promise.all([
    cli('compress', 'variants=[fp32,int4]', ...tiny, dir('variant')),
    cli('compress', 'prune_amounts=[0.5,1.5]', ...tiny, dir('amount')),
    cli('compress', 'model.hidden=[]', 'variants=[structured]', ...tiny, dir('layers')),
    cli('compress', '--cfg', 'hydra'),
  ]);
  assert.equal(variant.code, 2, show(variant));
  assert.match(variant.stderr, /variants\.1: unknown variant \(known: fp32, pruned, structured, .*\) \(found "int4"\)/);
  assert.equal(amount.code, 2, show(amount));
  assert.match(amount.stderr, /prune_amounts\.1: a pruning amount must be in \[0, 1\] \(found 1\.5\)/);
  assert.equal(layers.code, 2, show(layers));
  assert.match(layers.stderr, /structured: the model has no Conv2d layer or hidden Linear layer .* \(model=mlp\)/);
  assert.ok(!existsSync(path.join(scratch, 'layers', 'models')), 'nothing was trained or saved');
  assert.equal(cfg.code, 2, show(cfg));
  assert.match(cfg.stderr, /--cfg must be job/);
});

test.run();
