/**
 * Python's str() and repr() of config values. OmegaConf builds string interpolations with str(),
 * so `lr_${x}` with x: true reads `lr_True`, and `X_${b}` with b: [1, 'a'] reads `X_[1, 'a']`;
 * configs written for Hydra produce the same names here.
 * @module
 */
import { isDict, isList, type ConfigValue } from './types.js';

/** Python's repr() of a float or int (`inf`, `nan`, `1e-05`, `0.1`). */
function numberText(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (Number.isInteger(value) || Math.abs(value) >= 1e-4) return String(value);
  // Python switches to exponent notation below 1e-4 and writes at least two exponent digits.
  const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
  const sign = exponent.startsWith('-') ? '-' : '+';
  return `${mantissa}e${sign}${exponent.replace(/^[+-]/, '').padStart(2, '0')}`;
}

/** Python's repr() of a string: single quotes unless the text holds one and no double quote. */
function stringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  return quote + (quote === "'" ? escaped.replace(/'/g, "\\'") : escaped) + quote;
}

/** Python's repr() of a value: `'a'`, `True`, `None`, `[1, 'a']`, `{'k': 1}`. */
export function pyRepr(value: ConfigValue): string {
  if (typeof value === 'string') return stringRepr(value);
  return pyStr(value);
}

/** Python's str() of a value: strings as they are, `True`, `None`, containers as their repr(). */
export function pyStr(value: ConfigValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'string') return value;
  if (isList(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (isDict(value))
    return `{${Object.keys(value)
      .map((key) => `${stringRepr(key)}: ${pyRepr(value[key]!)}`)
      .join(', ')}}`;
  return String(value);
}

/** The Python type name of a value, as OmegaConf's messages print it (`int`, `str`, `NoneType`). */
export function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'str';
  if (Array.isArray(value)) return 'list';
  return typeof value === 'object' ? 'dict' : typeof value;
}
