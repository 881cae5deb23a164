/**
 * Hydra's Defaults List (Hydra 1.3 semantics) as a pure module: which configs a composition
 * merges, in which order and under which packages, and the group choices it made. `compose` reads
 * the configs it lists and merges them; the overrides it does not consume set config values.
 * @module
 */
export { ConfigCompositionError, MissingConfigError } from './errors.js';
export { createFileRepository } from './file-repository.js';
export { isGroupOverride } from './overrides.js';
export { resolveDefaults } from './resolve.js';
export type {
  ConfigRepository,
  DefaultsOverride,
  DefaultsResult,
  LoadedConfig,
  OverrideType,
  ResolveOptions,
  ResultDefault,
} from './types.js';
