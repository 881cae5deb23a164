/**
 * Tensors from JSON values and back, with every check a client's mistake needs: a ragged array,
 * a string where a number goes, a fraction or out-of-range value for an integer dtype. Messages
 * name where the value is (`inputs[0].data[3]`) so the client can find it.
 * @module
 */
import type { DTypeName } from '../native.js';
import { fromTypedArray } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';

/** Ranges of the integer dtypes (int64 within what a JSON number holds exactly). */
const INTEGER_RANGES: Partial<Record<DTypeName, [number, number]>> = {
  uint8: [0, 255],
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/**
 * A nested array's shape (from its first elements) and its values in row-major order; throws a
 * message naming `where` and the first element whose shape differs. A flat array is returned as
 * it is (no copy): the common case of a request body.
 */
export function flattenNested(value: unknown, where: string): { shape: number[]; values: unknown[] } {
  if (!Array.isArray(value)) return { shape: [], values: [value] };
  const shape: number[] = [];
  for (let level: unknown = value; Array.isArray(level); level = level.length > 0 ? (level as unknown[])[0] : undefined)
    shape.push(level.length);
  if (shape.length === 1 && !value.some(Array.isArray)) return { shape, values: value as unknown[] };
  const values: unknown[] = [];
  const at: number[] = [];
  const walk = (item: unknown, depth: number): void => {
    const rank = depth === shape.length ? 0 : shape.length - depth;
    const itemRank = Array.isArray(item) ? nestedShape(item).length : 0;
    if (depth === shape.length ? Array.isArray(item) : !Array.isArray(item) || item.length !== shape[depth] || itemRank !== rank)
      throw new TypeError(raggedMessage(value, where, at));
    if (depth === shape.length) {
      values.push(item);
      return;
    }
    const list = item as unknown[];
    at.push(0);
    for (let i = 0; i < list.length; i++) {
      at[depth] = i;
      walk(list[i], depth + 1);
    }
    at.pop();
  };
  walk(value, 0);
  return { shape, values };
}

/** The shape an array's first elements give. */
function nestedShape(value: unknown): number[] {
  const shape: number[] = [];
  for (let level = value; Array.isArray(level); level = level.length > 0 ? (level as unknown[])[0] : undefined) shape.push(level.length);
  return shape;
}

/** Names the element at `at` whose shape differs from its first sibling's. */
function raggedMessage(value: unknown, where: string, at: readonly number[]): string {
  let parent = value as unknown[];
  let path = where;
  for (let d = 0; d < at.length - 1; d++) {
    parent = parent[at[d]!] as unknown[];
    path += `[${at[d]}]`;
  }
  const index = at[at.length - 1] ?? 0;
  return `${path} is ragged: ${path}[${index}] has shape [${nestedShape(parent[index])}], ${path}[0] has [${nestedShape(parent[0])}]`;
}

/** Checks that `values` suit `dtype` (numbers, integers in range, or booleans for bool). */
export function checkValues(values: readonly unknown[], dtype: DTypeName, where: string): void {
  const range = INTEGER_RANGES[dtype];
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (dtype === 'bool') {
      if (typeof value !== 'boolean') throw new TypeError(`${where}[${i}] must be true or false for BOOL, got ${JSON.stringify(value)}`);
    } else if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new TypeError(`${where}[${i}] must be a number, got ${JSON.stringify(value)}`);
    } else if (range && (!Number.isInteger(value) || value < range[0] || value > range[1])) {
      throw new TypeError(`${where}[${i}] must be an integer in [${range[0]}, ${range[1]}] for ${dtype}, got ${value}`);
    }
  }
}

/**
 * A tensor of `shape` from row-major `values` that {@link checkValues} accepted for `dtype`:
 * straight from a typed array, without tensor()'s inference of shape and dtype.
 */
export function tensorFromValues(values: readonly unknown[], shape: readonly number[], dtype: DTypeName): Tensor {
  const data = dtype === 'float32' ? Float32Array.from(values as number[]) : Float64Array.from(values as (number | boolean)[], Number);
  return fromTypedArray(data, shape, { dtype });
}

/** A tensor's values in row-major order as JSON numbers (or booleans). */
export function flatValues(t: Tensor): unknown[] {
  return (t.reshape([-1]).toArray() as unknown[]).slice();
}

/** A tensor as a nested JSON array (a scalar as a number). */
export function nestedValues(t: Tensor): unknown {
  return t.toArray();
}
