/**
 * Reading, writing and copying nodes of the plain-data tree. Writes go through setChild so that a
 * key such as `__proto__` coming from a YAML file becomes an own property, never a prototype.
 * @module
 */
import { isDict, isList, type ConfigDict, type ConfigValue } from './types.js';

/** True when `dict` has `key` as its own property. */
export function hasOwn(dict: ConfigDict, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(dict, key);
}

/** The value under an own key, or undefined. */
export function getOwn(dict: ConfigDict, key: string): ConfigValue | undefined {
  return hasOwn(dict, key) ? dict[key] : undefined;
}

/** Sets an own property, safe for any key string. */
export function setOwn(dict: ConfigDict, key: string, value: ConfigValue): void {
  Object.defineProperty(dict, key, { value, writable: true, enumerable: true, configurable: true });
}

/** A deep copy of a node (aliases from YAML anchors become separate copies). */
export function cloneValue<T extends ConfigValue>(value: T): T {
  if (isList(value)) return value.map((item) => cloneValue(item)) as T;
  if (isDict(value)) {
    const out: ConfigDict = {};
    for (const key of Object.keys(value)) setOwn(out, key, cloneValue(value[key]!));
    return out as T;
  }
  return value;
}

/** Structural equality of two nodes (NaN equals NaN), as OmegaConf compares list items. */
export function deepEqual(a: ConfigValue, b: ConfigValue): boolean {
  if (isList(a)) return isList(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]!));
  if (isDict(a)) {
    if (!isDict(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => hasOwn(b, key) && deepEqual(a[key]!, b[key]!));
  }
  return Object.is(a, b) || a === b;
}
