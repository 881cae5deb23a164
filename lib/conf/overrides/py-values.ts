/**
 * The values an override evaluates to, modelled on the Python objects Hydra builds, so that casts,
 * sorting and printing follow Python's rules: an int is a `bigint`, a float a `number`, a quoted
 * string keeps its quotes, and a dict keeps keys of any primitive type in insertion order.
 * @module
 */
import type { PyChoiceSweep, PyGlob, PyIntervalSweep, PyListExtension, PyRangeSweep } from './sweeps.js';

/** A string written in quotes: it stays a string (`'1'` is the text "1"), and remembers its quote. */
export class QuotedString {
  readonly text: string;
  readonly quote: "'" | '"';
  /** Wraps the text of a quoted string (it stays a string, whatever it reads as). */
  constructor(text: string, quote: "'" | '"') {
    this.text = text;
    this.quote = quote;
  }
}

/** A dict in insertion order; keys may be strings, ints, floats, bools or null, as in Hydra. */
export class PyDict {
  readonly entries: (readonly [PyValue, PyValue])[];
  /** A dict with its entries in insertion order (keys keep their Python types). */
  constructor(entries: (readonly [PyValue, PyValue])[]) {
    this.entries = entries;
  }
}

/** A parsed element: what may stand after `=` or inside a list, a dict or a sweep. */
export type ParsedElement = string | bigint | number | boolean | null | QuotedString | ParsedElement[] | PyDict;

/** Anything a grammar function may take or return while an override is evaluated. */
export type PyValue = ParsedElement | PyValue[] | PyChoiceSweep | PyRangeSweep | PyIntervalSweep | PyGlob | PyListExtension;

/** An exception as Hydra's grammar functions raise it: the Python type name goes into the message. */
export class PyError extends Error {
  /** The Python exception type: TypeError, ValueError, OverflowError, AssertionError, HydraException. */
  readonly pyType: string;
  /** Makes the value. */
  constructor(pyType: string, message: string) {
    super(message);
    this.name = 'PyError';
    this.pyType = pyType;
  }
}

/** The Python type name of a value, as `type(x).__name__` gives it. */
export function pyTypeName(value: PyValue): string {
  if (value === null) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  switch (typeof value) {
    case 'string':
      return 'str';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'boolean':
      return 'bool';
    default:
      return value instanceof PyDict ? 'dict' : (pythonClassNames[value.constructor.name] ?? value.constructor.name);
  }
}

// The Python class each sweep class stands for.
const pythonClassNames: Record<string, string> = {
  PyChoiceSweep: 'ChoiceSweep',
  PyRangeSweep: 'RangeSweep',
  PyIntervalSweep: 'IntervalSweep',
  PyGlob: 'Glob',
  PyListExtension: 'ListExtensionOverrideValue',
};
