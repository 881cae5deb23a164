/**
 * torch.conf: Hydra-style configuration. `parseOverride` and `sweepJobs` (Hydra's override grammar
 * and basic sweeper), `compose` (defaults lists, packages, overrides, OmegaConf interpolation), the
 * OmegaConf-compatible core (`loadYaml`, `merge`, `select`, `update`, `toContainer`,
 * `registerResolver`), and the error `nodetorch train` reports for a config that fails validation.
 * @module
 */
export * from './overrides/index.js';
export { compose, composeFrom, ComposeError, type ComposeOptions, type ComposeResult } from './compose.js';
export { defaultHydraConfig, overrideDirname } from './hydra-config.js';
export { createFileRepository, resolveDefaults, ConfigCompositionError, MissingConfigError } from './defaults/index.js';
export type {
  ConfigRepository,
  DefaultsOverride,
  OverrideType as DefaultsOverrideType,
  DefaultsResult,
  LoadedConfig,
  ResolveOptions,
  ResultDefault,
} from './defaults/index.js';
export * as omegaconf from './omegaconf/index.js';
export { ConfigValidationError } from './validation-error.js';
