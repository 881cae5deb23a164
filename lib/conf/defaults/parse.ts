/**
 * A config's raw `defaults` list (YAML values) parsed into entries, with Hydra's syntax:
 * `- some/config[@pkg]`, `- [optional] [override] group[@pkg]: option | [a, b] | null | ???`.
 * @module
 */
import { DefaultElement } from './element.js';
import { ConfigCompositionError } from './errors.js';
import { isMapping } from './is-mapping.js';
import { pyRepr, pyTypeName } from './py-format.js';

/** How entries are read. */
export interface ParseOptions {
  /** Hydra's `version_base` below 1.2 (see `ElementFlags.legacyKeywords`). */
  legacyKeywords: boolean;
  /** Receives Hydra's deprecation warnings. */
  warn: (message: string) => void;
}

/** Parses the `defaults` list of the config at `configPath` (named in errors) into fresh entries. */
export function parseDefaultsList(configPath: string, items: readonly unknown[], options: ParseOptions): DefaultElement[] {
  return items.map((item) => parseItem(configPath, item, options));
}

function parseItem(configPath: string, item: unknown, { legacyKeywords, warn }: ParseOptions): DefaultElement {
  const checkName = (pkg: string | null): void => {
    if (pkg?.includes('_name_')) {
      warn(
        `In ${configPath}: Defaults List contains deprecated keyword _name_, ` +
          'see https://hydra.cc/docs/next/upgrades/1.0_to_1.1/changes_to_package_header',
      );
    }
  };
  if (typeof item === 'string') {
    const { name, pkg } = splitPackage(item);
    checkName(pkg);
    return DefaultElement.config(name, { package: pkg, legacyKeywords });
  }
  if (!isMapping(item)) throw new ConfigCompositionError(`Unsupported type in defaults : ${pyTypeName(item)}`);
  const keys = Object.keys(item);
  // Hydra 1.2 dropped the `optional: true` sibling key, so it is "too many keys" like any other.
  if (keys.length > 1) throw new ConfigCompositionError(`In ${configPath}: Too many keys in default item ${pyRepr(item)}`);
  const key = keys[0];
  if (key === undefined) throw new ConfigCompositionError(`In ${configPath}: Missing group name in ${pyRepr(item)}`);
  const { name, pkg } = splitPackage(key);
  const { group, optional, override } = splitKeywords(name);
  if (group === '') throw new ConfigCompositionError(`In ${configPath}: Missing group name in ${pyRepr(item)}`);
  checkName(pkg);
  return DefaultElement.group(group, groupValue(item[key]), { package: pkg, optional, override, legacyKeywords });
}

/** `name@pkg` -> name and pkg; Hydra 1.0's rename form `@pkg:pkg2` keeps only the first package. */
function splitPackage(text: string): { name: string; pkg: string | null } {
  const at = text.indexOf('@');
  if (at === -1) return { name: text, pkg: null };
  const pkg = text.slice(at + 1);
  const colon = pkg.indexOf(':');
  return { name: text.slice(0, at), pkg: colon === -1 ? pkg : pkg.slice(0, colon) };
}

/** `optional override group` -> the flags and the group: the last word is the group, so a group may be named `optional`. */
function splitKeywords(text: string): { group: string; optional: boolean; override: boolean } {
  const words = text.split(' ');
  const group = words.pop() ?? '';
  let optional = false;
  let override = false;
  for (const word of words) {
    if (word === 'optional') optional = true;
    else if (word === 'override') override = true;
    else break;
  }
  return { group, optional, override };
}

function groupValue(value: unknown): string | string[] | null {
  if (value === null || value === undefined || typeof value === 'string') return value ?? null;
  if (!Array.isArray(value)) {
    throw new ConfigCompositionError(`Unsupported item value in defaults : ${pyTypeName(value)}. Supported: string or list`);
  }
  return value.map((option: unknown) => {
    if (typeof option !== 'string') {
      throw new ConfigCompositionError(
        `Unsupported item value in defaults : ${pyTypeName(option, 'python')}, nested list items must be strings`,
      );
    }
    return option;
  });
}
