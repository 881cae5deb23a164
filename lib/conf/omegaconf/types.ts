/**
 * The config tree: plain JSON-like data (objects, arrays, strings, numbers, booleans, null), as
 * OmegaConf's DictConfig/ListConfig hold it. Two kinds of strings are special and stay as they are
 * until something resolves them: `???` (a mandatory value nobody has set yet) and any string
 * containing `${` (an interpolation, resolved lazily at select/toContainer time).
 * @module
 */

/** A leaf of the config tree. */
export type ConfigScalar = string | number | boolean | null;

/** A mapping node (OmegaConf's DictConfig). Keys are strings, as in YAML files. */
export interface ConfigDict {
  [key: string]: ConfigValue;
}

/** A sequence node (OmegaConf's ListConfig). */
export type ConfigList = ConfigValue[];

/** Any node of the config tree. */
export type ConfigValue = ConfigScalar | ConfigList | ConfigDict;

/** A whole config: its root is always a mapping or a sequence. */
export type Config = ConfigDict | ConfigList;

/** OmegaConf's MISSING marker: the value of a mandatory key that has not been set. */
export const MISSING = '???';

/** True for a mapping node. */
export function isDict(value: unknown): value is ConfigDict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for a sequence node. */
export function isList(value: unknown): value is ConfigList {
  return Array.isArray(value);
}

/** True for a mapping or a sequence. */
export function isContainer(value: unknown): value is Config {
  return typeof value === 'object' && value !== null;
}

/** True for the `???` marker (exactly; an interpolation that resolves to `???` is not missing). */
export function isMissing(value: unknown): boolean {
  return value === MISSING;
}

/**
 * True for a string OmegaConf treats as an interpolation: any string containing `${`, escaped
 * (`\${`) or not. Escaped ones are still parsed, so that resolving removes the escape.
 */
export function isInterpolation(value: unknown): value is string {
  return typeof value === 'string' && value.includes('${');
}
