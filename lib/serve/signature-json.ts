/**
 * A signature given as JSON by a person (`--signature FILE.json`, the `signature` of a model in
 * config.properties' `models`, a .mar's signature.json): `{"inputs": [...], "outputs": [...]}`
 * of `{name, datatype, shape}` (KServe's names; `dtype` may stand in for `datatype`), with or
 * without the `format`/`version`/`method` fields a traced file writes. Checked here, so a bad one
 * is an error naming where it came from instead of a model that later answers nonsense.
 * @module
 */
import type { ModelSignature, TensorSignature } from '../jit/signature.js';
import { kserveDatatype } from '../jit/signature.js';
import type { DTypeName } from '../native.js';
import { dtypeOfDatatype } from './datatypes.js';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function tensorEntry(value: unknown, where: string): TensorSignature {
  if (!isObject(value)) throw new Error(`${where} must be an object {name, datatype, shape}`);
  const { name, datatype, dtype, shape } = value;
  if (typeof name !== 'string' || name === '') throw new Error(`${where}.name must be a non-empty string`);
  if (!Array.isArray(shape) || !shape.every((n) => Number.isInteger(n) && (n as number) >= -1))
    throw new Error(`${where}.shape must be an array of sizes (-1 for a size that varies)`);
  let resolved: DTypeName;
  if (typeof datatype === 'string') {
    const found = dtypeOfDatatype(datatype);
    if ('error' in found) throw new Error(`${where}.datatype: ${found.error}`);
    resolved = found.dtype;
  } else if (typeof dtype === 'string' && kserveDatatype(dtype as DTypeName) !== 'BYTES') {
    resolved = dtype as DTypeName;
  } else {
    throw new Error(`${where} needs a datatype (FP32, INT64, ...)`);
  }
  return { name, dtype: resolved, datatype: kserveDatatype(resolved), shape: shape as number[] };
}

/**
 * A checked signature from parsed JSON; `where` names the source in errors
 * (`--signature mlp=sig.json`, `models: "mlp"."1.0".signature`).
 */
export function signatureFromJson(value: unknown, where: string): ModelSignature {
  if (!isObject(value) || !Array.isArray(value.inputs) || !Array.isArray(value.outputs))
    throw new Error(`${where} needs "inputs" and "outputs" arrays of {name, datatype, shape}`);
  return {
    format: 'nodetorch-signature',
    version: 1,
    method: typeof value.method === 'string' ? value.method : 'forward',
    inputs: value.inputs.map((t, i) => tensorEntry(t, `${where}: inputs[${i}]`)),
    outputs: value.outputs.map((t, i) => tensorEntry(t, `${where}: outputs[${i}]`)),
  };
}

/** {@link signatureFromJson} of JSON text. */
export function signatureFromText(text: string, where: string): ModelSignature {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return signatureFromJson(parsed, where);
}
