/**
 * Hydra's Defaults List (Hydra 1.3 semantics) as a pure module: which configs a composition
 * merges, in which order and under which packages, and the group choices it made. `compose` reads
 * the configs it lists and merges them; the overrides it does not consume set config values.
 * @module
 */
export { ConfigCompositionError, MissingConfigError } from './errors.ts';
export { createFileRepository } from './file-repository.ts';
export { isGroupOverride } from './overrides.ts';
export { resolveDefaults } from './resolve.ts';
export type {
  ConfigRepository,
  DefaultsOverride,
  DefaultsResult,
  LoadedConfig,
  OverrideType,
  ResolveOptions,
  ResultDefault,
} from './types.ts';
