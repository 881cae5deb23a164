/**
 * Open Inference Protocol (KServe v2) inference requests: the body checked against the model's
 * signature (every input present by name, its datatype, its rank and fixed sizes), `data` nested or
 * flat with as many values as the shape holds, then tensors; and the response with the outputs
 * the request names (all by default), data flat in row-major order.
 * @module
 */
import type { ModelSignature } from '../../jit/signature.js';
import { kserveDatatype } from '../../jit/signature.js';
import type { Tensor } from '../../tensor/tensor.js';
import { dtypeOfDatatype } from '../datatypes.js';
import { badRequest } from '../errors.js';
import { checkValues, flatValues, flattenNested, tensorFromValues } from '../tensor-json.js';

/** A parsed, checked inference request. */
export interface InferRequest {
  id?: string;
  inputs: Tensor[];
  /** Output names the response is to hold (null: all). */
  outputs: string[] | null;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

interface RawInput {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown;
}

function checkInput(raw: unknown, index: number): RawInput {
  const where = `inputs[${index}]`;
  if (!isObject(raw)) throw badRequest(`${where} must be an object with name, shape, datatype and data`);
  if (typeof raw.name !== 'string' || raw.name === '') throw badRequest(`${where}.name must be a non-empty string`);
  if (!Array.isArray(raw.shape) || raw.shape.some((n) => !Number.isInteger(n) || (n as number) < 0))
    throw badRequest(`${where}.shape must be an array of non-negative integers`);
  if (typeof raw.datatype !== 'string') throw badRequest(`${where}.datatype must be a string such as "FP32"`);
  if (raw.data === undefined) throw badRequest(`${where}.data is missing`);
  return { name: raw.name, shape: raw.shape as number[], datatype: raw.datatype, data: raw.data };
}

/** Reads and checks a request body against `signature` (null: inputs taken as given, in order). */
export function parseInferRequest(body: unknown, signature: ModelSignature | null): InferRequest {
  if (!isObject(body)) throw badRequest('the request body must be a JSON object with "inputs"');
  if (!Array.isArray(body.inputs) || body.inputs.length === 0) throw badRequest('"inputs" must be a non-empty array');
  if (body.id !== undefined && typeof body.id !== 'string') throw badRequest('"id" must be a string');
  const raws = body.inputs.map(checkInput);
  const names = raws.map((r) => r.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw badRequest(`input '${duplicate}' is given twice`);
  let ordered = raws;
  if (signature) {
    const expected = signature.inputs.map((s) => s.name);
    const unknown = names.find((n) => !expected.includes(n));
    if (unknown) throw badRequest(`unexpected input '${unknown}': the model's inputs are ${expected.map((n) => `'${n}'`).join(', ')}`);
    const missing = expected.find((n) => !names.includes(n));
    if (missing) throw badRequest(`input '${missing}' is missing`);
    ordered = expected.map((n) => raws.find((r) => r.name === n)!);
  }
  const inputs: Tensor[] = [];
  try {
    ordered.forEach((raw, i) => inputs.push(toTensor(raw, signature?.inputs[i])));
  } catch (error) {
    for (const t of inputs) t.dispose();
    throw error;
  }
  return { ...(body.id !== undefined ? { id: body.id } : {}), inputs, outputs: requestedOutputs(body.outputs, signature) };
}

function toTensor(raw: RawInput, spec: ModelSignature['inputs'][number] | undefined): Tensor {
  const where = `input '${raw.name}'`;
  const resolved = dtypeOfDatatype(raw.datatype);
  if ('error' in resolved) throw badRequest(`${where}: ${resolved.error}`);
  if (spec && raw.datatype !== spec.datatype) throw badRequest(`${where} has datatype ${raw.datatype}; the model takes ${spec.datatype}`);
  if (spec) {
    const fits = spec.shape.length === raw.shape.length && spec.shape.every((n, d) => n === -1 || n === raw.shape[d]);
    if (!fits) throw badRequest(`${where} has shape [${raw.shape}]; the model takes [${spec.shape}] (-1: any size)`);
  }
  let values: unknown[];
  try {
    values = flattenNested(raw.data, `${where} data`).values;
    checkValues(values, resolved.dtype, `${where} data`);
  } catch (error) {
    throw badRequest((error as Error).message);
  }
  const count = raw.shape.reduce((a, b) => a * b, 1);
  if (values.length !== count) throw badRequest(`${where} has ${values.length} values in data; shape [${raw.shape}] holds ${count}`);
  if (raw.shape.length > 0 && raw.shape[0] === 0) throw badRequest(`${where} has no rows`);
  return tensorFromValues(values, raw.shape, resolved.dtype);
}

function requestedOutputs(outputs: unknown, signature: ModelSignature | null): string[] | null {
  if (outputs === undefined) return null;
  if (!Array.isArray(outputs) || outputs.some((o) => !isObject(o) || typeof o.name !== 'string'))
    throw badRequest('"outputs" must be an array of {"name": "..."}');
  const names = (outputs as { name: string }[]).map((o) => o.name);
  if (signature) {
    const known = signature.outputs.map((o) => o.name);
    const unknown = names.find((n) => !known.includes(n));
    if (unknown) throw badRequest(`unknown output '${unknown}': the model's outputs are ${known.map((n) => `'${n}'`).join(', ')}`);
  }
  return names;
}

/** The response body of an inference. */
export function inferResponse(
  modelName: string,
  modelVersion: string,
  request: InferRequest,
  outputs: readonly Tensor[],
  signature: ModelSignature | null,
): Record<string, unknown> {
  const named = outputs.map((t, i) => ({
    name: signature?.outputs[i]?.name ?? `output${i}`,
    datatype: kserveDatatype(t.dtype),
    shape: t.shape,
    data: flatValues(t),
  }));
  const chosen = request.outputs ? named.filter((o) => request.outputs!.includes(o.name)) : named;
  if (request.outputs && chosen.length !== request.outputs.length) {
    const missing = request.outputs.find((n) => !named.some((o) => o.name === n));
    throw badRequest(`unknown output '${missing}': the model's outputs are ${named.map((o) => `'${o.name}'`).join(', ')}`);
  }
  return { model_name: modelName, model_version: modelVersion, ...(request.id !== undefined ? { id: request.id } : {}), outputs: chosen };
}
