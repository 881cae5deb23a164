/**
 * KServe v2 datatypes and the dtypes they stand for. LibTorch 1.13 has no unsigned dtype wider
 * than 8 bits, so UINT16 is held as int32 and UINT32 and UINT64 as int64 (values must fit: a
 * UINT64 above 2^63-1 is refused); outputs answer with the tensor's own datatype. BYTES has no
 * tensor: its elements go to the model's handler as strings or bytes.
 * @module
 */
import type { DTypeName } from '../native.js';

const DTYPES: Record<string, DTypeName> = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'int32',
  UINT32: 'int64',
  UINT64: 'int64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  BF16: 'bfloat16',
  FP32: 'float32',
  FP64: 'float64',
};

/** Every datatype name of the protocol. */
export const KSERVE_DATATYPES: readonly string[] = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BF16',
  'BYTES',
];

/** The largest value of each unsigned datatype held in a wider signed dtype (UINT64: int64's largest). */
export const UNSIGNED_MAX: Readonly<Record<string, bigint>> = {
  UINT16: 0xffffn,
  UINT32: 0xffffffffn,
  UINT64: 2n ** 63n - 1n,
};

/** The dtype of a KServe datatype, or a message saying why it has none. */
export function dtypeOfDatatype(datatype: string): { dtype: DTypeName } | { error: string } {
  const dtype = DTYPES[datatype];
  if (dtype) return { dtype };
  if (datatype === 'BYTES') return { error: 'BYTES has no tensor dtype: its elements go to the handler as strings or bytes' };
  return { error: `unknown datatype '${datatype}' (the protocol's are ${KSERVE_DATATYPES.join(', ')})` };
}

/** Why an unsigned element is out of its datatype's range as held here, or null when it fits. */
export function unsignedRangeError(value: number | bigint, datatype: string): string | null {
  const max = UNSIGNED_MAX[datatype];
  if (max === undefined) return null;
  if (value < 0) return `is ${value}; ${datatype} elements are not negative`;
  if (BigInt(value) <= max) return null;
  return datatype === 'UINT64'
    ? `is ${value}, above ${max}: LibTorch has no uint64 dtype, so UINT64 is held as int64`
    : `is ${value}, above ${max}, the largest ${datatype}`;
}
