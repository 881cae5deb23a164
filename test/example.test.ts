// The README's main job: the MNIST example trains for real through the built package.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

test('examples/mnist-mlp.mjs learns the embedded digits through the Trainer (held-out accuracy > 85%), with logs and a checkpoint', () => {
  const example = fileURLToPath(new URL('../examples/mnist-mlp.mjs', import.meta.url));
  const runs = mkdtempSync(path.join(tmpdir(), 'nodetorch-example-'));
  const out = execFileSync(process.execPath, [example, '--epochs', '4', '--train', '4000', '--test', '1000', '--out', runs], {
    encoding: 'utf8',
  });
  const folder = path.join(runs, 'mnist-mlp', 'version_0');
  assert.ok(readFileSync(path.join(folder, 'metrics.csv'), 'utf8').includes('val/acc'));
  assert.match(readFileSync(path.join(folder, 'hparams.yaml'), 'utf8'), /lr: 0.3/);
  assert.equal(readdirSync(path.join(folder, 'checkpoints')).filter((f) => /^epoch=\d+-acc=0\.\d{4}\.ckpt$/.test(f)).length, 1);
  const accuracy = Number(/held-out accuracy: ([\d.]+)%/.exec(out)?.[1]);
  assert.ok(accuracy > 85, out);
  const losses = [...out.matchAll(/loss ([\d.]+)/g)].map((m) => Number(m[1]));
  assert.ok(losses.at(-1)! < losses[0]!, `loss falls: ${losses.join(' > ')}`);
});

test('examples/mnist-manual.mjs (tensors and autograd only) learns them too', () => {
  const example = fileURLToPath(new URL('../examples/mnist-manual.mjs', import.meta.url));
  const out = execFileSync(process.execPath, [example, '--epochs', '3', '--train', '3000', '--test', '1000'], { encoding: 'utf8' });
  assert.ok(Number(/held-out accuracy: ([\d.]+)%/.exec(out)?.[1]) > 85, out);
});

test.run();
