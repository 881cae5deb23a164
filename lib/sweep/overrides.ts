/**
 * A trial's params as Hydra command-line overrides (`optimizer.lr=0.01`): nested keys dotted,
 * values in Hydra's grammar so that each parses back to the same value and type; a string stays
 * bare when Hydra would read it as that same string, and is quoted otherwise.
 * @module
 */
import type { Params } from './space.js';
import { isPlainObject } from '../util/validate.js';

/** Options of toOverrides. */
export interface OverrideOptions {
  /** Prepended to every override: '' changes an existing key (default), '+' adds one, '++' adds or changes. */
  prefix?: '' | '+' | '++';
}

// A bare string in Hydra's value grammar: an ID followed by ID characters and the unquoted specials.
const BARE_STRING = /^[A-Za-z_][A-Za-z0-9_\-./:+@%*?|]*$/;
// Words Hydra reads as null, booleans or floats (case-insensitively), not as strings.
const KEYWORDS = new Set(['null', 'true', 'false', 'inf', 'nan']);
const KEY_SEGMENT = /^([A-Za-z_][A-Za-z0-9_-]*|0|[1-9][0-9]*)$/;

/** `text` in single quotes: backslashes before a quote or at the end doubled, quotes escaped, `${` left uninterpolated. */
function quote(text: string): string {
  const escaped = text
    .replace(/(\\*)('|$)/g, (_, slashes: string, q: string) => slashes + slashes + (q ? "\\'" : ''))
    .replaceAll('${', '\\${');
  return `'${escaped}'`;
}

/** `value` in Hydra's override value grammar. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'nan';
    if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
    return String(value);
  }
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return BARE_STRING.test(value) && !KEYWORDS.has(value.toLowerCase()) ? value : quote(value);
  if (Array.isArray(value)) return `[${value.map(formatValue).join(',')}]`;
  if (isPlainObject(value))
    return `{${Object.entries(value)
      .map(([k, v]) => `${checkSegment(k)}:${formatValue(v)}`)
      .join(',')}}`;
  throw new TypeError(`toOverrides: cannot write ${typeof value} values as Hydra overrides`);
}

function checkSegment(key: string): string {
  if (!KEY_SEGMENT.test(key)) throw new TypeError(`toOverrides: '${key}' is not a key Hydra's override grammar accepts`);
  return key;
}

/** The overrides that set `params`, nested objects flattened to dotted keys, in the params' order. */
export function toOverrides(params: Params, options: OverrideOptions = {}): string[] {
  const prefix = options.prefix ?? '';
  const out: string[] = [];
  const walk = (node: Params, keys: string[]): void => {
    for (const [key, value] of Object.entries(node)) {
      // A W&B parameter name may itself hold dots (`optimizer.lr`): each part is a key.
      const path = [...keys, ...key.split('.').map(checkSegment)];
      if (isPlainObject(value) && Object.keys(value).length > 0) walk(value, path);
      else out.push(`${prefix}${path.join('.')}=${formatValue(value)}`);
    }
  };
  walk(params, []);
  return out;
}
