/**
 * KServe v2 datatypes and the dtypes they stand for. LibTorch has no unsigned types wider than 8
 * bits, and a tensor cannot hold BYTES: those datatypes are refused with a message saying so.
 * @module
 */
import type { DTypeName } from '../native.js';

const DTYPES: Record<string, DTypeName> = {
  BOOL: 'bool',
  UINT8: 'uint8',
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

/** The dtype of a KServe datatype, or a message saying why it has none. */
export function dtypeOfDatatype(datatype: string): { dtype: DTypeName } | { error: string } {
  const dtype = DTYPES[datatype];
  if (dtype) return { dtype };
  if (!KSERVE_DATATYPES.includes(datatype))
    return { error: `unknown datatype '${datatype}' (the protocol's are ${KSERVE_DATATYPES.join(', ')})` };
  return { error: `datatype ${datatype} is not supported: LibTorch tensors have no ${datatype === 'BYTES' ? 'bytes' : datatype} dtype` };
}
