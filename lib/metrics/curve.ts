/**
 * The exact binary ranking curves behind AUROC and AveragePrecision, with sklearn's tie handling:
 * one point per distinct score (tied scores enter together), in descending score order.
 * @module
 */
import { cat, full, zeros } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Device } from '../tensor/types.js';

/** Cumulative true and false positives (float64) when every score at or above each distinct threshold counts as positive. */
export interface ClassifierCurve {
  /** True positives at each distinct score, highest score first. */
  tps: Tensor;
  /** False positives at each distinct score, highest score first. */
  fps: Tensor;
}

/** sklearn's `_binary_clf_curve`: scores [M] (any order), target [M] of 0 and 1. */
export function classifierCurve(scores: Tensor, target: Tensor): ClassifierCurve {
  const { values, indices } = scores.sort(0, true);
  const hits = target.indexSelect(0, indices).double();
  const n = values.numel();
  // The last index of each run of tied scores, and the last index overall.
  const ends = cat([values.diff().ne(0).nonzero().reshape([-1]), full([1], n - 1, { dtype: 'int64', device: scores.device as Device })]);
  const tps = hits.cumsum(0).indexSelect(0, ends);
  const fps = ends.add(1).double().sub(tps);
  return { tps, fps };
}

const last = (t: Tensor): number => t.index([-1]).item();
const prepend0 = (t: Tensor): Tensor => cat([zeros([1], { dtype: t.dtype, device: t.device as Device }), t]);

/**
 * Area under the ROC curve (trapezoids over the distinct thresholds), float64; 0 when target has
 * no positives or no negatives, as torchmetrics (sklearn raises).
 */
export function binaryAuroc(scores: Tensor, target: Tensor): Tensor {
  const { tps, fps } = classifierCurve(scores, target);
  const [positives, negatives] = [last(tps), last(fps)];
  const tpr = positives > 0 ? prepend0(tps).div(positives) : zeros([tps.numel() + 1], { dtype: 'float64', device: tps.device as Device });
  const fpr = negatives > 0 ? prepend0(fps).div(negatives) : zeros([fps.numel() + 1], { dtype: 'float64', device: fps.device as Device });
  const m = fpr.numel();
  return fpr
    .diff()
    .mul(tpr.narrow(0, 1, m - 1).add(tpr.narrow(0, 0, m - 1)))
    .sum()
    .div(2);
}

/**
 * Average precision, sklearn's step-wise sum without interpolation: the precision at each distinct
 * threshold weighted by the recall it adds. float64; NaN when target has no positives (as torchmetrics).
 */
export function binaryAveragePrecision(scores: Tensor, target: Tensor): Tensor {
  const { tps, fps } = classifierCurve(scores, target);
  const precision = tps.div(tps.add(fps));
  const recall = tps.div(last(tps));
  const gained = recall.sub(prepend0(recall.narrow(0, 0, recall.numel() - 1)));
  return gained.mul(precision).sum();
}
