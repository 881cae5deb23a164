/**
 * Categorical samples: arrays of strings, numbers or booleans (a 1-D tensor's values count as
 * numbers). Categories are compared by value and type, so 1 and '1' differ. null, undefined and
 * NaN are errors here; dataDrift drops them before testing.
 * @module
 */
import { Tensor } from '../tensor/tensor.js';
import { MonitorError, describeValue } from './errors.js';

/** One category. */
export type Category = string | number | boolean;

/** A categorical sample: an array of categories, or a 1-D tensor. */
export type CategoricalSample = ArrayLike<Category> | Tensor;

/** The values of `sample`, checked; `what` names it in errors. */
export function categoricalSample(sample: CategoricalSample, what: string): Category[] {
  let values: ArrayLike<unknown>;
  if (sample instanceof Tensor) {
    if (sample.dim() !== 1) throw new MonitorError(`${what} must be a 1-D tensor, got shape [${sample.shape.join(', ')}]`);
    values = sample.toTypedArray();
  } else if (sample !== null && typeof sample === 'object' && typeof sample.length === 'number') values = sample;
  else throw new MonitorError(`${what} must be an array of categories or a 1-D tensor, got ${describeValue(sample)}`);
  if (values.length === 0) throw new MonitorError(`${what} is empty: a test needs at least one value`);
  const out: Category[] = new Array<Category>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value === 'bigint') out[i] = Number(value);
    else if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && !Number.isNaN(value))) out[i] = value;
    else
      throw new MonitorError(
        `${what}[${i}] is ${describeValue(value)}: categories are strings, numbers or booleans (drop missing values first)`,
      );
  }
  return out;
}

/** Counts of each category, in first-seen order. */
export function countCategories(values: readonly Category[]): Map<Category, number> {
  const counts = new Map<Category, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/** A total order over categories: booleans, then numbers, then strings (Python sorts each type alike). */
export function compareCategories(a: Category, b: Category): number {
  const rank = (value: Category) => (typeof value === 'boolean' ? 0 : typeof value === 'number' ? 1 : 2);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (typeof a === 'string') return a < (b as string) ? -1 : a > (b as string) ? 1 : 0;
  return Number(a) - Number(b);
}
