/**
 * ConfusionMatrix, as torchmetrics': counts of (true class, predicted class) summed over batches,
 * optionally normalized over the true classes (rows), the predicted ones (columns) or everything.
 * @module
 */
import type { Tensor } from '../tensor/tensor.js';
import { Metric } from './metric.js';
import { checkKeys, oneOf, taskConfig, type TaskConfig, type TaskOptions } from './options.js';
import { confusionOf, labelsFor } from './stat-scores.js';

/** How a confusion matrix is normalized: over rows ('true'), columns ('pred'), all entries ('all'), or not ('none'). */
export type ConfusionMatrixNormalize = 'true' | 'pred' | 'all' | 'none';

/** Options of ConfusionMatrix (and confusionMatrix). */
export interface ConfusionMatrixOptions extends TaskOptions {
  /** Normalization (default 'none': int64 counts; otherwise float32, with 0 for a row or column that sums to 0). */
  normalize?: ConfusionMatrixNormalize;
}

/** The checked options of ConfusionMatrix. */
export interface ConfusionMatrixConfig extends TaskConfig {
  readonly normalize: ConfusionMatrixNormalize;
}

const NORMALIZE: readonly ConfusionMatrixNormalize[] = ['true', 'pred', 'all', 'none'];

/** Checks the options of ConfusionMatrix. */
export function confusionMatrixConfig(where: string, options: ConfusionMatrixOptions | undefined): ConfusionMatrixConfig {
  const given = checkKeys(where, options, ['task', 'numClasses', 'threshold', 'normalize'], "{ task: 'binary' | 'multiclass', ... }");
  return { ...taskConfig(where, given), normalize: oneOf(where, 'normalize', given.normalize, NORMALIZE, 'none') };
}

/** The confusion matrix (int64 [C, C], C = 2 for 'binary') of one batch. */
export function confusionMatrixUpdate(where: string, preds: Tensor, target: Tensor, config: TaskConfig): Tensor {
  return confusionOf(labelsFor(where, preds, target, config), config.numClasses);
}

/** Normalizes accumulated counts as `normalize` says (NaN from an empty row or column becomes 0, as sklearn). */
export function normalizeConfusion(counts: Tensor, normalize: ConfusionMatrixNormalize): Tensor {
  if (normalize === 'none') return counts;
  const matrix = counts.float();
  const total = normalize === 'true' ? matrix.sum(1, true) : normalize === 'pred' ? matrix.sum(0, true) : matrix.sum();
  return matrix.div(total).nanToNum(0);
}

/**
 * The confusion matrix, as torchmetrics' `ConfusionMatrix`: entry [i, j] counts the samples of
 * true class i predicted as class j (binary: classes 0 and 1, float preds thresholded as in
 * Accuracy).
 */
export class ConfusionMatrix extends Metric {
  /** The checked options, defaults filled in. */
  readonly config: ConfusionMatrixConfig;

  /** A metric with the given task and options (numClasses is required for 'multiclass'). */
  constructor(options: ConfusionMatrixOptions) {
    super();
    this.config = confusionMatrixConfig(this.constructor.name, options);
    this.addState('confusion', 'sum');
  }

  protected override updateState(preds: Tensor, target: Tensor): void {
    this.accumulate('confusion', confusionMatrixUpdate(this.where('update'), preds, target, this.config));
  }

  protected override computeState(): Tensor {
    return normalizeConfusion(this.stateValue('confusion')!, this.config.normalize);
  }
}
