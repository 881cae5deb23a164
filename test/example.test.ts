// The README's main job: the MNIST example trains for real through the built package.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('examples/mnist-mlp.mjs learns the embedded digits (held-out accuracy > 85%)', () => {
  const example = fileURLToPath(new URL('../examples/mnist-mlp.mjs', import.meta.url));
  const out = execFileSync(process.execPath, [example, '--epochs', '4', '--train', '4000', '--test', '1000'], { encoding: 'utf8' });
  const accuracy = Number(/held-out accuracy: ([\d.]+)%/.exec(out)?.[1]);
  assert.ok(accuracy > 85, out);
  const losses = [...out.matchAll(/loss ([\d.]+)/g)].map((m) => Number(m[1]));
  assert.ok(losses.at(-1)! < losses[0]!, `loss falls: ${losses.join(' > ')}`);
});

test.run();
