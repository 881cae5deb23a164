/**
 * Classification inputs as labels, and the counts every classification metric is made of: true and
 * false positives and negatives (per class for 'multiclass'), as torchmetrics' stat scores.
 * @module
 */
import { aten } from '../ops/surface.js';
import { zerosLike } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkSameShape, inUnitInterval, isFloating, labelRange, labelsOf } from './inputs.js';
import type { ClassificationConfig, TaskConfig } from './options.js';

/** True positives, false positives, true negatives and false negatives (int64; 0-d for 'binary', one per class for 'multiclass'). */
export interface StatScores {
  /** True positives. */
  tp: Tensor;
  /** False positives. */
  fp: Tensor;
  /** True negatives. */
  tn: Tensor;
  /** False negatives. */
  fn: Tensor;
}

/** Predicted and true labels, flat int64; or, for top-k, a [M, C] bool mask of the predicted classes. */
export interface Labels {
  /** Predicted labels [M], or the top-k mask [M, C]. */
  preds: Tensor;
  /** True labels [M]. */
  target: Tensor;
}

/**
 * Binary inputs as 0/1 labels: float preds are probabilities (logits when any is outside [0, 1],
 * which get a sigmoid) and count as 1 above the threshold; integer preds must be 0 or 1.
 */
export function binaryLabels(where: string, preds: Tensor, target: Tensor, threshold: number): Labels {
  checkSameShape(where, preds, target);
  const labels = labelsOf(where, 'target', target, 2, labelRange('binary', 2));
  if (isFloating(preds)) {
    const probabilities = inUnitInterval(preds) ? preds : preds.sigmoid();
    return { preds: probabilities.gt(threshold).long().reshape([-1]), target: labels };
  }
  return { preds: labelsOf(where, 'preds', preds, 2, labelRange('binary', 2)), target: labels };
}

/**
 * Multiclass scores of shape [N, C, ...] (C = numClasses) with target [N, ...], flattened to
 * [M, C] rows and [M] labels; throws naming the shapes when they do not fit.
 */
export function multiclassScores(where: string, preds: Tensor, target: Tensor, numClasses: number): { scores: Tensor; target: Tensor } {
  const [p, t] = [preds.shape, target.shape];
  const fits = p.length === t.length + 1 && p.length >= 2 && p[0] === t[0] && p.slice(2).every((size, i) => size === t[i + 1]);
  if (!fits)
    throw new RangeError(`${where}: preds must be scores of shape [N, C, ...] for target [N, ...], got preds [${p}] and target [${t}]`);
  if (p[1] !== numClasses)
    throw new RangeError(`${where}: preds must have numClasses (${numClasses}) scores in dimension 1, got shape [${p}]`);
  if (!isFloating(preds)) throw new TypeError(`${where}: preds of shape [N, C, ...] must be floating-point scores, got ${preds.dtype}`);
  const labels = labelsOf(where, 'target', target, numClasses, labelRange('multiclass', numClasses));
  return { scores: preds.movedim(1, -1).reshape([-1, numClasses]), target: labels };
}

/**
 * Multiclass inputs as labels: preds are labels of target's shape, or scores [N, C, ...] reduced
 * by argmax (or, with topK > 1, to the mask of the topK highest scores of each row).
 */
export function multiclassLabels(where: string, preds: Tensor, target: Tensor, numClasses: number, topK: number): Labels {
  const what = labelRange('multiclass', numClasses);
  if (preds.dim() === target.dim() + 1) {
    const { scores, target: labels } = multiclassScores(where, preds, target, numClasses);
    if (topK === 1) return { preds: scores.argmax(1), target: labels };
    const mask = zerosLike(scores, { dtype: 'bool' }).scatter(1, scores.topk(topK, 1).indices, true);
    return { preds: mask, target: labels };
  }
  if (preds.dim() !== target.dim())
    throw new RangeError(
      `${where}: preds must be labels of target's shape or scores of shape [N, C, ...], got preds [${preds.shape}] and target [${target.shape}]`,
    );
  checkSameShape(where, preds, target);
  if (topK > 1) throw new TypeError(`${where}: topK ${topK} needs scores of shape [N, C, ...], got labels of shape [${preds.shape}]`);
  return { preds: labelsOf(where, 'preds', preds, numClasses, what), target: labelsOf(where, 'target', target, numClasses, what) };
}

/** Inputs as labels for the task. */
export function labelsFor(where: string, preds: Tensor, target: Tensor, config: TaskConfig, topK = 1): Labels {
  return config.task === 'binary'
    ? binaryLabels(where, preds, target, config.threshold)
    : multiclassLabels(where, preds, target, config.numClasses, topK);
}

/** The confusion matrix of labels: rows are true classes, columns predicted ones (int64 [C, C]). */
export function confusionOf(labels: Labels, numClasses: number): Tensor {
  return labels.target
    .mul(numClasses)
    .add(labels.preds)
    .bincount(null, numClasses * numClasses)
    .reshape([numClasses, numClasses]);
}

/** The stat scores of one batch. */
export function statScores(where: string, preds: Tensor, target: Tensor, config: ClassificationConfig): StatScores {
  const labels = labelsFor(where, preds, target, config, config.topK);
  if (config.task === 'binary') {
    const [p, t] = [labels.preds.bool(), labels.target.bool()];
    const [np, nt] = [p.logicalNot(), t.logicalNot()];
    return { tp: p.logicalAnd(t).sum(), fp: p.logicalAnd(nt).sum(), tn: np.logicalAnd(nt).sum(), fn: np.logicalAnd(t).sum() };
  }
  if (config.topK > 1) {
    const p = labels.preds;
    const t = aten.one_hot.default(labels.target, config.numClasses).bool();
    const [np, nt] = [p.logicalNot(), t.logicalNot()];
    return { tp: p.logicalAnd(t).sum(0), fp: p.logicalAnd(nt).sum(0), tn: np.logicalAnd(nt).sum(0), fn: np.logicalAnd(t).sum(0) };
  }
  const confusion = confusionOf(labels, config.numClasses);
  const tp = confusion.diagonal();
  const fp = confusion.sum(0).sub(tp);
  const fn = confusion.sum(1).sub(tp);
  const tn = fp.add(fn).add(tp).neg().add(labels.target.numel());
  return { tp, fp, tn, fn };
}
