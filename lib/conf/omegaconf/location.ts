/**
 * Where a node sits: its value, its key and the place of the container holding it. Relative
 * interpolations (`${..x}`) walk these parent links, error messages print their full key, and a
 * value a resolver made gets a place too: the place of the interpolation that produced it.
 * @module
 */
import { ConfigTypeError } from './errors.js';
import { formatFullKey, parseIndex, type PathStep } from './keys.js';
import { getOwn } from './tree.js';
import { isDict, isList, type ConfigValue } from './types.js';

/** A node and its place in the tree. */
export interface Loc {
  readonly value: ConfigValue;
  readonly key: string | number | null;
  readonly parent: Loc | null;
}

/** The place of a config root. */
export function rootLoc(value: ConfigValue): Loc {
  return { value, key: null, parent: null };
}

/** The root above a place. */
export function rootOf(loc: Loc): Loc {
  let cur = loc;
  while (cur.parent) cur = cur.parent;
  return cur;
}

/** A value standing at the place of `loc` (what an interpolation at `loc` evaluated to). */
export function atPlaceOf(loc: Loc, value: ConfigValue): Loc {
  return { value, key: loc.key, parent: loc.parent };
}

/** The child of a container at a known key or index. */
export function childAt(loc: Loc, key: string | number): Loc {
  const container = loc.value;
  const value = isList(container) ? container[key as number]! : (container as Record<string, ConfigValue>)[key as string]!;
  return { value, key, parent: loc };
}

/**
 * The child named by a key component, or undefined when there is none (absent key, index out of
 * range, or `loc` is not a container). A list indexed by a word is a ConfigTypeError.
 */
export function childLoc(loc: Loc, key: string): Loc | undefined {
  const container = loc.value;
  if (isList(container)) {
    const index = parseIndex(key);
    if (index === undefined) throw new ConfigTypeError(`Index '${key}' (str) is not an int`, fullKey(loc));
    return index >= 0 && index < container.length ? { value: container[index]!, key: index, parent: loc } : undefined;
  }
  if (isDict(container)) {
    const value = getOwn(container, key);
    return value === undefined ? undefined : { value, key, parent: loc };
  }
  return undefined;
}

/** The full key of a place, as OmegaConf prints it (`a.b[0].c`; '' for the root). */
export function fullKey(loc: Loc): string {
  const steps: PathStep[] = [];
  for (let cur: Loc | null = loc; cur?.parent; cur = cur.parent) steps.push({ key: cur.key!, inList: isList(cur.parent.value) });
  return formatFullKey(steps.reverse());
}

/** True when `value` is the container of `loc` or one of its ancestors. */
export function isAncestor(value: ConfigValue, loc: Loc): boolean {
  for (let cur = loc.parent; cur; cur = cur.parent) if (cur.value === value) return true;
  return false;
}
