/**
 * Hydra's sweep and ordering functions (hydra/_internal/grammar/grammar_functions.py): choice,
 * range, interval, tag, sort, shuffle, glob and extend_list, with Hydra's argument rules and errors.
 * @module
 */
import { Decimal } from './decimal.js';
import { pySorted } from './py-compare.js';
import { pyTupleRepr } from './py-format.js';
import { PyError, QuotedString, pyTypeName, type PyValue } from './py-values.js';
import { listToSimpleChoice, isParsedElement } from './casts.js';
import {
  floatRangeCount,
  intRangeCount,
  PyChoiceSweep,
  PyGlob,
  PyIntervalSweep,
  PyListExtension,
  PyRangeSweep,
  PySweep,
  type RangeNumber,
} from './sweeps.js';

/** Random numbers in [0, 1), for shuffle(). */
export type RandomSource = () => number;

/** Python's random.shuffle: Fisher–Yates from the end. */
export function pyShuffle<T>(items: T[], random: RandomSource): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

/** `choice(a, b, ...)`: an explicit choice sweep; choice(a,b,c) of a simple sweep makes it explicit. */
export function choice(args: readonly PyValue[]): PyChoiceSweep {
  if (args.length === 0) throw new PyError('ValueError', 'empty choice is not legal');
  const first = args[0];
  if (args.length === 1 && first instanceof PyChoiceSweep) {
    if (!first.simpleForm) throw new PyError('ValueError', 'nesting choices is not supported');
    first.simpleForm = false;
    return first;
  }
  return new PyChoiceSweep([...args]);
}

const asRangeNumber = (v: PyValue): RangeNumber => (typeof v === 'boolean' ? (v ? 1n : 0n) : (v as bigint | number));

/** `range(start, stop, step=1)`; `range(stop)` starts at 0. */
export function range(start: PyValue, stop: PyValue, step: PyValue): PyRangeSweep {
  return stop === null
    ? new PyRangeSweep(0n, asRangeNumber(start), asRangeNumber(step))
    : new PyRangeSweep(asRangeNumber(start), asRangeNumber(stop), asRangeNumber(step));
}

/** `interval(start, end)`: both ends as floats. */
export function interval(start: PyValue, end: PyValue): PyIntervalSweep {
  return new PyIntervalSweep(Number(asRangeNumber(start)), Number(asRangeNumber(end)));
}

/** `tag(t1, t2, sweep)`: replaces the sweep's tags. */
export function tag(args: readonly PyValue[], sweep: PyValue): PyChoiceSweep | PyRangeSweep | PyIntervalSweep {
  if (args.length < 1) throw new PyError('ValueError', 'Not enough arguments to tag, must take at least a sweep');
  if (sweep !== null) return tag([...args, sweep], null);
  const last = args.at(-1);
  if (!(last instanceof PySweep))
    throw new PyError('ValueError', 'Last argument to tag() must be a choice(), range() or interval(), got NoneType');
  const tags = new Set<string>();
  for (const item of args.slice(0, -1)) {
    if (typeof item !== 'string') throw new PyError('ValueError', `tag arguments type must be string, got ${pyTypeName(item)}`);
    tags.add(item);
  }
  last.tags = tags;
  return last;
}

/** `shuffle(...)`: a shuffled copy of a list now, or a sweep marked to shuffle when iterated. */
export function shuffle(args: readonly PyValue[], sweep: PyValue, list: PyValue, random: RandomSource): PyValue {
  if (list !== null) return shuffle([list], null, null, random);
  if (sweep !== null) return shuffle([sweep], null, null, random);
  if (args.length === 1) {
    const arg = args[0]!;
    if (arg instanceof PyChoiceSweep || arg instanceof PyRangeSweep) return Object.assign(arg.copy(), { shuffle: true });
    if (Array.isArray(arg)) {
      const copy = [...arg];
      pyShuffle(copy, random);
      return copy;
    }
    return [arg];
  }
  return Object.assign(listToSimpleChoice(args), { shuffle: true });
}

// Turns a range round so that it yields the same values in the other order (Hydra's _reverse_range_sweep).
function reverseRange(sweep: PyRangeSweep): void {
  if (sweep.isIntegral()) {
    const [start, stop, step] = [sweep.start, sweep.stop, sweep.step] as [bigint, bigint, bigint];
    const count = intRangeCount(start, stop, step);
    if (count > 1n) [sweep.start, sweep.step, sweep.stop] = [start + (count - 1n) * step, -step, start - step];
    return;
  }
  const [start, stop, step] = [Decimal.of(sweep.start), Decimal.of(sweep.stop), Decimal.of(sweep.step)];
  const count = floatRangeCount(start, stop, step);
  if (count > 1n) {
    const reversed = step.negated();
    [sweep.start, sweep.step, sweep.stop] = [start.plus(step.times(count - 1n)), reversed, start.plus(reversed.halved())];
  }
}

function sortSweep(sweep: PyChoiceSweep | PyRangeSweep, reverse: boolean): PyChoiceSweep | PyRangeSweep {
  const copy = sweep.copy();
  if (copy instanceof PyChoiceSweep) {
    copy.list = pySorted(copy.list, reverse);
    return copy;
  }
  const positive = copy.step instanceof Decimal ? copy.step.sign() > 0 : copy.step > 0;
  if (positive === reverse) reverseRange(copy);
  return copy;
}

/** `sort(...)`: a sorted list, a sorted choice, or a range turned to run upward (downward with reverse=true). */
export function sort(args: readonly PyValue[], sweep: PyValue, list: PyValue, reverse: boolean): PyValue {
  if (list !== null) return sort([list], null, null, reverse);
  if (sweep !== null) return sortSweep(sweep as PyChoiceSweep | PyRangeSweep, reverse);
  if (args.length === 1) {
    const arg = args[0]!;
    if (arg instanceof PyChoiceSweep || arg instanceof PyRangeSweep) return sortSweep(arg, reverse);
    if (Array.isArray(arg)) return pySorted(arg, reverse);
    if (isParsedElement(arg)) return arg;
    throw new PyError('TypeError', `Invalid arguments: ${pyTupleRepr(args)}`);
  }
  for (const arg of args)
    if (!['string', 'bigint', 'number', 'boolean'].includes(typeof arg))
      throw new PyError('TypeError', `Invalid arguments: ${pyTupleRepr(args)}`);
  if (args.length === 0) throw new PyError('ValueError', 'empty sort input');
  return sortSweep(listToSimpleChoice(args), reverse);
}

function patternList(value: PyValue): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => {
    if (typeof item === 'string') return item;
    if (item instanceof QuotedString) return item.text;
    throw new PyError('TypeError', `glob patterns must be strings, got ${pyTypeName(item)}`);
  });
}

/** `glob(include, exclude=None)`: each a pattern or a list of patterns. */
export function glob(include: PyValue, exclude: PyValue): PyGlob {
  return new PyGlob(patternList(include), exclude === null ? [] : patternList(exclude));
}

/** `extend_list(a, b, ...)`: values appended to the list at the key. */
export function extendList(args: readonly PyValue[]): PyListExtension {
  return new PyListExtension([...args]);
}
