/**
 * The shape of a W&B sweep configuration after parseSweepConfig: the keys of the file, W&B's
 * defaults filled in, each parameter's distribution inferred and named.
 * @module
 */

/** W&B's search methods. */
export type SweepMethod = 'grid' | 'random' | 'bayes';

/** Every distribution name a parameter can have. */
export type DistributionName = Distribution['distribution'];

/** A parameter with one value in every run. */
export interface ConstantDistribution {
  distribution: 'constant';
  value: unknown;
}

/** One of `values`, uniformly or with `probabilities` (which sum to 1). */
export interface CategoricalDistribution {
  distribution: 'categorical';
  values: unknown[];
  probabilities?: number[];
}

/** A distribution over [min, max] (log_uniform and inv_log_uniform: exponents of e). */
export interface BoundedDistribution {
  distribution: 'int_uniform' | 'uniform' | 'log_uniform' | 'log_uniform_values' | 'inv_log_uniform' | 'inv_log_uniform_values';
  min: number;
  max: number;
}

/** A bounded distribution whose draws are rounded to multiples of q. */
export interface QuantizedBoundedDistribution {
  distribution: 'q_uniform' | 'q_log_uniform' | 'q_log_uniform_values';
  min: number;
  max: number;
  q: number;
}

/** A normal (or log-normal: the natural log is normal) distribution. */
export interface NormalDistribution {
  distribution: 'normal' | 'log_normal';
  mu: number;
  sigma: number;
}

/** A normal or log-normal distribution whose draws are rounded to multiples of q. */
export interface QuantizedNormalDistribution {
  distribution: 'q_normal' | 'q_log_normal';
  mu: number;
  sigma: number;
  q: number;
}

/** Beta(a, b) on [0, 1]. */
export interface BetaDistribution {
  distribution: 'beta';
  a: number;
  b: number;
}

/** Beta(a, b) rounded to multiples of q. */
export interface QuantizedBetaDistribution {
  distribution: 'q_beta';
  a: number;
  b: number;
  q: number;
}

/** A parameter's distribution, with every field W&B defaults filled in. */
export type Distribution =
  | ConstantDistribution
  | CategoricalDistribution
  | BoundedDistribution
  | QuantizedBoundedDistribution
  | NormalDistribution
  | QuantizedNormalDistribution
  | BetaDistribution
  | QuantizedBetaDistribution;

/** A group of parameters that nests in the run's config (`optimizer: { parameters: { lr: ... } }`). */
export interface NestedParameters {
  parameters: Record<string, Parameter>;
}

/** One entry of `parameters`. */
export type Parameter = Distribution | NestedParameters;

/** The metric the search optimizes and the stoppers compare. */
export interface SweepMetric {
  name: string;
  goal: 'minimize' | 'maximize';
  /** The sweep starts no new runs once a finished run reaches it. */
  target?: number;
}

/** W&B's hyperband early termination; brackets come from max_iter and s, or from min_iter. */
export interface HyperbandConfig {
  type: 'hyperband';
  min_iter?: number;
  max_iter?: number;
  /** How many brackets below max_iter (required with max_iter). */
  s?: number;
  /** Bracket multiplier and 1/survivor fraction (default 3). */
  eta: number;
  /** Compare the metric at the bracket instead of the run's best so far (default true, as W&B's engine fills it). */
  strict: boolean;
}

/** The median stopping rule (an extension: W&B has only hyperband), as Optuna's MedianPruner applies it. */
export interface MedianStoppingConfig {
  type: 'median';
  /** Iterations a run logs before the rule applies to it (default 1). */
  min_iter: number;
  /** Finished runs needed before any run is stopped (default 5). */
  min_runs: number;
}

/** The `early_terminate` section. */
export type EarlyTerminateConfig = HyperbandConfig | MedianStoppingConfig;

/** A validated sweep configuration. */
export interface SweepConfig {
  method: SweepMethod;
  parameters: Record<string, Parameter>;
  metric?: SweepMetric;
  early_terminate?: EarlyTerminateConfig;
  run_cap?: number;
  name?: string;
  description?: string;
  program?: string;
  command?: unknown[];
  entity?: string;
  project?: string;
}
