/**
 * Open Inference Protocol (KServe v2) inference requests: the body checked against the model's
 * signature (every input present by name, its datatype, its rank and fixed sizes), `data` nested or
 * flat with as many values as the shape holds, or bytes of the binary tensor data extension, then
 * tensors; and the response with the outputs the request names (all by default), data flat in
 * row-major order or, when asked for, as binary after the JSON. A request with a BYTES input
 * becomes request parts for the model's handler instead (BYTES elements as strings or bytes, the
 * other inputs as checked tensors); the signature checks a BYTES input by name only, since what
 * the handler makes of it is the model's input.
 * @module
 */
import type { ModelSignature } from '../../jit/signature.js';
import { kserveDatatype } from '../../jit/signature.js';
import type { Tensor } from '../../tensor/tensor.js';
import { dtypeOfDatatype, UNSIGNED_MAX, unsignedRangeError } from '../datatypes.js';
import { badRequest } from '../errors.js';
import type { RequestPart } from '../handlers/handler.js';
import { bytesFromBinary, tensorFromBinary, tensorToBinary, unsignedFromBinary } from '../kserve-binary.js';
import { checkValues, flatValues, flattenNested, tensorFromValues } from '../tensor-json.js';

/** An output a request asks for. */
export interface RequestedOutput {
  name: string;
  /** `parameters.binary_data`: undefined leaves it to the request's `binary_data_output`. */
  binary?: boolean;
}

/** A parsed, checked inference request. */
export interface InferRequest {
  id?: string;
  /** The model's inputs in signature order (empty when `parts` is set). */
  inputs: Tensor[];
  /**
   * Set when an input is BYTES: every input by name for the handler's preprocess (numeric ones
   * with `tensor`, which the server disposes after the request).
   */
  parts?: Map<string, RequestPart>;
  /** The outputs the response is to hold (null: all). */
  outputs: RequestedOutput[] | null;
  /** `parameters.binary_data_output`: outputs in binary unless they say otherwise. */
  binaryOutput: boolean;
}

