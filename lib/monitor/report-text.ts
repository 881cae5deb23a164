/**
 * Text helpers of the drift report's HTML and SVG: numbers to four significant digits, and
 * escaping for element text and attribute values.
 * @module
 */

/** A number as the report shows it: four significant digits, exponent form below 1e-3. */
export function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && Math.abs(value) < 1e-3) return value.toExponential(3);
  return Number(value.toPrecision(4)).toString();
}

/** `text` safe inside HTML or SVG, in element text and in quoted attributes. */
export function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
