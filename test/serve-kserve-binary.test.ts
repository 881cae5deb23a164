// The binary tensor data extension's element layout for every datatype, against bytes written out
// by hand (little-endian, as numpy's tobytes() gives them on x86 and ARM), and its checks.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import * as torch from '../lib/index.ts';
import type { DTypeName } from '../lib/index.ts';
import { binaryByteLength, splitBinaryBody, tensorFromBinary, tensorToBinary } from '../lib/serve/kserve-binary.ts';

const cases: { dtype: DTypeName; values: (number | boolean)[]; bytes: number[] }[] = [
  { dtype: 'bool', values: [true, false], bytes: [1, 0] },
  { dtype: 'uint8', values: [0, 255], bytes: [0, 255] },
  { dtype: 'int8', values: [-1, 5], bytes: [255, 5] },
  { dtype: 'int16', values: [-2, 258], bytes: [0xfe, 0xff, 0x02, 0x01] },
  { dtype: 'int32', values: [1, -1], bytes: [1, 0, 0, 0, 255, 255, 255, 255] },
  { dtype: 'int64', values: [-2, 1], bytes: [0xfe, 255, 255, 255, 255, 255, 255, 255, 1, 0, 0, 0, 0, 0, 0, 0] },
  { dtype: 'float16', values: [1.5, -2], bytes: [0x00, 0x3e, 0x00, 0xc0] },
  { dtype: 'bfloat16', values: [1, -0.5], bytes: [0x80, 0x3f, 0x00, 0xbf] },
  { dtype: 'float32', values: [1, -2.5], bytes: [0, 0, 0x80, 0x3f, 0, 0, 0x20, 0xc0] },
  { dtype: 'float64', values: [0.5], bytes: [0, 0, 0, 0, 0, 0, 0xe0, 0x3f] },
];

test('every datatype: a tensor to bytes and back, bytes as numpy writes them', () => {
  for (const { dtype, values, bytes } of cases) {
    const t = torch.tensor(values, { dtype });
    assert.deepEqual([...tensorToBinary(t)], bytes, `${dtype} to bytes`);
    assert.equal(binaryByteLength(dtype, [values.length]), bytes.length);
    const back = tensorFromBinary(Buffer.from(bytes), dtype, [values.length], 'x');
    assert.equal(back.dtype, dtype);
    assert.deepEqual(back.toArray(), t.toArray(), `${dtype} from bytes`);
  }
});

test('a non-contiguous tensor is written in row-major order; a misaligned slice reads right', () => {
  const t = torch
    .tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'float32' },
    )
    .t();
  assert.deepEqual([...new Float32Array(new Uint8Array(tensorToBinary(t)).buffer)], [1, 3, 2, 4]);
  const padded = Buffer.concat([Buffer.from([9]), Buffer.from(new Float32Array([5, 6]).buffer)]);
  assert.deepEqual(tensorFromBinary(padded.subarray(1), 'float32', [1, 2], 'x').toArray(), [[5, 6]]);
});

test('bad binary data is refused with the input named', () => {
  assert.throws(
    () => tensorFromBinary(Buffer.alloc(6), 'float32', [2], "input 'x'"),
    /input 'x' has 6 bytes of binary data; shape \[2\] of float32 takes 8/,
  );
  assert.throws(
    () => tensorFromBinary(Buffer.from([0, 2]), 'bool', [2], "input 'm'"),
    /input 'm' binary data byte 1 is 2; BOOL elements are 0 or 1/,
  );
  assert.deepEqual(splitBinaryBody(Buffer.from('{}ab'), '2'), { json: Buffer.from('{}'), binary: Buffer.from('ab') });
  assert.deepEqual(splitBinaryBody(Buffer.from('{}'), undefined), { json: Buffer.from('{}'), binary: null });
  assert.throws(() => splitBinaryBody(Buffer.from('{}'), '3'), /is 3, but the body holds only 2 bytes/);
  assert.throws(() => splitBinaryBody(Buffer.from('{}'), '-1'), /must be a byte count, got '-1'/);
});

test.run();