/** A response: its JSON, and the binary parts that follow it (empty: a plain JSON answer). */
export interface InferAnswer {
  json: Record<string, unknown>;
  binary: Buffer[];
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

interface RawInput {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown;
  /** The input's bytes from the binary part (the extension), instead of `data`. */
  bytes?: Buffer;
}

const parametersOf = (value: Record<string, unknown>, where: string): Record<string, unknown> => {
  if (value.parameters === undefined) return {};
  if (!isObject(value.parameters)) throw badRequest(`${where}.parameters must be an object`);
  return value.parameters;
};

function checkInput(raw: unknown, index: number): RawInput & { binarySize?: number } {
  const where = `inputs[${index}]`;
  if (!isObject(raw)) throw badRequest(`${where} must be an object with name, shape, datatype and data`);
  if (typeof raw.name !== 'string' || raw.name === '') throw badRequest(`${where}.name must be a non-empty string`);
  if (!Array.isArray(raw.shape) || raw.shape.some((n) => !Number.isInteger(n) || (n as number) < 0))
    throw badRequest(`${where}.shape must be an array of non-negative integers`);
  if (typeof raw.datatype !== 'string') throw badRequest(`${where}.datatype must be a string such as "FP32"`);
  const binarySize = parametersOf(raw, where).binary_data_size;
  const checked = { name: raw.name, shape: raw.shape as number[], datatype: raw.datatype, data: raw.data };
  if (binarySize === undefined) {
    if (raw.data === undefined) throw badRequest(`${where}.data is missing`);
    return checked;
  }
  if (!Number.isSafeInteger(binarySize) || (binarySize as number) < 0)
    throw badRequest(`${where}.parameters.binary_data_size must be a byte count, got ${JSON.stringify(binarySize)}`);
  if (raw.data !== undefined) throw badRequest(`${where} gives both data and parameters.binary_data_size`);
  return { ...checked, binarySize: binarySize as number };
}

/** Hands each input that gives binary_data_size its bytes, in request order. */
function attachBinary(raws: (RawInput & { binarySize?: number })[], binary: Buffer | null): RawInput[] {
  const wanted = raws.reduce((sum, raw) => sum + (raw.binarySize ?? 0), 0);
  const first = raws.find((raw) => raw.binarySize !== undefined);
  if (binary === null) {
    if (first)
      throw badRequest(
        `input '${first.name}' gives parameters.binary_data_size, but the request has no Inference-Header-Content-Length header`,
      );
    return raws;
  }
  if (wanted !== binary.length)
    throw badRequest(`the binary data after the JSON holds ${binary.length} bytes; the inputs' binary_data_size add up to ${wanted}`);
  let offset = 0;
  return raws.map(({ binarySize, ...raw }) => {
    if (binarySize === undefined) return raw;
    const bytes = binary.subarray(offset, offset + binarySize);
    offset += binarySize;
    return { ...raw, bytes };
  });
}

/**
 * Reads and checks a request body against `signature` (null: inputs taken as given, in order);
 * `binary` is what followed the JSON under the binary data extension (null: a JSON-only request).
 */
export function parseInferRequest(body: unknown, signature: ModelSignature | null, binary: Buffer | null = null): InferRequest {
  if (!isObject(body)) throw badRequest('the request body must be a JSON object with "inputs"');
  if (!Array.isArray(body.inputs) || body.inputs.length === 0) throw badRequest('"inputs" must be a non-empty array');
  if (body.id !== undefined && typeof body.id !== 'string') throw badRequest('"id" must be a string');
  const binaryOutput = parametersOf(body, 'the request').binary_data_output;
  if (binaryOutput !== undefined && typeof binaryOutput !== 'boolean')
    throw badRequest('parameters.binary_data_output must be true or false');
  const raws = attachBinary(body.inputs.map(checkInput), binary);
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
  const hasBytes = ordered.some((raw) => raw.datatype === 'BYTES');
  const parts = new Map<string, RequestPart>();
  try {
    ordered.forEach((raw, i) => {
      if (!hasBytes) inputs.push(toTensor(raw, signature?.inputs[i]));
      else parts.set(raw.name, toPart(raw, signature?.inputs[i]));
    });
  } catch (error) {
    for (const t of inputs) t.dispose();
    for (const part of parts.values()) part.tensor?.dispose();
    throw error;
  }
  return {
    ...(body.id !== undefined ? { id: body.id } : {}),
    inputs,
    ...(hasBytes ? { parts } : {}),
    outputs: requestedOutputs(body.outputs, signature),
    binaryOutput: binaryOutput === true,
  };
}

const utf8 = new TextEncoder();

/** One input as a request part: BYTES elements as strings (JSON) or bytes (binary), others as a tensor. */
function toPart(raw: RawInput, spec: ModelSignature['inputs'][number] | undefined): RequestPart {
  const head = {
    bytes: raw.bytes ?? utf8.encode(JSON.stringify(raw.data)),
    contentType: raw.bytes ? 'application/octet-stream' : 'application/json',
    datatype: raw.datatype,
    shape: raw.shape,
  };
  if (raw.datatype !== 'BYTES') return { ...head, tensor: toTensor(raw, spec) };
  const where = `input '${raw.name}'`;
  if (raw.shape.length > 0 && raw.shape[0] === 0) throw badRequest(`${where} has no rows`);
  if (raw.bytes) return { ...head, strings: bytesFromBinary(raw.bytes, raw.shape, where) };
  let values: unknown[];
  try {
    values = flattenNested(raw.data, `${where} data`).values;
  } catch (error) {
    throw badRequest((error as Error).message);
  }
  const bad = values.findIndex((v) => typeof v !== 'string');
  if (bad >= 0) throw badRequest(`${where} data[${bad}] must be a string for BYTES, got ${JSON.stringify(values[bad])}`);
  const count = raw.shape.reduce((a, b) => a * b, 1);
  if (values.length !== count) throw badRequest(`${where} has ${values.length} values in data; shape [${raw.shape}] holds ${count}`);
  return { ...head, strings: values as string[] };
}

function toTensor(raw: RawInput, spec: ModelSignature['inputs'][number] | undefined): Tensor {
  const where = `input '${raw.name}'`;
  const resolved = dtypeOfDatatype(raw.datatype);
  if ('error' in resolved) throw badRequest(`${where}: ${resolved.error}`);
  // UINT16 is held as int32, UINT32 and UINT64 as int64: they suit a model taking those.
  if (spec && raw.datatype !== spec.datatype && resolved.dtype !== spec.dtype) {
    const held = UNSIGNED_MAX[raw.datatype] !== undefined ? ` (held as ${resolved.dtype})` : '';
    throw badRequest(`${where} has datatype ${raw.datatype}${held}; the model takes ${spec.datatype}`);
  }
  if (spec) {
    const fits = spec.shape.length === raw.shape.length && spec.shape.every((n, d) => n === -1 || n === raw.shape[d]);
    if (!fits) throw badRequest(`${where} has shape [${raw.shape}]; the model takes [${spec.shape}] (-1: any size)`);
  }
  if (raw.shape.length > 0 && raw.shape[0] === 0) throw badRequest(`${where} has no rows`);
  const unsigned = UNSIGNED_MAX[raw.datatype] !== undefined;
  if (raw.bytes)
    return unsigned
      ? unsignedFromBinary(raw.bytes, raw.datatype, raw.shape, where)
      : tensorFromBinary(raw.bytes, resolved.dtype, raw.shape, where);
  let values: unknown[];
  try {
    values = flattenNested(raw.data, `${where} data`).values;
    if (unsigned) checkUnsigned(values, raw.datatype, `${where} data`);
    checkValues(values, resolved.dtype, `${where} data`);
  } catch (error) {
    throw badRequest((error as Error).message);
  }
  const count = raw.shape.reduce((a, b) => a * b, 1);
  if (values.length !== count) throw badRequest(`${where} has ${values.length} values in data; shape [${raw.shape}] holds ${count}`);
  return tensorFromValues(values, raw.shape, resolved.dtype);
}

/** Unsigned JSON values in their datatype's range (before the held dtype's own check). */
function checkUnsigned(values: readonly unknown[], datatype: string, where: string): void {
  values.forEach((value, i) => {
    const error = typeof value === 'number' && Number.isInteger(value) ? unsignedRangeError(value, datatype) : null;
    if (error) throw new TypeError(`${where}[${i}] ${error}`);
  });
}

function requestedOutputs(outputs: unknown, signature: ModelSignature | null): RequestedOutput[] | null {
  if (outputs === undefined) return null;
  if (!Array.isArray(outputs) || outputs.some((o) => !isObject(o) || typeof o.name !== 'string'))
    throw badRequest('"outputs" must be an array of {"name": "..."}');
  const requested = (outputs as Record<string, unknown>[]).map((o, i): RequestedOutput => {
    const binary = parametersOf(o, `outputs[${i}]`).binary_data;
    if (binary !== undefined && typeof binary !== 'boolean') throw badRequest(`outputs[${i}].parameters.binary_data must be true or false`);
    return { name: o.name as string, ...(binary !== undefined ? { binary } : {}) };
  });
  if (signature) {
    const known = signature.outputs.map((o) => o.name);
    const unknown = requested.find((o) => !known.includes(o.name));
    if (unknown) throw badRequest(`unknown output '${unknown.name}': the model's outputs are ${known.map((n) => `'${n}'`).join(', ')}`);
  }
  return requested;
}

/** The response of an inference: outputs as JSON data, or binary parts where asked for. */
export function inferResponse(
  modelName: string,
  modelVersion: string,
  request: InferRequest,
  outputs: readonly Tensor[],
  signature: ModelSignature | null,
): InferAnswer {
  const named = outputs.map((t, i) => ({ name: signature?.outputs[i]?.name ?? `output${i}`, tensor: t }));
  const wanted = request.outputs ?? named.map(({ name }): RequestedOutput => ({ name }));
  const binary: Buffer[] = [];
  const chosen = wanted.map((want) => {
    const output = named.find((o) => o.name === want.name);
    if (!output) throw badRequest(`unknown output '${want.name}': the model's outputs are ${named.map((o) => `'${o.name}'`).join(', ')}`);
    const head = { name: output.name, datatype: kserveDatatype(output.tensor.dtype), shape: output.tensor.shape };
    if (!(want.binary ?? request.binaryOutput)) return { ...head, data: flatValues(output.tensor) };
    const bytes = tensorToBinary(output.tensor);
    binary.push(bytes);
    return { ...head, parameters: { binary_data_size: bytes.length } };
  });
  const json = {
    model_name: modelName,
    model_version: modelVersion,
    ...(request.id !== undefined ? { id: request.id } : {}),
    outputs: chosen,
  };
  return { json, binary };
}
