/**
 * Hydra's cast functions int(), float(), str(), bool() and json_str(): applied to a value, to each
 * item of a list or dict, or to each value of a sweep (a range only to int or float).
 * @module
 */
import { pyFloatRepr, pyStrRepr } from './py-format.js';
import { PyDict, PyError, QuotedString, type PyValue } from './py-values.js';
import { castNumber, PyChoiceSweep, PyGlob, PyIntervalSweep, PyListExtension, PyRangeSweep, type RangeCast } from './sweeps.js';

type Cast = (value: PyValue) => PyValue;

const isElementValue = (v: PyValue): boolean =>
  typeof v === 'string' ||
  typeof v === 'bigint' ||
  typeof v === 'number' ||
  typeof v === 'boolean' ||
  Array.isArray(v) ||
  v instanceof PyDict;

/** Whether a value is a parsed element (not a sweep, glob or extend_list). */
export function isParsedElement(v: PyValue): boolean {
  return isElementValue(v) || v === null || v instanceof QuotedString;
}

const assertionError = (): PyError => new PyError('AssertionError', '');

/** Several arguments make a simple choice sweep (`int(1,2)` casts the sweep 1,2). */
export function listToSimpleChoice(args: readonly PyValue[]): PyChoiceSweep {
  if (!args.every(isParsedElement)) throw assertionError();
  return new PyChoiceSweep([...args], true);
}

/** The one value a cast applies to: its positional argument(s) or `value=`. */
export function castInput(args: readonly PyValue[], value: PyValue): PyValue {
  if (args.length > 0 && value !== null) throw new PyError('TypeError', 'cannot use both position and named arguments');
  if (value !== null) return value;
  if (args.length === 0) throw new PyError('TypeError', 'No positional args or value specified');
  return args.length === 1 ? args[0]! : listToSimpleChoice(args);
}

function castChoice(sweep: PyChoiceSweep, cast: Cast): PyChoiceSweep {
  const list = sweep.list.map((item) => {
    const out = cast(item);
    if (!isElementValue(out)) throw assertionError();
    return out;
  });
  return Object.assign(new PyChoiceSweep(list, sweep.simpleForm), { tags: new Set(sweep.tags), shuffle: sweep.shuffle });
}

function castRange(sweep: PyRangeSweep, cast: RangeCast | null): PyRangeSweep {
  if (cast === null) throw new PyError('ValueError', 'Range can only be cast to int or float');
  const out = sweep.copy();
  out.tags = new Set(sweep.tags);
  out.casts.push(cast);
  return out;
}

function castInterval(sweep: PyIntervalSweep, cast: RangeCast): PyIntervalSweep {
  return Object.assign(new PyIntervalSweep(castNumber(sweep.start, cast), castNumber(sweep.end, cast)), { tags: new Set(sweep.tags) });
}

// Applies `scalar` through the containers and sweeps a cast walks into.
function castEach(
  value: PyValue,
  self: Cast,
  rangeCast: RangeCast | null,
  scalar: (v: string | bigint | number | boolean) => PyValue,
  name: string,
): PyValue {
  if (value instanceof QuotedString) return self(value.text);
  if (value instanceof PyDict) return new PyDict(value.entries.map(([k, v]) => [k, self(v)]));
  if (Array.isArray(value)) return value.map(self);
  if (value instanceof PyChoiceSweep) return castChoice(value, self);
  if (value instanceof PyRangeSweep) return castRange(value, rangeCast);
  if (value instanceof PyIntervalSweep) {
    if (rangeCast === null) throw new PyError('ValueError', `Intervals cannot be cast to ${name}`);
    return castInterval(value, rangeCast);
  }
  if (value === null || value instanceof PyGlob || value instanceof PyListExtension) throw assertionError();
  return scalar(value);
}

const INT_TEXT = /^\s*[+-]?\d+(?:_\d+)*\s*$/;
const FLOAT_TEXT =
  /^\s*[+-]?(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?|\d(?:_?\d)*\.?(?:[eE][+-]?\d(?:_?\d)*)?|inf(?:inity)?|nan)\s*$/i;

/** Python's float() of a string. */
export function parsePythonFloat(text: string): number {
  if (!FLOAT_TEXT.test(text)) throw new PyError('ValueError', `could not convert string to float: ${pyStrRepr(text)}`);
  const clean = text.trim().replace(/_/g, '').toLowerCase();
  if (/^[+-]?nan$/.test(clean)) return NaN;
  if (/^[+-]?inf(inity)?$/.test(clean)) return clean.startsWith('-') ? -Infinity : Infinity;
  return Number(clean);
}

