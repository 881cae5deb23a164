/**
 * OmegaConf.update: sets the node at a dotted key in place, creating the dicts on the way (a
 * scalar on the way is replaced by one). A dict or list value merges onto an existing dict or
 * list unless `merge: false`. In struct mode (Hydra's composed configs) a key that does not exist
 * yet is an error unless `forceAdd` is set: that is what tells Hydra's `key=v` from `++key=v`.
 * @module
 */
import { ConfigIndexError, ConfigKeyError, ConfigTypeError, ConfigValueError } from './errors.js';
import { parseIndex, splitKey } from './keys.js';
import { childAt, fullKey, rootLoc, type Loc } from './location.js';
import { mergeValue } from './merge.js';
import { cloneValue, hasOwn, setOwn } from './tree.js';
import { isContainer, isList, type Config, type ConfigValue } from './types.js';

/** Options of update. */
export interface UpdateOptions {
  /** Merge a dict/list value onto an existing dict/list (default true); false replaces it. */
  merge?: boolean;
  /** Refuse to create keys that do not exist, as a struct-mode OmegaConf config does (default false). */
  struct?: boolean;
  /** Create missing keys even in struct mode (Hydra's `++key=value`). */
  forceAdd?: boolean;
}

/** The index or key of `part` in container `loc`, checked (a list index may count from the end). */
function slot(loc: Loc, part: string, options: UpdateOptions): string | number {
  const container = loc.value as Config;
  if (isList(container)) {
    const index = parseIndex(part);
    if (index === undefined) throw new ConfigTypeError(`Index '${part}' (str) is not an int`, fullKey(loc));
    const resolved = index < 0 ? container.length + index : index;
    if (resolved < 0 || resolved >= container.length) throw new ConfigIndexError('list assignment index out of range', fullKey(loc));
    return resolved;
  }
  if (options.struct && !options.forceAdd && !hasOwn(container, part)) {
    const where = fullKey(loc);
    throw new ConfigKeyError(`Key '${part}' is not in struct`, where === '' ? part : `${where}.${part}`);
  }
  return part;
}

function assign(loc: Loc, key: string | number, value: ConfigValue): void {
  const container = loc.value as Config;
  if (isList(container)) container[key as number] = value;
  else setOwn(container, key as string, value);
}

/** Sets `key` of `cfg` to `value` in place (the value is copied) and returns `cfg`. */
export function update<T extends Config>(cfg: T, key: string, value: ConfigValue, options: UpdateOptions = {}): T {
  if (!isContainer(cfg)) throw new ConfigValueError('update needs a config (a mapping or a sequence)');
  const parts = splitKey(key);
  if (parts.some((part, i) => part === '' && i < parts.length - 1) || key.startsWith('.')) {
    throw new ConfigKeyError(`Invalid key '${key}' for update`);
  }
  let loc = rootLoc(cfg);
  for (const part of parts.slice(0, -1)) {
    const at = slot(loc, part, options);
    if (!isContainer(childAt(loc, at).value)) assign(loc, at, {});
    loc = childAt(loc, at);
  }
  const last = slot(loc, parts[parts.length - 1]!, options);
  const existing = isList(loc.value) || hasOwn(loc.value as Record<string, ConfigValue>, last as string) ? childAt(loc, last) : undefined;
  const merging = (options.merge ?? true) && existing !== undefined && isContainer(existing.value) && isContainer(value);
  assign(loc, last, merging ? mergeValue(existing, value) : cloneValue(value));
  return cfg;
}
