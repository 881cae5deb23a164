/**
 * Collation: turning a list of samples into a batch (torch.utils.data.default_collate and
 * default_convert).
 */
import { fromTypedArray, stack, tensor, type TypedArray } from '../tensor/creation.js';
import { Tensor } from '../tensor/tensor.js';
import { builtinRecipe, portable } from './recipe.js';
import { isPlainObject } from '../util/validate.js';

/**
 * The batch type `defaultCollate` makes from samples of type `T`: tensors, numbers, booleans,
 * bigints and typed arrays become one Tensor; strings stay a string array; arrays, tuples, Maps and
 * objects are collated per position or key.
 */
export type Collated<T> = T extends Tensor | number | boolean | bigint | TypedArray
  ? Tensor
  : T extends string
    ? string[]
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Collated<T[K]> }
      : T extends Map<infer K, infer V>
        ? Map<K, Collated<V>>
        : T extends object
          ? { [K in keyof T]: Collated<T[K]> }
          : never;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}

function requireSame(batch: readonly unknown[], check: (value: unknown) => boolean, kind: string): void {
  const odd = batch.findIndex((value) => !check(value));
  if (odd >= 0) throw new TypeError(`defaultCollate: sample 0 is ${kind} but sample ${odd} is ${describe(batch[odd])}`);
}

function collateTypedArrays(batch: readonly TypedArray[]): Tensor {
  const rows = batch.map((array) => fromTypedArray(array));
  try {
    return stack(rows);
  } finally {
    for (const row of rows) row.dispose();
  }
}

function collate(batch: readonly unknown[]): unknown {
  if (batch.length === 0) throw new RangeError('defaultCollate: the batch is empty');
  const first = batch[0];
  if (first instanceof Tensor) {
    requireSame(batch, (value) => value instanceof Tensor, 'a Tensor');
    return stack(batch as Tensor[]);
  }
  if (typeof first === 'number') {
    requireSame(batch, (value) => typeof value === 'number', 'a number');
    // Python decides by type (int -> int64, float -> float64); in JS an integral value is an int.
    const integral = (batch as number[]).every((value) => Number.isInteger(value));
    return tensor(batch as number[], { dtype: integral ? 'int64' : 'float64' });
  }
  if (typeof first === 'boolean') {
    requireSame(batch, (value) => typeof value === 'boolean', 'a boolean');
    return tensor(batch as boolean[], { dtype: 'bool' });
  }
  if (typeof first === 'bigint') {
    requireSame(batch, (value) => typeof value === 'bigint', 'a bigint');
    return tensor(BigInt64Array.from(batch as bigint[]));
  }
  if (typeof first === 'string') {
    requireSame(batch, (value) => typeof value === 'string', 'a string');
    return [...(batch as string[])];
  }
  if (ArrayBuffer.isView(first) && !(first instanceof DataView)) {
    requireSame(batch, (value) => ArrayBuffer.isView(value) && !(value instanceof DataView), 'a typed array');
    return collateTypedArrays(batch as TypedArray[]);
  }
  if (Array.isArray(first)) {
    requireSame(batch, Array.isArray, 'an array');
    const size = first.length;
    if (!(batch as unknown[][]).every((sample) => sample.length === size))
      throw new RangeError('defaultCollate: each element in list of batch should be of equal size');
    return first.map((_, position) => collate((batch as unknown[][]).map((sample) => sample[position])));
  }
  if (first instanceof Map) {
    requireSame(batch, (value) => value instanceof Map, 'a Map');
    return new Map([...first.keys()].map((key) => [key, collate((batch as Map<unknown, unknown>[]).map((sample) => sample.get(key)))]));
  }
  if (isPlainObject(first)) {
    requireSame(batch, isPlainObject, 'an object');
    return Object.fromEntries(
      Object.keys(first).map((key) => [key, collate((batch as Record<string, unknown>[]).map((sample) => sample[key]))]),
    );
  }
  throw new TypeError(
    'defaultCollate: batch must contain tensors, numbers, booleans, bigints, strings, typed arrays, arrays, Maps or plain objects; ' +
      `found ${describe(first)}`,
  );
}

/**
 * PyTorch's default_collate: stacks tensors along a new first dimension; numbers become a tensor
 * (int64 when all are integers, float64 otherwise, as Python ints and floats do); booleans a bool
 * tensor; bigints int64; typed arrays a stacked tensor; strings stay an array; arrays and tuples are
 * collated per position, Maps and plain objects per key.
 */
export const defaultCollate = portable(
  <T>(batch: readonly T[]): Collated<T> => collate(batch) as Collated<T>,
  builtinRecipe('defaultCollate'),
);

function convert(sample: unknown): unknown {
  if (ArrayBuffer.isView(sample) && !(sample instanceof DataView)) return fromTypedArray(sample as TypedArray, undefined, { copy: true });
  if (Array.isArray(sample)) return sample.map(convert);
  if (sample instanceof Map) return new Map([...sample].map(([key, value]) => [key, convert(value)]));
  if (isPlainObject(sample)) return Object.fromEntries(Object.entries(sample).map(([key, value]) => [key, convert(value)]));
  return sample;
}

/**
 * PyTorch's default_convert, used when automatic batching is off (`batchSize: null`): typed arrays
 * become tensors, containers are converted per element, everything else is returned as it is.
 */
export const defaultConvert = portable(<T>(sample: T): unknown => convert(sample), builtinRecipe('defaultConvert'));
