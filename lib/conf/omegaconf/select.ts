/**
 * Reading a config by key, OmegaConf's way: `select(cfg, 'model.layers[0].width')` resolves what
 * it finds (a subtree comes back as plain data with its interpolations resolved), gives null or
 * the default for an absent or `???` key, and throws when an interpolation cannot be resolved.
 * @module
 */
import { rootLoc } from './location.js';
import { Resolution } from './resolve.js';
import { MISSING, type Config, type ConfigValue } from './types.js';

/** Options of select, as OmegaConf.select's. */
export interface SelectOptions {
  /** Returned when the key is absent or `???` (default: null). */
  default?: ConfigValue;
  /** Throw MissingMandatoryValue for a `???` (the key's own or one inside the subtree). Default false. */
  throwOnMissing?: boolean;
  /** Throw when an interpolation cannot be resolved (default true); false returns null instead. */
  throwOnResolutionFailure?: boolean;
}

/** The resolved value at `key` (dots and brackets; '' is the whole config). */
export function select(cfg: Config, key: string, options: SelectOptions = {}): ConfigValue {
  return new Resolution().selectValue(rootLoc(cfg), key, {
    absolute: false,
    hasDefault: 'default' in options,
    default: options.default ?? null,
    throwOnMissing: options.throwOnMissing ?? false,
    throwOnResolutionFailure: options.throwOnResolutionFailure ?? true,
  });
}

/** True when `key` names a node of the config (a `???` or an unresolved interpolation counts). */
export function hasKey(cfg: Config, key: string): boolean {
  return new Resolution().locate(rootLoc(cfg), key) !== undefined;
}

/** True when the node at `key` is exactly `???` (OmegaConf.is_missing: an interpolation to one is not). */
export function isMissingKey(cfg: Config, key: string): boolean {
  return new Resolution().locate(rootLoc(cfg), key)?.value === MISSING;
}
