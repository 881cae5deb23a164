/**
 * Hydra's sweep objects (hydra/core/override_parser/types.py): a choice, a discrete range, a
 * continuous interval, a glob over a config group's options, and extend_list's values.
 * @module
 */
import { Decimal } from './decimal.js';
import { PyError, type PyValue } from './py-values.js';

/** A sweep that can carry tags (`tag(a, b, choice(...))`). */
export abstract class PySweep {
  tags: Set<string> = new Set();
}

/** `a,b,c` (the simple form) or `choice(a,b,c)`; shuffled when iterated if `shuffle` is set. */
export class PyChoiceSweep extends PySweep {
  list: PyValue[];
  simpleForm: boolean;
  shuffle = false;
  constructor(list: PyValue[], simpleForm = false) {
    super();
    this.list = list;
    this.simpleForm = simpleForm;
  }

  /** A shallow copy, as Python's `copy(sweep)` makes (the tag set is shared until replaced). */
  copy(): PyChoiceSweep {
    return Object.assign(new PyChoiceSweep(this.list, this.simpleForm), { shuffle: this.shuffle, tags: this.tags });
  }
}

/** A bound of a range: an int, a float, or an exact decimal once sort() has turned a float range round. */
export type RangeNumber = bigint | number | Decimal;

/** A cast applied to each value of a range as it is iterated (`int(range(0, 5, 1.5))` is 0, 1, 3, 4). */
export type RangeCast = 'int' | 'float';

/** Ranges larger than this are refused rather than materialised (Hydra would enumerate them lazily). */
export const MAX_RANGE_VALUES = 1_000_000;

/** `range(start, stop, step)`: Python's range for ints, Hydra's decimal FloatRange otherwise. */
export class PyRangeSweep extends PySweep {
  start: RangeNumber;
  stop: RangeNumber;
  step: RangeNumber;
  shuffle = false;
  casts: RangeCast[] = [];
  constructor(start: RangeNumber, stop: RangeNumber, step: RangeNumber) {
    super();
    this.start = start;
    this.stop = stop;
    this.step = step;
  }

  /** A shallow copy with its own list of casts. */
  copy(): PyRangeSweep {
    return Object.assign(new PyRangeSweep(this.start, this.stop, this.step), {
      shuffle: this.shuffle,
      tags: this.tags,
      casts: [...this.casts],
    });
  }

  /** Whether Python's integer range applies (all three bounds are ints). */
  isIntegral(): boolean {
    return typeof this.start === 'bigint' && typeof this.stop === 'bigint' && typeof this.step === 'bigint';
  }

  /** The values in order, before casts: ints for an integer range, floats otherwise. */
  rawValues(): (bigint | number)[] {
    if (this.isIntegral()) {
      const [start, stop, step] = [this.start, this.stop, this.step] as [bigint, bigint, bigint];
      const count = intRangeCount(start, stop, step);
      checkCount(count);
      return Array.from({ length: Number(count) }, (_, i) => start + BigInt(i) * step);
    }
    for (const bound of [this.start, this.stop, this.step])
      if (typeof bound === 'number' && !Number.isFinite(bound))
        throw new PyError('ValueError', `range() bounds must be finite, got ${bound}`);
    const [start, stop, step] = [Decimal.of(this.start), Decimal.of(this.stop), Decimal.of(this.step)];
    if (step.sign() === 0)
      throw new PyError(
        'HydraException',
        `Invalid range values (start:${start.toString()}, stop:${stop.toString()}, step:${step.toString()})`,
      );
    checkCount(floatRangeCount(start, stop, step));
    const values: number[] = [];
    for (let i = 0n; ; i++) {
      const current = start.plus(step.times(i));
      if (step.sign() > 0 ? current.compare(stop) >= 0 : current.compare(stop) <= 0) return values;
      values.push(current.toNumber());
    }
  }

  /** The values in order, each through the range's casts. */
  values(): (bigint | number)[] {
    return this.rawValues().map((value) => this.casts.reduce(castNumber, value));
  }
}

function checkCount(count: bigint): void {
  if (count > BigInt(MAX_RANGE_VALUES))
    throw new PyError('ValueError', `range has ${count} values, more than the ${MAX_RANGE_VALUES} nodetorch enumerates`);
}

/** How many values Python's range(start, stop, step) yields. */
export function intRangeCount(start: bigint, stop: bigint, step: bigint): bigint {
  if (step === 0n) throw new PyError('ValueError', 'range() arg 3 must not be zero');
  const span = step > 0n ? stop - start : start - stop;
  const magnitude = step > 0n ? step : -step;
  return span <= 0n ? 0n : (span + magnitude - 1n) / magnitude;
}

/** How many values a decimal range yields (Hydra's _float_range_count). */
export function floatRangeCount(start: Decimal, stop: Decimal, step: Decimal): bigint {
  if (step.sign() === 0) return 0n;
  const distance = step.sign() > 0 ? stop.minus(start) : start.minus(stop);
  if (distance.sign() <= 0) return 0n;
  const { quotient, exact } = distance.divide(step.sign() > 0 ? step : step.negated());
  return exact ? quotient : quotient + 1n;
}

/** Python's int(x) / float(x) of one range value. */
export function castNumber(value: bigint | number, cast: RangeCast): bigint | number {
  if (cast === 'float') return Number(value);
  if (typeof value === 'bigint') return value;
  if (Number.isNaN(value)) throw new PyError('ValueError', 'cannot convert float NaN to integer');
  if (!Number.isFinite(value)) throw new PyError('OverflowError', 'cannot convert float infinity to integer');
  return BigInt(Math.trunc(value));
}

/** `interval(start, end)`: a continuous range for sweepers that sample (the basic sweeper refuses it). */
export class PyIntervalSweep extends PySweep {
  start: bigint | number;
  end: bigint | number;
  constructor(start: bigint | number, end: bigint | number) {
    super();
    this.start = start;
    this.end = end;
  }
}

/** `glob(include, exclude)`: the options of a config group whose names match (fnmatch patterns). */
export class PyGlob {
  include: string[];
  exclude: string[];
  constructor(include: string[], exclude: string[]) {
    this.include = include;
    this.exclude = exclude;
  }
}

/** `extend_list(a, b)`: values appended to an existing list instead of replacing it. */
export class PyListExtension {
  values: PyValue[];
  constructor(values: PyValue[]) {
    this.values = values;
  }
}
