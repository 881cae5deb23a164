import { test } from 'uvu';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { formatTensor } from '../lib/tensor/format.ts';

/** One golden case written by scripts/golden/format_cases.py. */
interface FormatCase {
  name: string;
  values: (number | string)[];
  shape: number[];
  dtype: string;
  device: string;
  requiresGrad: boolean;
  gradFn: string | null;
  expected: string;
}

const fixtureUrl = new URL('./fixtures/format.json', import.meta.url);
const cases = JSON.parse(readFileSync(fixtureUrl, 'utf8')) as FormatCase[];

const NON_FINITE: Readonly<Record<string, number>> = { nan: NaN, inf: Infinity, '-inf': -Infinity };

function toNumber(value: number | string): number {
  return typeof value === 'number' ? value : NON_FINITE[value]!;
}

/** Builds the typed array the native layer would hand the formatter for `dtype`. */
function toTypedArray(values: (number | string)[], dtype: string): ArrayLike<number | bigint> {
  switch (dtype) {
    case 'int64':
      return BigInt64Array.from(values, (v) => BigInt(v));
    case 'bool':
    case 'uint8':
      return Uint8Array.from(values, toNumber);
    case 'int8':
      return Int8Array.from(values, toNumber);
    case 'int16':
      return Int16Array.from(values, toNumber);
    case 'int32':
      return Int32Array.from(values, toNumber);
    case 'float64':
      return Float64Array.from(values, toNumber);
    case 'float16':
    case 'bfloat16':
    case 'float32':
      return Float32Array.from(values, toNumber);
    default:
      throw new Error(`unknown dtype ${dtype}`);
  }
}

test('the repr fixture has cases', () => {
  assert.ok(cases.length > 0, 'fixture has cases');
});

for (const c of cases) {
  test(`formatTensor matches PyTorch 1.13 repr: ${c.name}`, () => {
    const actual = formatTensor({
      values: toTypedArray(c.values, c.dtype),
      shape: c.shape,
      dtype: c.dtype,
      device: c.device,
      requiresGrad: c.requiresGrad,
      gradFn: c.gradFn,
    });
    assert.equal(actual, c.expected);
  });
}

test('formatTensor prints a non-cpu device first among suffixes', () => {
  const actual = formatTensor({
    values: new Float64Array([1, 2]),
    shape: [2],
    dtype: 'float64',
    device: 'cuda:0',
    requiresGrad: true,
    gradFn: null,
  });
  assert.equal(actual, "tensor([1., 2.], device='cuda:0', dtype=torch.float64, requires_grad=True)");
});

test.run();
