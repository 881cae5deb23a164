/**
 * torch.sweep's search side: W&B sweep configurations, grid / random / TPE ("bayes") search,
 * Hydra overrides for a trial, and hyperband / median early termination.
 * @module
 */
export { parseSweepConfig, METHODS } from './parse.js';
export { DISTRIBUTIONS } from './parameters.js';
export { SweepConfigError } from './errors.js';
export { createSearch, type Search, type SearchOptions } from './search.js';
export { TPE_DEFAULTS, type TpeOptions } from './tpe.js';
export { gridSize } from './grid.js';
export { leavesOf, type Leaf, type Params } from './space.js';
export { toOverrides, formatValue, type OverrideOptions } from './overrides.js';
export { createStopper, type Stopper, type RunMetrics } from './stopper.js';
export { hyperbandBands, EARLY_TERMINATE_TYPES } from './early-terminate.js';
export { hyperbandThresholds } from './hyperband.js';
export { trialRng, mulberry32, type Rng } from './rng.js';
export { sampleValue } from './distributions.js';
export type { HistoryEntry, Trial, TrialState } from './history.js';
export type * from './types.js';
