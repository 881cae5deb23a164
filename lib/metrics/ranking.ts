/**
 * AUROC and AveragePrecision, as torchmetrics' with exact thresholds: every batch's scores and
 * labels are kept, and the curve is computed over all of them (sklearn's tie handling);
 * 'multiclass' scores each class one-vs-rest and averages.
 * @module
 */
import { stack } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { binaryAuroc, binaryAveragePrecision } from './curve.js';
import { safeDivide } from './divide.js';
import { checkSameShape, inUnitInterval, labelRange, labelsOf } from './inputs.js';
import { Metric } from './metric.js';
import { checkKeys, oneOf, taskConfig, type Task } from './options.js';
import { multiclassScores } from './stat-scores.js';

/** How per-class ranking scores become one: their mean ('macro'), their mean weighted by support ('weighted'), or none. */
export type RankingAverage = 'macro' | 'weighted' | 'none';

/** Options of AUROC and AveragePrecision (and their functional forms). */
export interface RankingOptions {
  /** 'binary' (one score per element) or 'multiclass' (scores [N, C, ...], one-vs-rest). */
  task: Task;
  /** Number of classes: required for 'multiclass'. */
  numClasses?: number;
  /** For 'multiclass': how the per-class scores are averaged (default 'macro'). */
  average?: RankingAverage;
}

/** The checked options of AUROC or AveragePrecision. */
export interface RankingConfig {
  readonly task: Task;
  readonly numClasses: number;
  readonly average: RankingAverage;
}

/** Which ranking metric. */
export type RankingScore = 'auroc' | 'averagePrecision';

const AVERAGES: readonly RankingAverage[] = ['macro', 'weighted', 'none'];

/** Checks the options of AUROC or AveragePrecision. */
export function rankingConfig(where: string, options: RankingOptions | undefined): RankingConfig {
  const given = checkKeys(where, options, ['task', 'numClasses', 'average'], "{ task: 'binary' | 'multiclass', ... }");
  const { task, numClasses } = taskConfig(where, given);
  return { task, numClasses, average: oneOf(where, 'average', given.average, AVERAGES, 'macro') };
}

/**
 * One batch as kept: binary scores [M] (only their order matters, so logits need no sigmoid) with
 * labels [M]; multiclass scores [M, C] (softmax'd when any is outside [0, 1], per batch, as
 * torchmetrics) with labels [M].
 */
export function rankingInputs(where: string, preds: Tensor, target: Tensor, config: RankingConfig): { scores: Tensor; target: Tensor } {
  if (config.task === 'binary') {
    checkSameShape(where, preds, target);
    const scores = preds.dtype === 'bool' ? preds.long() : preds;
    return { scores: scores.reshape([-1]), target: labelsOf(where, 'target', target, 2, labelRange('binary', 2)) };
  }
  const { scores, target: labels } = multiclassScores(where, preds, target, config.numClasses);
  return { scores: inUnitInterval(scores) ? scores : scores.softmax(1), target: labels };
}

/** The result dtype: float64 for float64 scores, else float32. */
const resultDtype = (scores: Tensor): 'float32' | 'float64' => (scores.dtype === 'float64' ? 'float64' : 'float32');

/** AUROC or average precision of all the kept scores and labels, averaged over classes as the config says. */
export function rankingCompute(where: string, score: RankingScore, scores: Tensor, target: Tensor, config: RankingConfig): Tensor {
  if (target.numel() === 0) throw new RangeError(`${where}: no samples: preds and target are empty`);
  const binary = score === 'auroc' ? binaryAuroc : binaryAveragePrecision;
  const dtype = resultDtype(scores);
  if (config.task === 'binary') return binary(scores, target).to(dtype);
  const perClass = stack(Array.from({ length: config.numClasses }, (_, c) => binary(scores.select(1, c), target.eq(c).long())));
  if (config.average === 'none') return perClass.to(dtype);
  // Classes whose score is NaN (average precision without positives) are left out, as torchmetrics does.
  const valid = perClass.isnan().logicalNot();
  const kept = perClass.maskedSelect(valid);
  if (config.average === 'macro') return kept.mean().to(dtype);
  const support = target.bincount(null, config.numClasses).double().maskedSelect(valid);
  return safeDivide(support, support.sum()).mul(kept).sum().to(dtype);
}

/** A ranking metric: the scores and labels of every batch, kept for an exact curve. */
export abstract class RankingMetric extends Metric {
  /** The checked options, defaults filled in. */
  readonly config: RankingConfig;
  readonly #score: RankingScore;

  /** A metric computing `score` from the kept batches, with the given task and options. */
  constructor(score: RankingScore, options: RankingOptions) {
    super();
    this.#score = score;
    this.config = rankingConfig(this.constructor.name, options);
    this.addState('scores', 'cat');
    this.addState('target', 'cat');
  }

  protected override updateState(preds: Tensor, target: Tensor): void {
    const batch = rankingInputs(this.where('update'), preds, target, this.config);
    this.accumulate('scores', batch.scores);
    this.accumulate('target', batch.target);
  }

  protected override computeState(): Tensor {
    return rankingCompute(this.where('compute'), this.#score, this.stateValue('scores')!, this.stateValue('target')!, this.config);
  }
}

/**
 * Area under the ROC curve, as torchmetrics' `AUROC` with exact thresholds (sklearn's
 * `roc_auc_score`; 'multiclass' is one-vs-rest). Float32 (float64 for float64 scores); 0 for a
 * class without positives or without negatives.
 *
 * @example
 * ```ts
 * const auroc = new torch.metrics.AUROC({ task: 'binary' });
 * auroc.update(torch.tensor([0.1, 0.4, 0.35, 0.8]), torch.tensor([0, 0, 1, 1]));
 * auroc.compute().item(); // 0.75
 * ```
 */
export class AUROC extends RankingMetric {
  /** A metric with the given task and options (numClasses is required for 'multiclass'). */
  constructor(options: RankingOptions) {
    super('auroc', options);
  }
}

/**
 * Average precision, as torchmetrics' `AveragePrecision` with exact thresholds (sklearn's
 * `average_precision_score`: the step-wise sum, no interpolation). NaN for a class without
 * positives, which 'macro' and 'weighted' leave out.
 */
export class AveragePrecision extends RankingMetric {
  /** A metric with the given task and options (numClasses is required for 'multiclass'). */
  constructor(options: RankingOptions) {
    super('averagePrecision', options);
  }
}
