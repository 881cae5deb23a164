/**
 * parseOverride: one command-line override, parsed and evaluated with Hydra's grammar and
 * semantics, returned in the public shape.
 * @module
 */
import { OverrideParseError, ParseFailure } from './errors.js';
import type { RandomSource } from './grammar-functions.js';
import { pyFloatRepr } from './py-format.js';
import { PyDict, PyError, QuotedString, pyTypeName, type ParsedElement, type PyValue } from './py-values.js';
import { OverrideParser } from './parser.js';
import { Decimal } from './decimal.js';
import { PyChoiceSweep, PyGlob, PyIntervalSweep, PyRangeSweep, type RangeNumber } from './sweeps.js';
import type { Override, OverrideValue, Sweep } from './types.js';
import { elementToText } from './text.js';
import { visitOverride } from './visitor.js';

/** Options of parseOverride. */
export interface ParseOverrideOptions {
  /** Random numbers in [0, 1) for `shuffle([...])` of a list; Math.random by default. */
  random?: RandomSource;
}

// Only the whole value may be a sweep: nodetorch refuses one nested in a list, dict or another sweep
// (Hydra accepts it and fails later, when the config is composed or the sweep expanded).
function toElement(value: PyValue, offset: number): ParsedElement {
  if (Array.isArray(value)) return value.map((item) => toElement(item, offset));
  if (value instanceof PyDict) return new PyDict(value.entries.map(([k, v]) => [toElement(k, offset), toElement(v, offset)]));
  if (value === null || typeof value !== 'object' || value instanceof QuotedString) return value;
  throw new ParseFailure(`${pyTypeName(value)} cannot be nested inside a list, a dict or a sweep`, offset);
}

/** The dict key a parsed key becomes in a plain object (`null`, `true`, `1`, `1.5`). */
export function plainKey(key: ParsedElement): string {
  if (typeof key === 'string') return key;
  if (key instanceof QuotedString) return key.text;
  if (typeof key === 'number') return pyFloatRepr(key);
  if (key === null || typeof key === 'bigint' || typeof key === 'boolean') return String(key);
  return elementToText(key);
}

/** A parsed element as a plain value (quoted strings lose their quotes, ints become numbers). */
export function toPlainValue(element: ParsedElement): OverrideValue {
  if (element instanceof QuotedString) return element.text;
  if (element instanceof PyDict)
    return Object.fromEntries(element.entries.map(([k, v]) => [plainKey(k as ParsedElement), toPlainValue(v as ParsedElement)]));
  if (Array.isArray(element)) return element.map(toPlainValue);
  return typeof element === 'bigint' ? Number(element) : element;
}

const toNumber = (value: RangeNumber): number => (value instanceof Decimal ? value.toNumber() : Number(value));
const sortedTags = (tags: Set<string>): string[] => [...tags].sort();

function toSweep(value: PyChoiceSweep | PyRangeSweep | PyIntervalSweep | PyGlob, offset: number): Sweep {
  if (value instanceof PyChoiceSweep) {
    const elements = value.list.map((item) => toElement(item, offset));
    return {
      kind: 'choice',
      values: elements.map(toPlainValue),
      elements,
      simpleForm: value.simpleForm,
      shuffle: value.shuffle,
      tags: sortedTags(value.tags),
    };
  }
  if (value instanceof PyRangeSweep) {
    let elements: (bigint | number)[];
    try {
      elements = value.values();
    } catch (error) {
      // Hydra meets these when it enumerates the range; nodetorch enumerates it while parsing.
      if (error instanceof PyError) throw new ParseFailure(`${error.pyType}: ${error.message}`, offset);
      throw error;
    }
    const [start, stop, step] = [toNumber(value.start), toNumber(value.stop), toNumber(value.step)];
    return {
      kind: 'range',
      start,
      stop,
      step,
      values: elements.map(Number),
      elements,
      shuffle: value.shuffle,
      tags: sortedTags(value.tags),
    };
  }
  if (value instanceof PyIntervalSweep)
    return { kind: 'interval', start: Number(value.start), end: Number(value.end), tags: sortedTags(value.tags) };
  return { kind: 'glob', include: [...value.include], exclude: [...value.exclude] };
}

/** Internal: parses and evaluates, throwing the ParseFailure (or an unexpected error) as it comes. */
export function parseOverrideUnchecked(text: string, options: ParseOverrideOptions = {}): Override {
  const parser = new OverrideParser(text, 'key');
  const tree = parser.override();
  const evaluated = visitOverride(tree, { source: text, random: options.random ?? Math.random });
  const base = { type: evaluated.type, key: evaluated.key, package: evaluated.package, input: text };
  const value = evaluated.value;
  if (value === undefined) return { ...base, value: null, element: null, sweep: null, hasValue: false };
  if (value instanceof PyChoiceSweep || value instanceof PyRangeSweep || value instanceof PyIntervalSweep || value instanceof PyGlob)
    return { ...base, value: null, element: null, sweep: toSweep(value, tree.valueStart), hasValue: true };
  const element = toElement(value, tree.valueStart);
  return { ...base, value: toPlainValue(element), element, sweep: null, hasValue: true };
}

/**
 * Parses one override with Hydra's grammar: `key=value`, `+key=value`, `++key=value`, `~key`,
 * `~key=value`, `group=option`, `group@pkg=option`, typed values, quoted strings, lists, dicts,
 * sweeps (`a,b`, choice, range, interval, glob) and the grammar's functions (casts, sort, shuffle,
 * tag, extend_list). Throws an OverrideParseError with Hydra's reason and a caret at the column.
 */
export function parseOverride(text: string, options: ParseOverrideOptions = {}): Override {
  try {
    return parseOverrideUnchecked(text, options);
  } catch (error) {
    if (error instanceof ParseFailure) throw new OverrideParseError(text, error.offset, error.message);
    throw error;
  }
}
