/**
 * The Open Inference Protocol's binary tensor data extension (Triton's, which tritonclient and
 * KServe's clients use by default for arrays): a body whose first `Inference-Header-Content-Length`
 * bytes are the JSON request, followed by the raw bytes of the inputs that give
 * `parameters.binary_data_size` instead of `data`, in the order they appear; answers put outputs
 * asked for as binary after the JSON the same way. Elements are little-endian, row-major; BOOL is
 * one byte (0 or 1) per element; FP16 and BF16 are their 16-bit patterns; UINT16/32/64 are read
 * into the wider signed dtypes that hold them; a BYTES element is a 4-byte little-endian length
 * and that many bytes.
 * @module
 */
import type { DTypeName } from '../native.js';
import { fromTypedArray } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { UNSIGNED_MAX, unsignedRangeError } from './datatypes.js';
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

/** The unsigned layouts, read as they are and widened to the dtype that holds them. */
const UNSIGNED: Record<string, { bytes: number; read: (buffer: ArrayBuffer) => Int32Array | BigInt64Array }> = {
  UINT16: { bytes: 2, read: (b) => Int32Array.from(new Uint16Array(b)) },
  UINT32: { bytes: 4, read: (b) => BigInt64Array.from(new Uint32Array(b), BigInt) },
  UINT64: { bytes: 8, read: (b) => new BigInt64Array(b) },
};

/** A UINT16, UINT32 or UINT64 tensor of `shape` from `bytes`, as int32 or int64 (a UINT64 above 2^63-1 is a 400). */
export function unsignedFromBinary(bytes: Uint8Array, datatype: string, shape: readonly number[], where: string): Tensor {
  const layout = UNSIGNED[datatype];
  if (!layout || UNSIGNED_MAX[datatype] === undefined) throw badRequest(`${where}: ${datatype} is not an unsigned datatype`);
  const expected = layout.bytes * shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== expected)
    throw badRequest(`${where} has ${bytes.length} bytes of binary data; shape [${shape}] of ${datatype} takes ${expected}`);
  const copy = new Uint8Array(bytes);
  if (datatype === 'UINT64') {
    const values = new BigUint64Array(copy.buffer);
    const bad = values.findIndex((v) => v > UNSIGNED_MAX.UINT64!);
    if (bad >= 0) throw badRequest(`${where} binary element ${bad} ${unsignedRangeError(values[bad]!, datatype)}`);
  }
  return fromTypedArray(layout.read(copy.buffer), shape, { dtype: datatype === 'UINT16' ? 'int32' : 'int64' });
}

/** A BYTES input's elements from its binary data: each a 4-byte little-endian length, then that many bytes. */
export function bytesFromBinary(bytes: Uint8Array, shape: readonly number[], where: string): Uint8Array[] {
  const count = shape.reduce((a, b) => a * b, 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const elements: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 4 > bytes.length) throw badRequest(`${where} binary data ends inside the length of BYTES element ${elements.length}`);
    const length = view.getUint32(offset, true);
    if (offset + 4 + length > bytes.length)
      throw badRequest(`${where} BYTES element ${elements.length} claims ${length} bytes; ${bytes.length - offset - 4} are left`);
    // A copy: the request's buffer is not kept.
    elements.push(new Uint8Array(bytes.subarray(offset + 4, offset + 4 + length)));
    offset += 4 + length;
  }
  if (elements.length !== count) throw badRequest(`${where} has ${elements.length} BYTES elements; shape [${shape}] holds ${count}`);
  return elements;
}
