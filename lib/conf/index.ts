/**
 * torch.conf: Hydra-style configuration. `parseOverride` and `sweepJobs` (Hydra's override grammar
 * and basic sweeper), `compose` (defaults lists, packages, overrides, OmegaConf interpolation), the
 * OmegaConf-compatible core (`loadYaml`, `merge`, `select`, `update`, `toContainer`,
 * `registerResolver`) and the experiment schema `nodetorch train` validates with.
 * @module
 */
export * from './overrides/index.js';
export { compose, composeFrom, ComposeError, type ComposeOptions, type ComposeResult } from './compose.js';
export { defaultHydraConfig, overrideDirname } from './hydra-config.js';
export { createFileRepository, resolveDefaults, ConfigCompositionError, MissingConfigError } from './defaults/index.js';
export type { ConfigRepository, DefaultsResult, ResultDefault } from './defaults/index.js';
export * as omegaconf from './omegaconf/index.js';
export { experimentSchema, validateExperiment, ConfigValidationError, type ExperimentConfig } from './schema.js';
