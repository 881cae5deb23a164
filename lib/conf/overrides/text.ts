/**
 * Parsed values back to override text, as Hydra writes them into overrides.yaml and job lists
 * (Override.get_value_element_as_str, QuotedString.with_quotes, escape_special_characters).
 * @module
 */
import { pyFloatRepr } from './py-format.js';
import { PyDict, QuotedString, type ParsedElement } from './py-values.js';

/** Options for turning a value into text. */
export interface ValueTextOptions {
  /** Put a space after each comma and colon (`[1, 2]`, `{a: 1}`) as Hydra's `space_after_sep` does. */
  spaceAfterSep?: boolean;
}

/** Backslash-escapes the characters an unquoted value cannot hold as they are: `\()[]{}:=,`, space and tab. */
export function escapeSpecialCharacters(text: string): string {
  return text.replace(/[\\()[\]{}:=, \t]/g, (c) => `\\${c}`);
}

/** A quoted string with its quotes, escaped so that it parses back to the same text. */
export function withQuotes(value: QuotedString): string {
  const quote = value.quote;
  if (!value.text.includes('\\')) return `${quote}${value.text.replaceAll(quote, `\\${quote}`)}${quote}`;
  // Backslashes right before a quote (the closing one included) are doubled, so they stay text.
  const runs = new RegExp(`\\\\+${quote}`, 'g');
  let escaped = `${value.text}${quote}`.replace(runs, (run) => '\\'.repeat((run.length - 1) * 2) + quote);
  escaped = escaped.slice(0, -1);
  return `${quote}${escaped.replaceAll(quote, `\\${quote}`)}${quote}`;
}

/** A parsed value as override text: `null`, `True`, `3.0`, `'quoted'`, `a\ b`, `[1,2]`, `{a:1}`. */
export function elementToText(value: ParsedElement, options: ValueTextOptions = {}): string {
  const [comma, colon] = options.spaceAfterSep ? [', ', ': '] : [',', ':'];
  if (value === null) return 'null';
  if (value instanceof QuotedString) return withQuotes(value);
  if (Array.isArray(value)) return `[${value.map((item) => elementToText(item, options)).join(comma)}]`;
  if (value instanceof PyDict)
    return `{${value.entries.map(([k, v]) => `${elementToText(k as ParsedElement)}${colon}${elementToText(v as ParsedElement, options)}`).join(comma)}}`;
  switch (typeof value) {
    case 'string':
      return escapeSpecialCharacters(value);
    case 'boolean':
      return value ? 'True' : 'False'; // Python's str(True)
    case 'bigint':
      return value.toString();
    default:
      return pyFloatRepr(value);
  }
}
