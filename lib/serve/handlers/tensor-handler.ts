/**
 * The default handler: tensors in and out as JSON. The body is `{"data": <nested array>}` (or the
 * bare array; for a model of several inputs, `{"data": {"<input name>": <array>, ...}}`). An array
 * with the signature's rank carries its own batch rows; one with a rank less is one sample. The
 * answer is the output as a nested array (one object by output name for several outputs), without
 * the batch dimension when the request sent one sample. A KServe v2 BYTES input is refused (400):
 * strings need a handler that makes tensors of them.
 * @module
 */
import type { TensorSignature } from '../../jit/signature.js';
import type { DTypeName } from '../../native.js';
import type { Tensor } from '../../tensor/tensor.js';
import { HandlerInputError } from '../errors.js';
import { checkValues, flattenNested, nestedValues, tensorFromValues } from '../tensor-json.js';
import type { Handler, HandlerContext, Prepared, PredictionRequest } from './handler.js';
import { mainPart, parseJson } from './request-body.js';

/** Checks a value's shape against a signature entry; returns whether it is one sample (rank one less). */
export function matchShape(shape: readonly number[], expected: TensorSignature | undefined, what: string): boolean {
  if (!expected) {
    if (shape.length === 0) throw new HandlerInputError(`${what} must be an array, got a single value`);
    return false;
  }
  const single = shape.length === expected.shape.length - 1;
  const dims = single ? expected.shape.slice(1) : expected.shape;
  const fits = dims.length === shape.length && dims.every((n, d) => n === -1 || n === shape[d]);
  if (!fits)
    throw new HandlerInputError(
      `${what} has shape [${shape}]; the model takes [${expected.shape}] (-1: any size), or one sample of [${expected.shape.slice(1)}]`,
    );
  return single;
}

/**
 * A flat array holding whole samples of a model whose sample shape is fixed (784 numbers for
 * [-1, 1, 28, 28]) is read as those samples: one sample, or rows of samples.
 */
function unflattened(shape: number[], expected: TensorSignature | undefined): number[] {
  const sample = expected?.shape.slice(1) ?? [];
  if (shape.length !== 1 || sample.length < 2 || sample.some((n) => n <= 0)) return shape;
  const size = sample.reduce((a, b) => a * b, 1);
  if (shape[0] === size) return sample;
  return shape[0]! % size === 0 ? [shape[0]! / size, ...sample] : shape;
}

function inputTensor(
  value: unknown,
  dtype: DTypeName,
  expected: TensorSignature | undefined,
  what: string,
): { tensor: Tensor; single: boolean } {
  let nested: { shape: number[]; values: unknown[] };
  try {
    nested = flattenNested(value, what);
    checkValues(nested.values, dtype, what);
  } catch (error) {
    throw new HandlerInputError((error as Error).message);
  }
  const shape = unflattened(nested.shape, expected);
  const single = matchShape(shape, expected, what);
  const made = tensorFromValues(nested.values, single ? [1, ...shape] : shape, dtype);
  if (made.shape[0] === 0) {
    made.dispose();
    throw new HandlerInputError(`${what} has no rows`);
  }
  return { tensor: made, single };
}

/** The tensor-in/tensor-out JSON handler. */
export const tensorHandler: Handler = {
  preprocess(request: PredictionRequest, context: HandlerContext): Prepared {
    const bytesInput = [...request].find(([, part]) => part.strings !== undefined);
    if (bytesInput)
      throw new HandlerInputError(
        `input '${bytesInput[0]}' is BYTES, which the default tensor handler cannot make a tensor of: serve model ` +
          `${context.modelName} with a handler whose preprocess reads the input's strings (request parts' \`strings\`)`,
      );
    const parsed = parseJson(mainPart(request));
    const data = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && 'data' in parsed ? parsed.data : parsed;
    const specs = context.signature?.inputs;
    if (specs && specs.length > 1) {
      if (data === null || typeof data !== 'object' || Array.isArray(data))
        throw new HandlerInputError(
          `the model takes ${specs.length} inputs: send {"data": {${specs.map((s) => `"${s.name}": [...]`).join(', ')}}}`,
        );
      const made = specs.map((spec) => {
        const value = (data as Record<string, unknown>)[spec.name];
        if (value === undefined) throw new HandlerInputError(`input "${spec.name}" is missing`);
        return inputTensor(value, spec.dtype, spec, `data.${spec.name}`);
      });
      return { inputs: made.map((m) => m.tensor), state: made[0]!.single };
    }
    if (!Array.isArray(data)) throw new HandlerInputError('send {"data": [...]} (a nested array of numbers) or the array itself');
    const { tensor, single } = inputTensor(data, specs?.[0]?.dtype ?? 'float32', specs?.[0], 'data');
    return { inputs: [tensor], state: single };
  },
  postprocess(outputs: Tensor[], context: HandlerContext, state: unknown): unknown {
    const values = outputs.map((output) => nestedValues(output) as unknown[]);
    const own = state === true ? values.map((rows) => rows[0]) : values;
    if (own.length === 1) return own[0];
    const names = context.signature?.outputs.map((o) => o.name);
    return Object.fromEntries(own.map((value, i) => [names?.[i] ?? `output${i}`, value]));
  },
};
