/**
 * What the metrics take (tensors, or nested arrays made into tensors) and the checks they make on
 * it: same shape, labels in range. Each check names the metric and the offending input.
 * @module
 */
import { tensor, type NestedData } from '../tensor/creation.js';
import { isFloatingDType } from '../tensor/dtypes.js';
import { Tensor } from '../tensor/tensor.js';
import { describeValue } from '../util/validate.js';

/**
 * What a metric takes as preds and target: a Tensor, or nested arrays of numbers (made into one
 * with `torch.tensor()`: whole numbers give an int64 tensor, any fraction a float32 one).
 */
export type MetricInput = Tensor | NestedData;

/** `value` as a tensor detached from autograd (a new handle: the caller's tensor is never kept or freed). */
export function toTensor(where: string, name: string, value: MetricInput): Tensor {
  if (value instanceof Tensor) {
    if (value.isDisposed) throw new TypeError(`${where}: ${name} is a disposed tensor`);
    return value.detach();
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || Array.isArray(value)) {
    try {
      return tensor(value);
    } catch (error) {
      throw new TypeError(`${where}: ${name} must be a Tensor or nested arrays of numbers (${(error as Error).message})`, { cause: error });
    }
  }
  throw new TypeError(`${where}: ${name} must be a Tensor or nested arrays of numbers, got ${describeValue(value)}`);
}

/** Whether `t` holds floating-point values (scores, probabilities, logits) rather than labels. */
export function isFloating(t: Tensor): boolean {
  return isFloatingDType(t.dtype);
}

/** Whether every element of `t` is in [0, 1] (NaN is not). */
export function inUnitInterval(t: Tensor): boolean {
  return t.ge(0).logicalAnd(t.le(1)).all().item() === 1;
}

/** Throws unless preds and target have the same shape. */
export function checkSameShape(where: string, preds: Tensor, target: Tensor): void {
  const [a, b] = [preds.shape, target.shape];
  if (a.length !== b.length || a.some((size, i) => size !== b[i]))
    throw new RangeError(`${where}: preds and target must have the same shape, got preds [${a}] and target [${b}]`);
}

/**
 * `values` as flat int64 labels, after checking that each is a whole number in [0, numClasses)
 * (bool counts as 0 and 1); otherwise throws naming the first bad value and `what` was expected.
 */
export function labelsOf(where: string, name: string, values: Tensor, numClasses: number, what: string): Tensor {
  const v = values.dtype === 'bool' ? values.long() : values;
  let bad = v.lt(0).logicalOr(v.gt(numClasses - 1));
  if (isFloating(v)) bad = bad.logicalOr(v.ne(v.round()));
  if (bad.any().item()) {
    const first = v.maskedSelect(bad).index([0]).item();
    throw new RangeError(`${where}: ${name} must hold ${what}, got ${first}`);
  }
  return v.long().reshape([-1]);
}

/** `what` for labelsOf: the labels a task allows. */
export function labelRange(task: 'binary' | 'multiclass', numClasses: number): string {
  return task === 'binary' ? "only 0 and 1 for task 'binary'" : `class labels in [0, ${numClasses - 1}] (numClasses ${numClasses})`;
}
