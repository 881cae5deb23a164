/** Checks shared by the schedulers' constructors and loadStateDict. */

import { describeValue } from '../../util/validate.js';
import type { OptimizerLike, ParamGroupLike, SchedulerState } from './types.js';

export { isNonNegative, isNonNegativeInteger, isPositive, isPositiveInteger, requireOptions } from '../../util/validate.js';

export const isFraction = (v: number): boolean => v >= 0 && v <= 1;

/** Returns `value` when it is a number passing `ok`; otherwise throws naming the option (TypeError for a non-number). */
export function checkNumber(
  where: string,
  name: string,
  value: unknown,
  requirement: string,
  ok: (v: number) => boolean = Number.isFinite,
): number {
  if (typeof value === 'number' && ok(value)) return value;
  const message = `${where}: ${name} must be ${requirement}, got ${describeValue(value)}`;
  throw typeof value === 'number' ? new RangeError(message) : new TypeError(message);
}

export function checkChoice<T extends string>(where: string, name: string, value: unknown, allowed: readonly T[]): T {
  if (allowed.includes(value as T)) return value as T;
  throw new TypeError(`${where}: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describeValue(value)}`);
}

/** One value per param group, from a scalar (repeated) or an array of exactly one per group (PyTorch's _format_param). */
export function perGroup(
  where: string,
  name: string,
  value: unknown,
  groups: number,
  requirement: string,
  ok: (v: number) => boolean = Number.isFinite,
): number[] {
  if (!Array.isArray(value)) return new Array<number>(groups).fill(checkNumber(where, name, value, requirement, ok));
  if (value.length !== groups) {
    throw new RangeError(`${where}: ${name} must have one value per param group (${groups}), got ${value.length}`);
  }
  return value.map((v, i) => checkNumber(where, `${name}[${i}]`, v, requirement, ok));
}

export function checkOptimizer(where: string, optimizer: OptimizerLike): void {
  const groups: unknown = optimizer?.paramGroups;
  const valid = Array.isArray(groups) && groups.length > 0 && groups.every((g) => typeof (g as ParamGroupLike)?.lr === 'number');
  if (!valid) throw new TypeError(`${where}: optimizer must have a non-empty paramGroups array whose groups each have a numeric lr`);
}

export function groupNumber(where: string, group: ParamGroupLike, index: number, key: string): number {
  const value = group[key];
  if (typeof value !== 'number')
    throw new TypeError(`${where}: paramGroups[${index}].${key} must be a number, got ${describeValue(value)}`);
  return value;
}

export function stateNumber(where: string, state: SchedulerState, key: string): number {
  return checkNumber(where, `state.${key}`, state[key], 'a number', () => true);
}

export function stateNumbers(where: string, state: SchedulerState, key: string): number[] {
  const value = state[key];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number')) {
    throw new TypeError(`${where}: state.${key} must be an array of numbers, got ${describeValue(value)}`);
  }
  return [...value];
}

/** Copies the keys of `current` that `state` has: PyTorch's load_state_dict restores hyperparameters too. */
export function mergeSettings<S extends object>(current: S, state: SchedulerState): S {
  const merged = { ...current } as Record<string, unknown>;
  for (const key of Object.keys(current)) if (key in state) merged[key] = structuredClone(state[key]);
  return merged as S;
}

/** Python's bisect.bisect_right on a sorted array: how many entries are <= x. */
export function bisectRight(sorted: readonly number[], x: number): number {
  let count = 0;
  while (count < sorted.length && sorted[count]! <= x) count++;
  return count;
}
