// examples/compress.mjs through the built package: a quick run on the MLP prints the table of its
// variants, with the environment line and each variant's file written to --out.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

test('examples/compress.mjs: a quick MLP run prints every variant with its accuracy, size and latency', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'nodetorch-example-compress-'));
  const example = fileURLToPath(new URL('../examples/compress.mjs', import.meta.url));
  const args = ['--model', 'mlp', '--epochs', '1', '--finetune', '1', '--train', '1000', '--test', '500', '--runs', '5', '--out', out];
  const printed = execFileSync(process.execPath, [example, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  assert.match(printed, /## MLP\n\nLibTorch [\d.]+, quantized engine \w+, 1 intra-op thread/);
  for (const name of ['fp32', 'pruned_50', 'pruned_80', 'pruned_90', 'structured', 'dynamic_int8', 'static_int8', 'qat_int8', 'optimized'])
    assert.match(printed, new RegExp(`\\| ${name} \\| [\\d,]+ \\((state dict|TorchScript)\\)`), name);
  const fp32 = Number(/\| fp32 \| [^|]+ \| {2}\| ([\d.]+)% \|/.exec(printed)?.[1]);
  assert.ok(fp32 > 60, `the MLP learned the digits (${fp32}%)`);
  assert.ok(readdirSync(path.join(out, 'mlp')).includes('static_int8.pt'));
});

test.run();
