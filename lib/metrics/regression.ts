/**
 * MeanSquaredError, MeanAbsoluteError and R2Score, as torchmetrics': sums over the batches
 * (accumulated in float64), divided out by compute(). Results are float32, or float64 when some
 * batch's preds were float64.
 * @module
 */
import { aten } from '../ops/surface.js';
import { full } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Device } from '../tensor/types.js';
import { check, isNonNegativeInteger } from '../util/validate.js';
import { checkSameShape } from './inputs.js';
import { Metric } from './metric.js';
import { checkKeys, oneOf } from './options.js';

/** Options of MeanSquaredError (and meanSquaredError). */
export interface MeanSquaredErrorOptions {
  /** false gives the root mean squared error (default true). */
  squared?: boolean;
}

/** How R2Score combines the scores of several outputs (preds [N, D]): their mean, each one, or their mean weighted by the target's variance. */
export type R2Multioutput = 'uniform_average' | 'raw_values' | 'variance_weighted';

/** Options of R2Score (and r2Score). */
export interface R2ScoreOptions {
  /** For preds [N, D]: how the D scores combine (default 'uniform_average'). */
  multioutput?: R2Multioutput;
  /** Number of regressors k for the adjusted score 1 - (1 - r2)(n - 1)/(n - k - 1) (default 0: plain r2). */
  adjusted?: number;
}

/** The checked options of R2Score. */
export interface R2ScoreConfig {
  readonly multioutput: R2Multioutput;
  readonly adjusted: number;
}

/** Sums of one batch, or of several (each a float64 tensor, `count` and `float64Inputs` int64). */
export type Sums = Record<string, Tensor>;

/** Whether the result should be float64 (preds were float64). */
const isFloat64 = (preds: Tensor): number => (preds.dtype === 'float64' ? 1 : 0);

function count(n: number, like: Tensor): Tensor {
  return full([], n, { dtype: 'int64', device: like.device as Device });
}

/** preds and target of one shape, as float64. */
function pair(where: string, preds: Tensor, target: Tensor): [Tensor, Tensor] {
  checkSameShape(where, preds, target);
  return [preds.double(), target.double()];
}

/** Sum of squared errors and count of one batch (any shape). */
export function squaredErrorSums(where: string, preds: Tensor, target: Tensor): Sums {
  const [p, t] = pair(where, preds, target);
  return { sumError: p.sub(t).square().sum(), count: count(p.numel(), p), float64Inputs: count(isFloat64(preds), p) };
}

/** Sum of absolute errors and count of one batch (any shape). */
export function absoluteErrorSums(where: string, preds: Tensor, target: Tensor): Sums {
  const [p, t] = pair(where, preds, target);
  return { sumError: p.sub(t).abs().sum(), count: count(p.numel(), p), float64Inputs: count(isFloat64(preds), p) };
}

/** The result dtype of accumulated sums. */
const dtypeOf = (sums: Sums): 'float32' | 'float64' => (sums.float64Inputs!.item() > 0 ? 'float64' : 'float32');

/** The mean error of accumulated sums; the square root of it with `root` (RMSE). */
export function meanErrorCompute(sums: Sums, root = false): Tensor {
  const mean = sums.sumError!.div(sums.count!);
  return (root ? mean.sqrt() : mean).to(dtypeOf(sums));
}

/** Per-output sums of one batch for R2Score: preds [N] (one output) or [N, D]. */
export function r2Sums(where: string, preds: Tensor, target: Tensor): Sums {
  const [p, t] = pair(where, preds, target);
  if (p.dim() < 1 || p.dim() > 2) throw new RangeError(`${where}: preds must be of shape [N] or [N, outputs], got [${preds.shape}]`);
  return {
    sumSquaredObs: t.square().sum(0),
    sumObs: t.sum(0),
    rss: t.sub(p).square().sum(0),
    count: count(p.size(0), p),
    float64Inputs: count(isFloat64(preds), p),
  };
}

/** Checks the options of MeanSquaredError: whether the result is squared (the MSE) or not (the RMSE). */
export function meanSquaredErrorConfig(where: string, options: MeanSquaredErrorOptions | undefined): { squared: boolean } {
  const given = checkKeys(where, options ?? {}, ['squared'], '{ squared? }');
  return { squared: check(where, 'squared', given.squared ?? true, 'a boolean', (v): v is boolean => typeof v === 'boolean') };
}

/** Checks the options of R2Score. */
export function r2ScoreConfig(where: string, options: R2ScoreOptions | undefined): R2ScoreConfig {
  const given = checkKeys(where, options ?? {}, ['multioutput', 'adjusted'], '{ multioutput?, adjusted? }');
  const multioutput = oneOf(
    where,
    'multioutput',
    given.multioutput,
    ['uniform_average', 'raw_values', 'variance_weighted'],
    'uniform_average',
  );
  const adjusted = check(where, 'adjusted', given.adjusted ?? 0, 'a non-negative integer', isNonNegativeInteger);
  return { multioutput, adjusted };
}

