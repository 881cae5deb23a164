/**
 * The `# @package <pkg>` header of a YAML config, read as Hydra reads it: from the leading
 * `# @key value` lines, skipping blank lines, stopping at the first other line (a plain comment too).
 * @module
 */
import { ConfigCompositionError } from './errors.js';

const HEADER_LINE = /^\s*#\s*@/;

/** The `@key value` pairs of a config's header (`{ package: '_global_' }`); {} without a header. */
export function parseHeader(text: string): Record<string, string> {
  const header: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (!HEADER_LINE.test(line)) break;
    const content = line.replace(/^#+/, '').trim();
    const parts = content.split(' ').filter((part) => part !== '');
    if (parts.length < 2) throw new ConfigCompositionError(`Expected header format: KEY VALUE, got '${content}'`);
    if (parts.length > 2) throw new ConfigCompositionError(`Too many components in '${content}'`);
    const [key, value] = parts as [string, string];
    if (key.startsWith('@')) header[key.slice(1)] = value;
  }
  return header;
}
