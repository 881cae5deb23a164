// defaultCollate and defaultConvert, checked against PyTorch's default_collate where a case exists
// in test/fixtures/data_golden.json.
import assert from 'node:assert/strict';
import { suite } from 'uvu';
import * as torch from '../lib/index.ts';
import * as data from '../lib/data/index.ts';
import { readFixture } from './helpers.ts';

type Encoded =
  | { tensor: torch.NestedArray; dtype: torch.DType; shape: number[] }
  | { dict: Record<string, Encoded> }
  | { list: Encoded[] }
  | { value: unknown };

const golden = readFixture<{ collate: Record<string, { batch: unknown[]; collated: Encoded }> }>('data_golden.json').collate;

// Re-encodes a collated value the way the Python script encodes default_collate's output.
function encode(value: unknown): Encoded {
  if (value instanceof torch.Tensor) return { tensor: value.toArray(), dtype: value.dtype, shape: value.shape };
  if (Array.isArray(value)) return { list: value.map(encode) };
  if (typeof value === 'object' && value !== null)
    return { dict: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)])) };
  return { value };
}

{
  const it = suite('defaultCollate');
  for (const [name, { batch, collated }] of Object.entries(golden)) {
    it(`matches default_collate: ${name}`, () => {
      assert.deepEqual(encode(data.defaultCollate(batch)), collated);
    });
  }

  it('stacks tensors along a new first dimension', () => {
    const batch = data.defaultCollate([torch.tensor([[1, 2]]), torch.tensor([[3, 4]]), torch.tensor([[5, 6]])]);
    assert.deepEqual(batch.shape, [3, 1, 2]);
    assert.deepEqual(batch.toArray(), [[[1, 2]], [[3, 4]], [[5, 6]]]);
    assert.equal(batch.dtype, 'int64');
  });

  it('collates [tensor, label] pairs into [images, labels]', () => {
    const samples: [torch.Tensor, number][] = [
      [torch.zeros([1, 2, 2]), 3],
      [torch.ones([1, 2, 2]), 7],
    ];
    const [images, labels] = data.defaultCollate(samples);
    assert.deepEqual(images.shape, [2, 1, 2, 2]);
    assert.deepEqual(images.sum().item(), 4);
    assert.equal(labels.dtype, 'int64');
    assert.deepEqual(labels.toArray(), [3, 7]);
  });

  it('turns a fraction anywhere into float64, bigints into int64, typed arrays into a stacked tensor', () => {
    const floats = data.defaultCollate([1, 2.5, 3]);
    assert.equal(floats.dtype, 'float64');
    assert.deepEqual(floats.toArray(), [1, 2.5, 3]);
    assert.deepEqual(data.defaultCollate([1n, 2n]).toArray(), [1, 2]);
    const rows = data.defaultCollate([new Float32Array([1, 2]), new Float32Array([3, 4])]);
    assert.deepEqual(
      [rows.dtype, rows.shape, rows.toArray()],
      [
        'float32',
        [2, 2],
        [
          [1, 2],
          [3, 4],
        ],
      ],
    );
  });

  it('collates Maps per key', () => {
    const batch = data.defaultCollate([new Map([['a', 1]]), new Map([['a', 2]])]);
    assert.ok(batch instanceof Map);
    assert.deepEqual(batch.get('a')!.toArray(), [1, 2]);
  });

  it('explains what it cannot collate', () => {
    assert.throws(() => data.defaultCollate([null, null]), /found null/);
    assert.throws(() => data.defaultCollate([[1, 2], [3]]), /equal size/);
    assert.throws(() => data.defaultCollate([1, 'a'] as unknown[]), /sample 0 is a number but sample 1 is string/);
    assert.throws(() => data.defaultCollate([torch.zeros([2]), torch.zeros([3])]), /stack expects each tensor to be equal size/);
    assert.throws(() => data.defaultCollate([]), /empty/);
  });
  it.run();
}

{
  const it = suite('defaultConvert');
  it('turns typed arrays into tensors and leaves the rest', () => {
    const converted = data.defaultConvert({ x: new Int32Array([1, 2]), label: 3, name: 'a' }) as {
      x: torch.Tensor;
      label: number;
      name: string;
    };
    assert.deepEqual([converted.x.dtype, converted.x.toArray(), converted.label, converted.name], ['int32', [1, 2], 3, 'a']);
  });
  it.run();
}
