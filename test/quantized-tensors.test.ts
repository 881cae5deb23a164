// Quantized tensors: made with torch.quantizePerTensor / quantizePerChannel, printed as PyTorch
// prints them, and saved and loaded both ways with Python's torch.save / torch.load
// (golden reprs and test/fixtures/pt/quantized.pt from scripts/golden/quantize_cases.py).
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as torch from '../lib/index.ts';
import { hasPythonTorch, readFixture } from './helpers.ts';

interface Expected {
  repr: string;
  intRepr: { values: number[]; shape: number[] };
  dtype: string;
}
const golden = readFixture<{ tensors: Record<string, Expected> }>('quantize_golden.json').tensors;
const fixture = new URL('./fixtures/pt/quantized.pt', import.meta.url).pathname;

function made(): Record<string, torch.Tensor> {
  return {
    per_tensor_qint8: torch.quantizePerTensor(torch.tensor([0.1, -0.5, 1.0, 2.6]), 0.02, 0, 'qint8'),
    per_tensor_quint8: torch.quantizePerTensor(
      torch.tensor([
        [0.1, -0.5],
        [1.0, 3.0],
      ]),
      0.05,
      10,
      'quint8',
    ),
    per_channel_qint8: torch.quantizePerChannel(
      torch.tensor([
        [0.1, -0.2, 0.3],
        [0.4, -0.5, 0.6],
      ]),
      torch.tensor([0.01, 0.02], { dtype: 'float64' }),
      torch.tensor([0, 2]),
      0,
      'qint8',
    ),
  };
}

test("quantized tensors hold PyTorch's integers and print as PyTorch prints them", () => {
  for (const [name, tensor] of Object.entries(made())) {
    const expected = golden[name]!;
    assert.equal(tensor.dtype, expected.dtype, name);
    assert.deepEqual(tensor.intRepr().flatten().toArray(), expected.intRepr.values, name);
    assert.equal(String(tensor), expected.repr, name);
  }
  const q = made().per_tensor_qint8!;
  assert.equal(q.qScale(), 0.02);
  assert.equal(q.qZeroPoint(), 0);
  assertClose(q.dequantize().toArray() as number[], [0.1, -0.5, 1.0, 2.54]);
});

function assertClose(actual: number[], expected: number[]): void {
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-6, `[${i}] ${v} vs ${expected[i]}`));
}

test("torch.load reads Python's quantized tensors; Python reads ours", async () => {
  const loaded = await torch.load<Record<string, torch.Tensor>>(fixture);
  for (const [name, expected] of Object.entries(golden)) {
    assert.equal(String(loaded[name]), expected.repr, name);
    assert.deepEqual(loaded[name]!.intRepr().flatten().toArray(), expected.intRepr.values, name);
  }
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'nodetorch-qt-')), 'quantized.pt');
  await torch.save(made(), file);
  const again = await torch.load<Record<string, torch.Tensor>>(file);
  for (const [name, expected] of Object.entries(golden)) assert.equal(String(again[name]), expected.repr, name);
  if (!hasPythonTorch) return;
  const script = `
import json, sys, torch
d = torch.load(sys.argv[1])
print(json.dumps({k: repr(v) for k, v in d.items()}))
`;
  const fromPython = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' })) as Record<string, string>;
  for (const [name, expected] of Object.entries(golden)) assert.equal(fromPython[name], expected.repr, name);
});

test('bad quantization arguments are TorchErrors, not crashes', () => {
  assert.throws(() => torch.quantizePerTensor(torch.tensor([1]), 0.1, 0, 'int8'), torch.TorchError);
  assert.throws(() => torch.quantizePerTensor(torch.tensor([1]), 0.1, 0, 'qint4' as never), TypeError);
  assert.throws(() => made().per_tensor_qint8!.add(1), torch.TorchError);
  assert.throws(() => made().per_tensor_qint8!.toArray(), torch.TorchError);
});

test.run();