/** `int(x)`. */
export const castInt: Cast = (value) =>
  castEach(
    value,
    castInt,
    'int',
    (v) => {
      if (typeof v === 'string') {
        if (!INT_TEXT.test(v)) throw new PyError('ValueError', `invalid literal for int() with base 10: ${pyStrRepr(v)}`);
        return BigInt(v.trim().replace(/_/g, '').replace(/^\+/, ''));
      }
      if (typeof v === 'boolean') return v ? 1n : 0n;
      return castNumber(v, 'int');
    },
    'int',
  );

/** `float(x)`. */
export const castFloat: Cast = (value) =>
  castEach(
    value,
    castFloat,
    'float',
    (v) => {
      if (typeof v === 'string') return parsePythonFloat(v);
      if (typeof v === 'boolean') return v ? 1 : 0;
      const out = Number(v);
      if (!Number.isFinite(out) && typeof v === 'bigint') throw new PyError('OverflowError', 'int too large to convert to float');
      return out;
    },
    'float',
  );

/** `str(x)`: bools as `true`/`false`, floats as Python prints them. */
export const castStr: Cast = (value) =>
  castEach(
    value,
    castStr,
    null,
    (v) => (typeof v === 'boolean' ? String(v) : typeof v === 'number' ? pyFloatRepr(v) : v.toString()),
    'str',
  );

/** `bool(x)`: a string must read true or false (any case); a number is true unless zero. */
export const castBool: Cast = (value) =>
  castEach(
    value,
    castBool,
    null,
    (v) => {
      if (typeof v === 'string') {
        if (v.toLowerCase() === 'false') return false;
        if (v.toLowerCase() === 'true') return true;
        throw new PyError('ValueError', `Cannot cast '${v}' to bool`);
      }
      return typeof v === 'boolean' ? v : typeof v === 'bigint' ? v !== 0n : v !== 0;
    },
    'bool',
  );

// Hydra's extract_text: quoted strings lose their quotes, all the way down.
const extractText: Cast = (value) => {
  if (value instanceof QuotedString) return value.text;
  if (value instanceof PyDict) return new PyDict(value.entries.map(([k, v]) => [k, extractText(v)]));
  if (Array.isArray(value)) return value.map(extractText);
  if (value instanceof PyChoiceSweep) return castChoice(value, extractText);
  if (value instanceof PyRangeSweep) return castRange(value, null);
  return value;
};

function jsonString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const code = text.charCodeAt(i);
    const short: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };
    if (short[c] !== undefined) out += short[c];
    else if (code < 0x20 || code > 0x7e)
      out += `\\u${code.toString(16).padStart(4, '0')}`; // ensure_ascii
    else out += c;
  }
  return `${out}"`;
}

/** Python's `json.dumps(value)` with its defaults (`, ` and `: ` separators, ASCII only, NaN and Infinity allowed). */
export function pyJsonDumps(value: PyValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return jsonString(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number')
    return Number.isNaN(value) ? 'NaN' : value === Infinity ? 'Infinity' : value === -Infinity ? '-Infinity' : pyFloatRepr(value);
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`;
  if (value instanceof PyDict)
    return `{${value.entries
      .map(([k, v]) => {
        const key =
          typeof k === 'string'
            ? k
            : k === null || typeof k === 'boolean' || typeof k === 'bigint' || typeof k === 'number'
              ? pyJsonDumps(k).replace(/^"|"$/g, '')
              : undefined;
        if (key === undefined)
          throw new PyError(
            'TypeError',
            `keys must be str, int, float, bool or None, not ${k instanceof QuotedString ? 'QuotedString' : 'object'}`,
          );
        return `${jsonString(key)}: ${pyJsonDumps(v)}`;
      })
      .join(', ')}}`;
  throw new PyError('TypeError', `Object of type ${value.constructor.name.replace(/^Py/, '')} is not JSON serializable`);
}

/** `json_str(x)`: the JSON text of a value, or a choice of JSON texts (deprecated in Hydra's main branch, still accepted). */
export const castJsonStr: Cast = (value) => {
  if (value instanceof PyChoiceSweep) return castChoice(castChoice(value, extractText), (item) => pyJsonDumps(item));
  if (value instanceof PyIntervalSweep) throw new PyError('ValueError', 'Intervals cannot be cast to json_str');
  return pyJsonDumps(extractText(value));
};
