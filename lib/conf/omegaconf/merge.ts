/**
 * OmegaConf.merge on plain data: dicts merge key by key, everything else replaces (lists, scalars,
 * null, an interpolation), a dict replaces a scalar, and a `???` in a later config never
 * overwrites what an earlier one set. A destination that is an interpolation to a dict becomes a
 * copy of that dict before merging into it, as in OmegaConf. The inputs are not modified.
 * @module
 */
import { ConfigTypeError, ConfigValueError } from './errors.js';
import { childAt, fullKey, rootLoc, type Loc } from './location.js';
import { Resolution } from './resolve.js';
import { cloneValue, deepEqual, getOwn, setOwn } from './tree.js';
import {
  isContainer,
  isDict,
  isInterpolation,
  isList,
  MISSING,
  type Config,
  type ConfigDict,
  type ConfigList,
  type ConfigValue,
} from './types.js';

/** How two lists at the same key combine (OmegaConf's ListMergeMode). */
export type ListMergeMode = 'replace' | 'extend' | 'extendUnique';

/** Options of mergeConfigs. */
export interface MergeOptions {
  /** `replace` (default): the later list wins; `extend`: concatenated; `extendUnique`: items not already there are appended. */
  listMergeMode?: ListMergeMode;
}

// OmegaConf's wording, whichever side is the dict.
const KIND_MISMATCH = 'Cannot merge DictConfig with ListConfig';

function mergeLists(dest: ConfigList, src: ConfigList, mode: ListMergeMode): ConfigList {
  if (mode === 'replace') return cloneValue(src);
  const out = [...dest];
  for (const item of src) if (mode === 'extend' || !out.some((existing) => deepEqual(existing, item))) out.push(cloneValue(item));
  return out;
}

/** What an interpolation in the destination points at, or undefined when it cannot be resolved now. */
function tryDeref(loc: Loc): Loc | undefined {
  try {
    return new Resolution().deref(loc);
  } catch {
    return undefined;
  }
}

/** Merges `src` into the dict at `destLoc`, in place. */
export function mergeInto(destLoc: Loc, src: ConfigDict, mode: ListMergeMode): void {
  const dest = destLoc.value as ConfigDict;
  for (const key of Object.keys(src)) {
    const srcValue = src[key]!;
    let destValue = getOwn(dest, key);
    if (destValue === undefined) {
      setOwn(dest, key, cloneValue(srcValue));
      continue;
    }
    const srcMissing = srcValue === MISSING;
    if (isInterpolation(destValue)) {
      const target = tryDeref(childAt(destLoc, key));
      if (target && isContainer(target.value)) {
        destValue = cloneValue(target.value);
        setOwn(dest, key, destValue);
      }
    }
    if (isDict(destValue)) {
      if (isDict(srcValue)) mergeInto(childAt(destLoc, key), srcValue, mode);
      else if (isList(srcValue)) throw new ConfigTypeError(KIND_MISMATCH, fullKey(childAt(destLoc, key)));
      else if (!srcMissing) setOwn(dest, key, srcValue);
    } else if (isList(destValue)) {
      if (isList(srcValue)) setOwn(dest, key, mergeLists(destValue, srcValue, mode));
      else if (isDict(srcValue)) throw new ConfigTypeError(KIND_MISMATCH, fullKey(childAt(destLoc, key)));
      else if (!srcMissing) setOwn(dest, key, srcValue);
    } else if (!srcMissing) {
      setOwn(dest, key, cloneValue(srcValue));
    }
  }
}

/** Merges configs left to right into a new config. */
export function mergeConfigs(configs: readonly Config[], options: MergeOptions = {}): Config {
  const mode = options.listMergeMode ?? 'replace';
  const [first, ...rest] = configs;
  if (!isContainer(first)) throw new ConfigValueError('Cannot merge with a None config');
  let target: Config = cloneValue(first);
  for (const other of rest) {
    if (!isContainer(other)) throw new ConfigValueError('Cannot merge with a None config');
    if (isDict(target) && isDict(other)) mergeInto(rootLoc(target), other, mode);
    else if (isList(target) && isList(other)) target = mergeLists(target, other, mode);
    else throw new ConfigTypeError(KIND_MISMATCH);
  }
  return target;
}

/** OmegaConf.merge(base, ...others): a new config, the later configs winning. */
export function merge(base: ConfigDict, ...others: ConfigDict[]): ConfigDict;
export function merge(base: Config, ...others: Config[]): Config;
export function merge(base: Config, ...others: Config[]): Config {
  return mergeConfigs([base, ...others]);
}

/** Exported for update(): a value merged onto an existing node. */
export function mergeValue(destLoc: Loc, value: ConfigValue, mode: ListMergeMode = 'replace'): ConfigValue {
  const dest = destLoc.value;
  if (isDict(dest) && isDict(value)) {
    mergeInto(destLoc, value, mode);
    return dest;
  }
  if (isList(dest) && isList(value)) return mergeLists(dest, value, mode);
  if (isContainer(dest) && isContainer(value)) throw new ConfigTypeError(KIND_MISMATCH, fullKey(destLoc));
  return cloneValue(value);
}
