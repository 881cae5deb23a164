/** Readers for the arguments symbolic functions need as constants (sizes, dims, flags). */
import { UnsupportedError } from '../errors.js';
import { numbersOf } from '../tensor-data.js';
import { describe, isNone, type TensorValue, type Value } from '../values.js';

function constantNumber(value: Value | undefined): number | boolean | undefined {
  if (!value) return undefined;
  if (value.kind === 'constant' && (typeof value.value === 'number' || typeof value.value === 'boolean')) return value.value;
  if (value.kind === 'tensor' && value.constant && value.constant.dims.length === 0) return numbersOf(value.constant)[0];
  return undefined;
}

/** A constant int argument. */
export function int(value: Value | undefined, what: string): number {
  const v = constantNumber(value);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === undefined || !Number.isInteger(v))
    throw new UnsupportedError(`${what} must be a constant int, got ${value ? describe(value) : 'nothing'}`);
  return v;
}

/** A constant int argument, or undefined for None. */
export const optionalInt = (value: Value | undefined, what: string): number | undefined => (isNone(value) ? undefined : int(value, what));

/** A constant number argument. */
export function float(value: Value | undefined, what: string): number {
  const v = constantNumber(value);
  if (v === undefined) throw new UnsupportedError(`${what} must be a constant number, got ${value ? describe(value) : 'nothing'}`);
  return Number(v);
}

/** A constant bool argument. */
export function bool(value: Value | undefined, what: string): boolean {
  const v = constantNumber(value);
  if (v === undefined) throw new UnsupportedError(`${what} must be a constant bool, got ${value ? describe(value) : 'nothing'}`);
  return Boolean(v);
}

/** A constant string argument, or undefined for None. */
export function optionalString(value: Value | undefined, what: string): string | undefined {
  if (isNone(value)) return undefined;
  if (value!.kind === 'constant' && typeof value!.value === 'string') return value!.value;
  throw new UnsupportedError(`${what} must be a constant string, got ${describe(value!)}`);
}

/** The values of a constant int list (a single int counts as a list of one), or undefined if computed. */
export function staticInts(value: Value | undefined): number[] | undefined {
  if (!value) return undefined;
  if (value.kind === 'constant') {
    if (Array.isArray(value.value)) return value.value.map(Number);
    if (typeof value.value === 'number') return [value.value];
    return undefined;
  }
  if (value.kind === 'list') {
    const items = value.items.map((item) => constantNumber(item));
    return items.every((item) => typeof item === 'number') ? items : undefined;
  }
  if (value.constant && value.constant.dims.length <= 1) return numbersOf(value.constant);
  return undefined;
}

/** A constant int list argument. */
export function ints(value: Value | undefined, what: string): number[] {
  const values = staticInts(value);
  if (!values) throw new UnsupportedError(`${what} must be a constant list of ints, got ${value ? describe(value) : 'nothing'}`);
  return values;
}

/** A tensor argument. */
export function tensorArg(value: Value | undefined, what: string): TensorValue {
  if (value?.kind !== 'tensor') throw new UnsupportedError(`${what} must be a tensor, got ${value ? describe(value) : 'nothing'}`);
  return value;
}

/** A tensor argument, or undefined for None. */
export const optionalTensor = (value: Value | undefined, what: string): TensorValue | undefined =>
  isNone(value) ? undefined : tensorArg(value, what);

/** The items of a list argument (Tensor[]). */
export function listItems(value: Value | undefined, what: string): Value[] {
  if (value?.kind === 'list') return value.items;
  throw new UnsupportedError(`${what} must be a list, got ${value ? describe(value) : 'nothing'}`);
}

/** The rank of a tensor, which the mapping needs. */
export function rankOf(value: TensorValue, what: string): number {
  if (!value.shape) throw new UnsupportedError(`the rank of ${what} is not known`);
  return value.shape.length;
}

/** A dim argument made non-negative for a tensor of `rank` dims. */
export function dimArg(value: Value | undefined, rank: number, what = 'dim'): number {
  const d = int(value, what);
  const dim = d < 0 ? d + rank : d;
  if (dim < 0 || dim >= Math.max(rank, 1)) throw new UnsupportedError(`${what} ${d} is out of range for a tensor of ${rank} dims`);
  return dim;
}

/** The known size of dim `dim`. */
export function sizeOf(value: TensorValue, dim: number, what: string): number {
  const size = value.shape?.[dim];
  if (size === null || size === undefined) throw new UnsupportedError(`the size of dim ${dim} of ${what} is not known`);
  return size;
}
