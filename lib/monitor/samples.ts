/**
 * Samples for the drift tests: plain arrays (or typed arrays) of numbers, or 1-D tensors, read
 * into Float64Arrays. The tests themselves take complete samples: NaN, Infinity and anything that
 * is not a number are errors naming the position (dataDrift drops missing values before testing).
 * @module
 */
import { Tensor } from '../tensor/tensor.js';
import { MonitorError, describeValue } from './errors.js';

/** A numeric sample: an array or typed array of numbers, or a 1-D tensor. */
export type NumericSample = ArrayLike<number> | Tensor;

/** The values of `sample` as float64; `what` names it in errors (`ksTest: a`). */
export function numericSample(sample: NumericSample, what: string): Float64Array {
  const values = rawValues(sample, what);
  if (values.length === 0) throw new MonitorError(`${what} is empty: a test needs at least one value`);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    const number = typeof value === 'bigint' ? Number(value) : value;
    if (typeof number !== 'number') throw new MonitorError(`${what}[${i}] is ${describeValue(value)}, not a number`);
    if (!Number.isFinite(number))
      throw new MonitorError(`${what}[${i}] is ${number}: drop missing and infinite values first (dataDrift drops them)`);
    out[i] = number;
  }
  return out;
}

function rawValues(sample: NumericSample, what: string): ArrayLike<unknown> {
  if (sample instanceof Tensor) {
    if (sample.dim() !== 1) throw new MonitorError(`${what} must be a 1-D tensor, got shape [${sample.shape.join(', ')}]`);
    return sample.toTypedArray();
  }
  if (sample === null || typeof sample !== 'object' || typeof sample.length !== 'number')
    throw new MonitorError(`${what} must be an array of numbers or a 1-D tensor, got ${describeValue(sample)}`);
  return sample;
}

/** An ascending copy. */
export function sorted(values: Float64Array): Float64Array {
  return Float64Array.from(values).sort();
}

/** Mean as numpy's float64 mean computes it, up to summation order. */
export function mean(values: Float64Array): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** Population standard deviation (numpy's `np.std`, ddof 0). */
export function populationStd(values: Float64Array): number {
  const m = mean(values);
  let sum = 0;
  for (const value of values) sum += (value - m) * (value - m);
  return Math.sqrt(sum / values.length);
}
