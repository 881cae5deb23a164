/**
 * Python's printed forms of values, which Hydra's messages and sweep values are made of: `repr` of
 * floats (`1e-05`, `10.0`, `inf`) and strings (`'a'`, `"it's"`), and of the containers around them.
 * @module
 */
import { PyDict, QuotedString, pyTypeName, type PyValue } from './py-values.js';

/** Python's `repr(x)` of a float: shortest round-trip digits, `.0` on whole numbers, exponent outside 1e-4..1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = x.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  const sign = x < 0 ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
    const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
    return `${sign}${whole}.${digits.slice(exponent + 1) || '0'}`;
  }
  const head = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${head}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

/** Python's `repr(s)` of a string: single quotes unless the text holds one and no double quote. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const c of s) {
    const code = c.codePointAt(0)!;
    if (c === quote || c === '\\') out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += c;
  }
  return out + quote;
}

/** Python's `repr` of a value, for messages that print one (`Invalid arguments: (1, [2])`). */
export function pyRepr(value: PyValue): string {
  if (value === null) return 'None';
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  switch (typeof value) {
    case 'string':
      return pyStrRepr(value);
    case 'bigint':
      return value.toString();
    case 'number':
      return pyFloatRepr(value);
    case 'boolean':
      return value ? 'True' : 'False';
  }
  if (value instanceof PyDict) return `{${value.entries.map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
  if (value instanceof QuotedString)
    return `QuotedString(text=${pyStrRepr(value.text)}, quote=<Quote.${value.quote === "'" ? 'single: 0' : 'double: 1'}>)`;
  return pyTypeName(value);
}

/** Python's `repr` of a tuple of arguments: `(1,)`, `(1, 2)`. */
export function pyTupleRepr(values: readonly PyValue[]): string {
  return values.length === 1 ? `(${pyRepr(values[0]!)},)` : `(${values.map(pyRepr).join(', ')})`;
}
