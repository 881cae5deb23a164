/**
 * Accuracy, Precision, Recall and F1Score: torchmetrics' task wrappers, each reducing stat scores
 * (true/false positives/negatives summed over batches) by its formula and the average.
 * @module
 */
import type { Tensor } from '../tensor/tensor.js';
import { safeDivide } from './divide.js';
import { Metric } from './metric.js';
import { classificationConfig, type ClassificationConfig, type ClassificationOptions } from './options.js';
import { statScores, type StatScores } from './stat-scores.js';

/** Which score of the stat scores: accuracy (per class: recall), precision, recall or F1. */
export type ClassificationScore = 'accuracy' | 'precision' | 'recall' | 'f1';

// The score from the counts, elementwise (per class or pooled).
function formula(score: ClassificationScore, { tp, fp, tn, fn }: StatScores, binary: boolean): Tensor {
  switch (score) {
    case 'accuracy':
      return binary ? safeDivide(tp.add(tn), tp.add(tn).add(fp).add(fn)) : safeDivide(tp, tp.add(fn));
    case 'precision':
      return safeDivide(tp, tp.add(fp));
    case 'recall':
      return safeDivide(tp, tp.add(fn));
    case 'f1':
      return safeDivide(tp.mul(2), tp.mul(2).add(fp).add(fn));
  }
}

/**
 * Averages per-class scores: 'weighted' by support, 'macro' over the classes that occur in target
 * or preds (with topK > 1: in target), as torchmetrics (and sklearn's default labels) do.
 */
function average(perClass: Tensor, stats: StatScores, config: ClassificationConfig): Tensor {
  if (config.average === 'none') return perClass;
  const { tp, fp, fn } = stats;
  const weights = config.average === 'weighted' ? tp.add(fn).float() : (config.topK === 1 ? tp.add(fp).add(fn) : tp.add(fn)).ne(0).float();
  return safeDivide(weights.mul(perClass), weights.sum()).sum();
}

/** The score of accumulated stat scores, reduced as `config.average` says (float32; 0-d unless average is 'none'). */
export function reduceStatScores(score: ClassificationScore, stats: StatScores, config: ClassificationConfig): Tensor {
  if (config.task === 'binary') return formula(score, stats, true);
  if (config.average === 'micro') {
    const pooled = { tp: stats.tp.sum(), fp: stats.fp.sum(), tn: stats.tn.sum(), fn: stats.fn.sum() };
    return formula(score, pooled, false);
  }
  return average(formula(score, stats, false), stats, config);
}

/** A metric made of stat scores: tp, fp, tn and fn summed over the batches. */
export abstract class StatScoresMetric extends Metric {
  /** The checked options, defaults filled in. */
  readonly config: ClassificationConfig;
  readonly #score: ClassificationScore;

  /** A metric computing `score` from the stat scores, with the given task and options. */
  constructor(score: ClassificationScore, options: ClassificationOptions) {
    super();
    this.#score = score;
    this.config = classificationConfig(this.constructor.name, options);
    for (const name of ['tp', 'fp', 'tn', 'fn']) this.addState(name, 'sum');
  }

  protected override updateState(preds: Tensor, target: Tensor): void {
    const stats = statScores(this.where('update'), preds, target, this.config);
    for (const [name, value] of Object.entries(stats) as [string, Tensor][]) this.accumulate(name, value);
  }

  protected override computeState(): Tensor {
    const [tp, fp, tn, fn] = ['tp', 'fp', 'tn', 'fn'].map((name) => this.stateValue(name)!) as [Tensor, Tensor, Tensor, Tensor];
    return reduceStatScores(this.#score, { tp, fp, tn, fn }, this.config);
  }
}

/**
 * Accuracy, as torchmetrics' `Accuracy`: for 'binary', (tp + tn) / all; for 'multiclass', the
 * fraction of samples whose label is predicted ('micro', the default; with `topK`, among the topK
 * highest scores), or the per-class recall averaged by `average`.
 *
 * @example
 * ```ts
 * const acc = new torch.metrics.Accuracy({ task: 'multiclass', numClasses: 3 });
 * acc.update(logits, labels);
 * acc.compute().item();
 * ```
 */
export class Accuracy extends StatScoresMetric {
  /** A metric with the given task and options (numClasses is required for 'multiclass'). */
  constructor(options: ClassificationOptions) {
    super('accuracy', options);
  }
}

/** Precision, tp / (tp + fp) (0 when nothing is predicted positive), as torchmetrics' `Precision`. */
export class Precision extends StatScoresMetric {
  /** A metric with the given task and options (numClasses is required for 'multiclass'). */
  constructor(options: ClassificationOptions) {
    super('precision', options);
  }
}

/** Recall, tp / (tp + fn) (0 when there are no positives), as torchmetrics' `Recall`. */
export class Recall extends StatScoresMetric {
  /** A metric with the given task and options (numClasses is required for 'multiclass'). */
  constructor(options: ClassificationOptions) {
    super('recall', options);
  }
}

/** F1 score, 2tp / (2tp + fp + fn) (0 when all three are 0), as torchmetrics' `F1Score`. */
export class F1Score extends StatScoresMetric {
  /** A metric with the given task and options (numClasses is required for 'multiclass'). */
  constructor(options: ClassificationOptions) {
    super('f1', options);
  }
}
