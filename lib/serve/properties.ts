/**
 * Java's `.properties` format, which TorchServe's config.properties uses: `key=value`, `key: value`
 * or `key value`; `#` and `!` comment lines; a line ending in an odd number of backslashes continues
 * on the next; `\t \n \r \f \uXXXX` escapes, any other escaped character stands for itself.
 * @module
 */

/** The key/value pairs of a properties text, in file order (a later key overrides an earlier one). */
export function parseProperties(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of logicalLines(text)) {
    const { key, rest } = splitKey(line);
    entries.set(unescape(key), unescape(rest));
  }
  return entries;
}

function* logicalLines(text: string): Generator<string> {
  let pending: string | null = null;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.replace(/^[ \t\f]+/, ''); // a continuation's leading blanks go too
    if (pending === null && (line === '' || line.startsWith('#') || line.startsWith('!'))) continue;
    const trailing = /\\*$/.exec(line)![0].length;
    if (trailing % 2 === 1) {
      pending = (pending ?? '') + line.slice(0, -1);
      continue;
    }
    yield (pending ?? '') + line;
    pending = null;
  }
  if (pending !== null) yield pending;
}

function splitKey(line: string): { key: string; rest: string } {
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === '\\') i += 2;
    else if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
    else i++;
  }
  const key = line.slice(0, Math.min(i, line.length));
  let rest = line.slice(key.length).replace(/^[ \t\f]+/, '');
  if (rest.startsWith('=') || rest.startsWith(':')) rest = rest.slice(1).replace(/^[ \t\f]+/, '');
  return { key, rest };
}

const ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, code: string) =>
    code.length === 5 ? String.fromCharCode(parseInt(code.slice(1), 16)) : (ESCAPES[code] ?? code),
  );
}
