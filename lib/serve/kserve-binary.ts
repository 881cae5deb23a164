/**
 * The Open Inference Protocol's binary tensor data extension (Triton's, which tritonclient and
 * KServe's clients use by default for arrays): a body whose first `Inference-Header-Content-Length`
 * bytes are the JSON request, followed by the raw bytes of the inputs that give
 * `parameters.binary_data_size` instead of `data`, in the order they appear; answers put outputs
 * asked for as binary after the JSON the same way. Elements are little-endian, row-major; BOOL is
 * one byte (0 or 1) per element; FP16 and BF16 are their 16-bit patterns.
 * @module
 */
import type { DTypeName } from '../native.js';
import { fromTypedArray } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { badRequest } from './errors.js';

/** The header naming the JSON part's length, as clients send and read it. */
export const BINARY_HEADER = 'inference-header-content-length';

type Ctor = new (buffer: ArrayBuffer) => ArrayBufferView & { length: number };

/** The typed array that holds each dtype's bytes as they are. */
const LAYOUTS: Partial<Record<DTypeName, { bytes: number; array: Ctor }>> = {
  bool: { bytes: 1, array: Uint8Array },
  uint8: { bytes: 1, array: Uint8Array },
  int8: { bytes: 1, array: Int8Array },
  int16: { bytes: 2, array: Int16Array },
  int32: { bytes: 4, array: Int32Array },
  int64: { bytes: 8, array: BigInt64Array },
  float16: { bytes: 2, array: Uint16Array },
  bfloat16: { bytes: 2, array: Uint16Array },
  float32: { bytes: 4, array: Float32Array },
  float64: { bytes: 8, array: Float64Array },
};

function layoutOf(dtype: DTypeName): { bytes: number; array: Ctor } {
  const layout = LAYOUTS[dtype];
  if (!layout) throw badRequest(`dtype ${dtype} has no binary layout in the protocol`);
  return layout;
}

/**
 * A body split at the header's length: the JSON part and the binary part after it (null without
 * the header). A length that is not a whole number or runs past the body is a 400.
 */
export function splitBinaryBody(body: Buffer, header: string | string[] | undefined): { json: Buffer; binary: Buffer | null } {
  if (header === undefined) return { json: body, binary: null };
  const text = Array.isArray(header) ? header[0]! : header;
  const length = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(length)) throw badRequest(`Inference-Header-Content-Length must be a byte count, got '${text}'`);
  if (length > body.length) throw badRequest(`Inference-Header-Content-Length is ${length}, but the body holds only ${body.length} bytes`);
  return { json: body.subarray(0, length), binary: body.subarray(length) };
}

/** The bytes one tensor of `dtype` and `shape` takes in binary form. */
export function binaryByteLength(dtype: DTypeName, shape: readonly number[]): number {
  return layoutOf(dtype).bytes * shape.reduce((a, b) => a * b, 1);
}

/** A tensor of `shape` read from `bytes` (copied: the request's buffer is not kept). */
export function tensorFromBinary(bytes: Uint8Array, dtype: DTypeName, shape: readonly number[], where: string): Tensor {
  const expected = binaryByteLength(dtype, shape);
  if (bytes.length !== expected)
    throw badRequest(`${where} has ${bytes.length} bytes of binary data; shape [${shape}] of ${dtype} takes ${expected}`);
  // A fresh buffer: aligned for the typed array, and owned by the tensor alone.
  const copy = new Uint8Array(bytes);
  if (dtype === 'bool') {
    const bad = copy.findIndex((b) => b > 1);
    if (bad >= 0) throw badRequest(`${where} binary data byte ${bad} is ${copy[bad]}; BOOL elements are 0 or 1`);
  }
  return fromTypedArray(new (layoutOf(dtype).array)(copy.buffer) as never, shape, { dtype });
}

/** A tensor's elements as bytes in the protocol's binary layout. */
export function tensorToBinary(t: Tensor): Buffer {
  const dense = t.contiguous();
  const bits = dense.dtype === 'float16' || dense.dtype === 'bfloat16' ? dense.view('int16') : dense;
  try {
    layoutOf(dense.dtype);
    const values = bits._toTypedArray();
    return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  } finally {
    if (bits !== dense) bits.dispose();
    if (dense !== t) dense.dispose();
  }
}
