// The README's main job: the MNIST example trains for real through the built package.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasPythonTorch, testOrSkip } from './helpers.ts';

const run = (name: string, args: string[] = []) =>
  execFileSync(process.execPath, [fileURLToPath(new URL(`../examples/${name}`, import.meta.url)), ...args], { encoding: 'utf8' });
const percent = (out: string, label: RegExp) => Number(new RegExp(`${label.source}:? ([\\d.]+)%`).exec(out)?.[1]);

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
  const [header, ...rows] = readFileSync(path.join(folder, 'metrics.csv'), 'utf8').trim().split('\n');
  const column = header!.split(',').indexOf('train/loss_epoch');
  const losses = rows
    .map((row) => row.split(',')[column])
    .filter(Boolean)
    .map(Number);
  assert.match(out, /native epoch loop/);
  assert.ok(losses.at(-1)! < losses[0]!, `loss falls: ${losses.join(' > ')}`);
});

test('examples/mnist-manual.mjs (tensors and autograd only) learns them too', () => {
  const example = fileURLToPath(new URL('../examples/mnist-manual.mjs', import.meta.url));
  const out = execFileSync(process.execPath, [example, '--epochs', '3', '--train', '3000', '--test', '1000'], { encoding: 'utf8' });
  assert.ok(Number(/held-out accuracy: ([\d.]+)%/.exec(out)?.[1]) > 85, out);
});

test('examples/mnist-cnn.mjs: a LightningModule CNN learns the digits (quick run)', () => {
  const runs = mkdtempSync(path.join(tmpdir(), 'nodetorch-example-'));
  const out = run('mnist-cnn.mjs', ['--epochs', '1', '--train', '1500', '--test', '500', '--out', runs]);
  assert.ok(percent(out, /held-out accuracy/) > 80, out);
  assert.ok(readdirSync(path.join(runs, 'mnist-cnn', 'version_0', 'checkpoints')).some((f) => f.endsWith('.ckpt')));
});

test('examples/custom-loss.mjs: a custom module and a pinball loss give a calibrated band', () => {
  const out = run('custom-loss.mjs');
  assert.match(out, /steps from JS: true/);
  const coverage = percent(out, /inside the 10%-90% band/);
  assert.ok(coverage > 65 && coverage < 95, out);
});

test('examples/resume.mjs: a resumed run equals the uninterrupted one bit for bit', () => {
  assert.match(run('resume.mjs'), /bit for bit: true/);
});

testOrSkip(
  test,
  "examples/finetune-torchscript.mjs: PyTorch's model learns the digits it never saw; Python loads the result",
  hasPythonTorch ? false : 'python3-torch is not installed',
  () => {
    const runs = mkdtempSync(path.join(tmpdir(), 'nodetorch-example-'));
    const out = run('finetune-torchscript.mjs', ['--epochs', '1', '--train', '1500', '--test', '500', '--out', runs]);
    const before = percent(out, /on all ten digits/);
    const after = percent(out, /after fine-tuning here/);
    assert.ok(before < 60 && after > before + 10, out);
    const saved = path.join(runs, 'finetune', 'digits-cnn-finetuned.pt');
    const script = 'import sys, torch; m = torch.jit.load(sys.argv[1]); print(m(torch.zeros(2, 1, 28, 28)).shape)';
    assert.match(execFileSync('/usr/bin/python3', ['-c', script, saved], { encoding: 'utf8' }), /torch.Size\(\[2, 10\]\)/);
  },
);

test.run();