/**
 * R2 of accumulated sums, 1 - rss / tss per output, combined as `multioutput` says. A constant
 * target (tss within rounding error of 0) scores 1 when the predictions are exact, else 0, as
 * sklearn. `adjusted` k applies when k < n - 1 (otherwise the plain score, as torchmetrics).
 */
export function r2Compute(where: string, sums: Sums, config: R2ScoreConfig): Tensor {
  const n = sums.count!.item();
  if (n < 2) throw new RangeError(`${where}: R2 needs at least two samples, got ${n}`);
  const { sumSquaredObs, sumObs, rss } = sums as Required<Pick<Sums, 'sumSquaredObs' | 'sumObs' | 'rss'>>;
  const tss = sumSquaredObs.sub(sumObs.square().div(n));
  const constant = tss.abs().le(sumSquaredObs.mul(n * Number.EPSILON));
  const exact = aten.where.Scalar(rss.eq(0), 1, 0).double();
  const raw = aten.where.self(constant, exact, rss.div(tss).neg().add(1));
  let score = raw;
  if (config.multioutput === 'uniform_average') score = raw.mean();
  else if (config.multioutput === 'variance_weighted') {
    const weights = aten.where.ScalarSelf(constant, 0, tss);
    score = constant.all().item() ? raw.mean() : weights.mul(raw).sum().div(weights.sum());
  }
  const k = config.adjusted;
  if (k > 0 && k < n - 1)
    score = score
      .neg()
      .add(1)
      .mul((n - 1) / (n - k - 1))
      .neg()
      .add(1);
  return score.to(dtypeOf(sums));
}

/** A regression metric: named float64 sums over the batches. */
export abstract class SumsMetric extends Metric {
  readonly #names: readonly string[];

  /** A metric summing the states `names` over the batches. */
  constructor(names: readonly string[]) {
    super();
    this.#names = names;
    for (const name of names) this.addState(name, 'sum');
  }

  /** The sums of one batch. */
  protected abstract sumsOf(preds: Tensor, target: Tensor): Sums;

  protected override updateState(preds: Tensor, target: Tensor): void {
    for (const [name, value] of Object.entries(this.sumsOf(preds, target))) this.accumulate(name, value);
  }

  /** The accumulated sums. */
  protected sums(): Sums {
    return Object.fromEntries(this.#names.map((name) => [name, this.stateValue(name)!]));
  }
}

/** Mean squared error, as torchmetrics' `MeanSquaredError`; `squared: false` gives the root mean squared error. */
export class MeanSquaredError extends SumsMetric {
  /** Whether the result is the MSE (true) or its square root. */
  readonly squared: boolean;

  /** A metric; `{ squared: false }` for RMSE. */
  constructor(options: MeanSquaredErrorOptions = {}) {
    super(['sumError', 'count', 'float64Inputs']);
    this.squared = meanSquaredErrorConfig(this.constructor.name, options).squared;
  }

  protected override sumsOf(preds: Tensor, target: Tensor): Sums {
    return squaredErrorSums(this.where('update'), preds, target);
  }

  protected override computeState(): Tensor {
    return meanErrorCompute(this.sums(), !this.squared);
  }
}

/** Mean absolute error, as torchmetrics' `MeanAbsoluteError`. */
export class MeanAbsoluteError extends SumsMetric {
  /** A metric. */
  constructor() {
    super(['sumError', 'count', 'float64Inputs']);
  }

  protected override sumsOf(preds: Tensor, target: Tensor): Sums {
    return absoluteErrorSums(this.where('update'), preds, target);
  }

  protected override computeState(): Tensor {
    return meanErrorCompute(this.sums());
  }
}

/**
 * Coefficient of determination, as torchmetrics' `R2Score` (sklearn's `r2_score`): preds and
 * target [N] or [N, outputs]; several outputs combine as `multioutput` says.
 */
export class R2Score extends SumsMetric {
  /** The checked options, defaults filled in. */
  readonly config: R2ScoreConfig;

  /** A metric with the given options. */
  constructor(options: R2ScoreOptions = {}) {
    super(['sumSquaredObs', 'sumObs', 'rss', 'count', 'float64Inputs']);
    this.config = r2ScoreConfig(this.constructor.name, options);
  }

  protected override sumsOf(preds: Tensor, target: Tensor): Sums {
    const sums = r2Sums(this.where('update'), preds, target);
    const before = this.stateValue('sumObs')?.shape;
    const now = sums.sumObs!.shape;
    if (before && (before.length !== now.length || before[0] !== now[0])) {
      const outputs = (shape: number[]) => (shape.length === 0 ? 'preds [N]' : `preds [N, ${shape[0]}]`);
      throw new RangeError(`${this.where('update')}: preds of shape [${preds.shape}] do not match earlier batches' ${outputs(before)}`);
    }
    return sums;
  }

  protected override computeState(): Tensor {
    return r2Compute(this.where('compute'), this.sums(), this.config);
  }
}
