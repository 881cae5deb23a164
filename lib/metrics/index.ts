/**
 * torch.metrics: torchmetrics' metrics in camelCase. Each is a class with stateful
 * `update(preds, target)` / `compute()` / `reset()` / `forward()`, accumulating over batches, and
 * a functional form in `torch.metrics.functional` for one batch.
 *
 * @example
 * ```ts
 * const f1 = new torch.metrics.F1Score({ task: 'multiclass', numClasses: 10, average: 'macro' });
 * for (const [x, y] of batches) f1.update(model.forward(x), y);
 * console.log(f1.compute().item());
 * torch.metrics.functional.accuracy(logits, labels, { task: 'multiclass', numClasses: 10 });
 * ```
 * @module
 */
export { Metric } from './metric.js';
export type { StateReduction, MetricState } from './metric.js';
export type { MetricInput } from './inputs.js';
export type { Task, Average, TaskOptions, ClassificationOptions, TaskConfig, ClassificationConfig } from './options.js';
export { Accuracy, Precision, Recall, F1Score, StatScoresMetric } from './classification.js';
export type { ClassificationScore } from './classification.js';
export type { StatScores } from './stat-scores.js';
export { ConfusionMatrix } from './confusion-matrix.js';
export type { ConfusionMatrixNormalize, ConfusionMatrixOptions, ConfusionMatrixConfig } from './confusion-matrix.js';
export { AUROC, AveragePrecision, RankingMetric } from './ranking.js';
export type { RankingAverage, RankingOptions, RankingConfig, RankingScore } from './ranking.js';
export { MeanSquaredError, MeanAbsoluteError, R2Score, SumsMetric } from './regression.js';
export type { MeanSquaredErrorOptions, R2Multioutput, R2ScoreOptions, R2ScoreConfig, Sums } from './regression.js';
export * as functional from './functional.js';
