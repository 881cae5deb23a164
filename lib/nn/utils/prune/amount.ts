/**
 * How much to prune: PyTorch's `amount`, a fraction of the units or a count of them, checked and
 * turned into a count as torch.nn.utils.prune does (`_validate_pruning_amount_init`,
 * `_compute_nparams_toprune`, `_validate_pruning_amount`).
 * @module
 */
import { describeValue } from '../../../util/validate.js';

/**
 * How much to prune. As in PyTorch, an integer is a count of units and any other number a fraction
 * of them in [0, 1]. JavaScript has one number type, so `1` is a count of one unit (Python's `1`,
 * not `1.0`); say `{ fraction: 1 }` to prune every unit, or `{ count: n }` / `{ fraction: f }` to
 * be explicit.
 */
export type PruningAmount = number | { fraction: number } | { count: number };

/** An amount checked at construction: a count (an integer >= 0) or a fraction in [0, 1]. */
export type CheckedAmount = {
  /** Whether `value` counts units or is a fraction of them. */
  kind: 'count' | 'fraction';
  /** The count or the fraction. */
  value: number;
};

/** Checks `amount` as PyTorch's `_validate_pruning_amount_init` does; `where` starts the message. */
export function checkAmount(amount: PruningAmount, where: string): CheckedAmount {
  const fraction = (value: number): CheckedAmount => {
    if (!(value >= 0 && value <= 1))
      throw new RangeError(`${where}: amount=${value} should either be a float in the range [0, 1] or a non-negative integer`);
    return { kind: 'fraction', value };
  };
  const count = (value: number): CheckedAmount => {
    if (!Number.isInteger(value) || value < 0)
      throw new RangeError(`${where}: amount=${value} should either be a float in the range [0, 1] or a non-negative integer`);
    return { kind: 'count', value };
  };
  if (typeof amount === 'number') return Number.isInteger(amount) ? count(amount) : fraction(amount);
  if (typeof amount === 'object' && amount !== null) {
    if ('fraction' in amount && typeof amount.fraction === 'number' && !('count' in amount)) return fraction(amount.fraction);
    if ('count' in amount && typeof amount.count === 'number' && !('fraction' in amount)) return count(amount.count);
  }
  throw new TypeError(
    `${where}: invalid type for amount: ${describeValue(amount)}. Must be a number (an integer count or a fraction), { fraction } or { count }`,
  );
}

/** How many of `size` units `amount` prunes (a fraction is rounded half to even, as Python's round), checked against `size`. */
export function unitsToPrune(amount: CheckedAmount, size: number, where: string): number {
  if (amount.kind === 'fraction') return roundHalfEven(amount.value * size);
  if (amount.value > size)
    throw new RangeError(`${where}: amount=${amount.value} should be smaller than the number of parameters to prune=${size}`);
  return amount.value;
}

function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const rest = x - floor;
  if (rest !== 0.5) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}
