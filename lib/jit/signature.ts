/**
 * The signature of a traced method (input and output names, dtypes and shapes, -1 for a dimension
 * the trace generalizes over), stored in the saved archive's extra file `signature.json` so a server
 * or another tool can describe the model without running it. Datatypes are also given by their
 * KServe v2 names.
 */
import type { DTypeName } from '../native.js';
import { Tensor } from '../tensor/tensor.js';

/** One input or output of a traced method. */
export interface TensorSignature {
  name: string;
  dtype: DTypeName;
  /** KServe v2 / Triton datatype name ('FP32', 'INT64', ...). */
  datatype: string;
  /** Sizes, with -1 for a dimension that may vary (such as the batch). */
  shape: number[];
}

/** What `signature.json` holds. */
export interface ModelSignature {
  format: 'nodetorch-signature';
  version: 1;
  method: string;
  inputs: TensorSignature[];
  outputs: TensorSignature[];
}

/** The extra file's name inside a TorchScript archive. */
export const SIGNATURE_FILE = 'signature.json';

const KSERVE_DATATYPES: Partial<Record<DTypeName, string>> = {
  bool: 'BOOL',
  uint8: 'UINT8',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  float16: 'FP16',
  bfloat16: 'BF16',
  float32: 'FP32',
  float64: 'FP64',
};

/** The KServe v2 name of a dtype ('BYTES' for those it has no name for). */
export function kserveDatatype(dtype: DTypeName): string {
  return KSERVE_DATATYPES[dtype] ?? 'BYTES';
}

/** The tensors of a (nested) value in order: what becomes a list of named signature entries. */
export function flattenTensors(value: unknown): Tensor[] {
  if (value instanceof Tensor) return [value];
  if (Array.isArray(value)) return value.flatMap(flattenTensors);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(flattenTensors);
  return [];
}

/** Signature entries for `tensors`, named by `names` or `${prefix}${i}`, with `dynamic` dims as -1. */
export function describeTensors(
  tensors: readonly Tensor[],
  prefix: string,
  names: readonly string[] | undefined,
  dynamic: readonly (readonly number[])[],
): TensorSignature[] {
  return tensors.map((tensor, i) => ({
    name: names?.[i] ?? `${prefix}${i}`,
    dtype: tensor.dtype,
    datatype: kserveDatatype(tensor.dtype),
    shape: tensor.shape.map((size, dim) => (dynamic[i]?.includes(dim) ? -1 : size)),
  }));
}

/** Parses `signature.json`, or returns null when the text is not one. */
export function parseSignature(text: string | null): ModelSignature | null {
  if (!text) return null;
  try {
    const parsed = JSON.parse(text) as ModelSignature;
    return parsed.format === 'nodetorch-signature' && Array.isArray(parsed.inputs) && Array.isArray(parsed.outputs) ? parsed : null;
  } catch {
    return null;
  }
}
