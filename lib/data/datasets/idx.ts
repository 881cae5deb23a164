/**
 * The IDX file format of MNIST and Fashion-MNIST: a big-endian header (two zero bytes, a type code,
 * the number of dimensions, one uint32 per dimension) followed by the elements, big-endian.
 */

/** Element types of IDX files. */
export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

interface IdxType {
  code: number;
  bytes: number;
  array: new (length: number) => IdxArray['data'];
  read(view: DataView, offset: number): number;
  write(view: DataView, offset: number, value: number): void;
}

const TYPES: Record<IdxDType, IdxType> = {
  uint8: { code: 0x08, bytes: 1, array: Uint8Array, read: (v, o) => v.getUint8(o), write: (v, o, x) => v.setUint8(o, x) },
  int8: { code: 0x09, bytes: 1, array: Int8Array, read: (v, o) => v.getInt8(o), write: (v, o, x) => v.setInt8(o, x) },
  int16: { code: 0x0b, bytes: 2, array: Int16Array, read: (v, o) => v.getInt16(o), write: (v, o, x) => v.setInt16(o, x) },
  int32: { code: 0x0c, bytes: 4, array: Int32Array, read: (v, o) => v.getInt32(o), write: (v, o, x) => v.setInt32(o, x) },
  float32: { code: 0x0d, bytes: 4, array: Float32Array, read: (v, o) => v.getFloat32(o), write: (v, o, x) => v.setFloat32(o, x) },
  float64: { code: 0x0e, bytes: 8, array: Float64Array, read: (v, o) => v.getFloat64(o), write: (v, o, x) => v.setFloat64(o, x) },
};

/** A parsed IDX file. */
export interface IdxArray {
  dtype: IdxDType;
  shape: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/** Parses IDX bytes; `name` labels the errors (a truncated or foreign file says so). */
export function parseIdx(bytes: Uint8Array, name: string): IdxArray {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw new Error(`${name}: not an IDX file (bad magic number)`);
  const entry = Object.entries(TYPES).find(([, type]) => type.code === bytes[2]);
  if (!entry) throw new Error(`${name}: unknown IDX element type 0x${bytes[2]!.toString(16)}`);
  const [dtype, type] = entry as [IdxDType, IdxType];
  const rank = bytes[3]!;
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) throw new Error(`${name}: truncated IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * type.bytes;
  if (bytes.length !== expected) throw new Error(`${name}: IDX shape [${shape}] needs ${expected} bytes but the file has ${bytes.length}`);
  if (dtype === 'uint8') return { dtype, shape, data: bytes.subarray(headerBytes) };
  const data = new type.array(count);
  for (let i = 0; i < count; i++) data[i] = type.read(view, headerBytes + i * type.bytes);
  return { dtype, shape, data };
}

/** Encodes an array as IDX bytes (for tests, and for writing datasets in this format). */
export function encodeIdx(array: IdxArray): Uint8Array {
  const type = TYPES[array.dtype];
  const headerBytes = 4 + 4 * array.shape.length;
  const out = new Uint8Array(headerBytes + array.data.length * type.bytes);
  const view = new DataView(out.buffer);
  out[2] = type.code;
  out[3] = array.shape.length;
  array.shape.forEach((size, i) => view.setUint32(4 + 4 * i, size));
  array.data.forEach((value, i) => type.write(view, headerBytes + i * type.bytes, value));
  return out;
}
