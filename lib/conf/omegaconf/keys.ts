/**
 * OmegaConf's key syntax: dots and brackets (`a.b[0].c`, `[a].b`, `.sibling`, `..uncle`) split
 * into components, and the full key of a node written back the way OmegaConf prints it.
 * @module
 */

const HEAD = /^\.*[^.[]*/;
const OTHER = /\.([^.[]*)|\[(.*?)\]/g;

/**
 * Splits a key into its components, as OmegaConf's split_key: `a.b[c].d` -> [a, b, c, d];
 * leading dots of a relative key become empty components (`..a` -> ['', '', 'a']).
 */
export function splitKey(key: string): string[] {
  const head = HEAD.exec(key)![0];
  const tokens = head.split('.');
  if (head.length === key.length) return tokens;
  // `[a]` and `..[a]` start with a bracket: the empty component before it is not a key.
  if (key[head.length] === '[' && tokens[tokens.length - 1] === '') tokens.pop();
  for (const match of key.slice(head.length).matchAll(OTHER)) tokens.push(match[1] || match[2] || '');
  return tokens;
}

/** One step of a path: the key, and whether the container it indexes is a list. */
export interface PathStep {
  key: string | number;
  inList: boolean;
}

/** The full key of a path as OmegaConf prints it: `a.b[0].c`, `[1]`, `a[0][1]`. */
export function formatFullKey(steps: readonly PathStep[]): string {
  let out = '';
  for (const { key, inList } of steps) out += inList ? `[${key}]` : out === '' ? String(key) : `.${key}`;
  return out;
}

/** A list index written as text (`3`, `-1`, `1_0`), or undefined when the text is not an integer. */
export function parseIndex(text: string): number | undefined {
  return /^[+-]?\d+(?:_\d+)*$/.test(text) ? Number(text.replace(/_/g, '')) : undefined;
}
