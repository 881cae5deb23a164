/**
 * torch.metrics.functional: each metric on one batch, as torchmetrics.functional (the same
 * computations as the classes, without state): `accuracy(preds, target, { task: 'multiclass',
 * numClasses: 3 })`.
 * @module
 */
import { noGrad } from '../tensor/autograd.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { reduceStatScores, type ClassificationScore } from './classification.js';
import { confusionMatrixConfig, confusionMatrixUpdate, normalizeConfusion, type ConfusionMatrixOptions } from './confusion-matrix.js';
import { toTensor, type MetricInput } from './inputs.js';
import { classificationConfig, type ClassificationOptions } from './options.js';
import { rankingCompute, rankingConfig, rankingInputs, type RankingOptions, type RankingScore } from './ranking.js';
import {
  absoluteErrorSums,
  meanErrorCompute,
  meanSquaredErrorConfig,
  r2Compute,
  r2ScoreConfig,
  r2Sums,
  squaredErrorSums,
  type MeanSquaredErrorOptions,
  type R2ScoreOptions,
} from './regression.js';
import { statScores } from './stat-scores.js';

/** Runs `fn` on the inputs as detached tensors, freeing what it made but the result, recording no autograd graph. */
function once(where: string, preds: MetricInput, target: MetricInput, fn: (preds: Tensor, target: Tensor) => Tensor): Tensor {
  return tidy(() => noGrad(() => fn(toTensor(where, 'preds', preds), toTensor(where, 'target', target))));
}

function classification(
  where: string,
  score: ClassificationScore,
  preds: MetricInput,
  target: MetricInput,
  options: ClassificationOptions,
): Tensor {
  const config = classificationConfig(where, options);
  return once(where, preds, target, (p, t) => reduceStatScores(score, statScores(where, p, t, config), config));
}

/** Accuracy of one batch, as torchmetrics.functional's `accuracy` (see {@link Accuracy}). */
export function accuracy(preds: MetricInput, target: MetricInput, options: ClassificationOptions): Tensor {
  return classification('accuracy', 'accuracy', preds, target, options);
}

/** Precision of one batch, as torchmetrics.functional's `precision` (see {@link Precision}). */
export function precision(preds: MetricInput, target: MetricInput, options: ClassificationOptions): Tensor {
  return classification('precision', 'precision', preds, target, options);
}

/** Recall of one batch, as torchmetrics.functional's `recall` (see {@link Recall}). */
export function recall(preds: MetricInput, target: MetricInput, options: ClassificationOptions): Tensor {
  return classification('recall', 'recall', preds, target, options);
}

/** F1 score of one batch, as torchmetrics.functional's `f1_score` (see {@link F1Score}). */
export function f1Score(preds: MetricInput, target: MetricInput, options: ClassificationOptions): Tensor {
  return classification('f1Score', 'f1', preds, target, options);
}

/** The confusion matrix of one batch, as torchmetrics.functional's `confusion_matrix` (see {@link ConfusionMatrix}). */
export function confusionMatrix(preds: MetricInput, target: MetricInput, options: ConfusionMatrixOptions): Tensor {
  const config = confusionMatrixConfig('confusionMatrix', options);
  return once('confusionMatrix', preds, target, (p, t) =>
    normalizeConfusion(confusionMatrixUpdate('confusionMatrix', p, t, config), config.normalize),
  );
}

function ranking(where: string, score: RankingScore, preds: MetricInput, target: MetricInput, options: RankingOptions): Tensor {
  const config = rankingConfig(where, options);
  return once(where, preds, target, (p, t) => {
    const kept = rankingInputs(where, p, t, config);
    return rankingCompute(where, score, kept.scores, kept.target, config);
  });
}

/** Area under the ROC curve of one batch, as torchmetrics.functional's `auroc` (see {@link AUROC}). */
export function auroc(preds: MetricInput, target: MetricInput, options: RankingOptions): Tensor {
  return ranking('auroc', 'auroc', preds, target, options);
}

/** Average precision of one batch, as torchmetrics.functional's `average_precision` (see {@link AveragePrecision}). */
export function averagePrecision(preds: MetricInput, target: MetricInput, options: RankingOptions): Tensor {
  return ranking('averagePrecision', 'averagePrecision', preds, target, options);
}

/** Mean squared error of one batch (`squared: false`: its root), as torchmetrics.functional's `mean_squared_error`. */
export function meanSquaredError(preds: MetricInput, target: MetricInput, options: MeanSquaredErrorOptions = {}): Tensor {
  const { squared } = meanSquaredErrorConfig('meanSquaredError', options);
  return once('meanSquaredError', preds, target, (p, t) => meanErrorCompute(squaredErrorSums('meanSquaredError', p, t), !squared));
}

/** Mean absolute error of one batch, as torchmetrics.functional's `mean_absolute_error`. */
export function meanAbsoluteError(preds: MetricInput, target: MetricInput): Tensor {
  return once('meanAbsoluteError', preds, target, (p, t) => meanErrorCompute(absoluteErrorSums('meanAbsoluteError', p, t)));
}

/** R2 score of one batch, as torchmetrics.functional's `r2_score` (see {@link R2Score}). */
export function r2Score(preds: MetricInput, target: MetricInput, options: R2ScoreOptions = {}): Tensor {
  const config = r2ScoreConfig('r2Score', options);
  return once('r2Score', preds, target, (p, t) => r2Compute('r2Score', r2Sums('r2Score', p, t), config));
}
