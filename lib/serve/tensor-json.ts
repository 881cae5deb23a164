/**
 * Tensors from JSON values and back, with every check a client's mistake needs: a ragged array,
 * a string where a number goes, a fraction or out-of-range value for an integer dtype. Messages
 * name where the value is (`inputs[0].data[3]`) so the client can find it.
 * @module
 */
import type { DTypeName } from '../native.js';
import { tensor } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';

/** Ranges of the integer dtypes (int64 within what a JSON number holds exactly). */
const INTEGER_RANGES: Partial<Record<DTypeName, [number, number]>> = {
  uint8: [0, 255],
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** A nested array's shape and its values in row-major order; throws a message naming `where`. */
export function flattenNested(value: unknown, where: string): { shape: number[]; values: unknown[] } {
  if (!Array.isArray(value)) return { shape: [], values: [value] };
  if (value.length === 0) return { shape: [0], values: [] };
  const first = flattenNested(value[0], `${where}[0]`);
  const values = [...first.values];
  for (let i = 1; i < value.length; i++) {
    const item = flattenNested(value[i], `${where}[${i}]`);
    if (item.shape.length !== first.shape.length || item.shape.some((n, d) => n !== first.shape[d]))
      throw new TypeError(`${where} is ragged: ${where}[${i}] has shape [${item.shape}], ${where}[0] has [${first.shape}]`);
    values.push(...item.values);
  }
  return { shape: [value.length, ...first.shape], values };
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

/** A tensor of `shape` from checked row-major `values`. */
export function tensorFromValues(values: readonly unknown[], shape: readonly number[], dtype: DTypeName): Tensor {
  return tensor(values as number[], { dtype }).reshape([...shape]);
}

/** A tensor's values in row-major order as JSON numbers (or booleans). */
export function flatValues(t: Tensor): unknown[] {
  return (t.reshape([-1]).toArray() as unknown[]).slice();
}

/** A tensor as a nested JSON array (a scalar as a number). */
export function nestedValues(t: Tensor): unknown {
  return t.toArray();
}
