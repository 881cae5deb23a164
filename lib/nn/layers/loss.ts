/** Losses as modules, over torch.nn.functional. */
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional.js';
import { Module } from '../module.js';

/** Base of the loss modules: keeps the options and calls the functional loss with them. */
abstract class Loss<O> extends Module {
  /** Keeps `options` (reduction and the loss's own settings) for every forward. */
  constructor(readonly options: O) {
    super();
  }
  /** The loss of `input` against `target`, reduced as the options say. */
  abstract override forward(input: Tensor, target: Tensor): Tensor;
}

/** Cross entropy of logits against class indices or probabilities, like nn.CrossEntropyLoss. */
export class CrossEntropyLoss extends Loss<F.ClassLossOptions & { labelSmoothing?: number }> {
  /** Options: class `weight`, `ignoreIndex` (-100), `reduction` ('mean') and `labelSmoothing` (0). */
  constructor(options: F.ClassLossOptions & { labelSmoothing?: number } = {}) {
    super(options);
  }
  /** Cross entropy of `input` logits (N, C, ...) against `target` indices (N, ...) or probabilities. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, this.options);
  }
}
/** Negative log likelihood of log-probabilities against class indices, like nn.NLLLoss. */
export class NLLLoss extends Loss<F.ClassLossOptions> {
  /** Options: class `weight`, `ignoreIndex` (-100) and `reduction` ('mean'). */
  constructor(options: F.ClassLossOptions = {}) {
    super(options);
  }
  /** NLL of `input` log-probabilities (N, C, ...) against `target` class indices (N, ...). */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, this.options);
  }
}
/** Mean squared error, like nn.MSELoss. */
export class MSELoss extends Loss<{ reduction?: F.Reduction }> {
  /** Options: `reduction` ('mean', 'sum' or 'none'; default 'mean'). */
  constructor(options: { reduction?: F.Reduction } = {}) {
    super(options);
  }
  /** Squared error of `input` against `target` (same shape), reduced. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, this.options);
  }
}
/** Mean absolute error, like nn.L1Loss. */
export class L1Loss extends Loss<{ reduction?: F.Reduction }> {
  /** Options: `reduction` ('mean', 'sum' or 'none'; default 'mean'). */
  constructor(options: { reduction?: F.Reduction } = {}) {
    super(options);
  }
  /** Absolute error of `input` against `target` (same shape), reduced. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, this.options);
  }
}
/** Squared error below `beta`, absolute error above, like nn.SmoothL1Loss. */
export class SmoothL1Loss extends Loss<{ reduction?: F.Reduction; beta?: number }> {
  /** Options: `reduction` ('mean') and `beta` (1). */
  constructor(options: { reduction?: F.Reduction; beta?: number } = {}) {
    super(options);
  }
  /** Smooth L1 loss of `input` against `target` (same shape), reduced. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, this.options);
  }
}
/** Binary cross entropy of probabilities in [0, 1], like nn.BCELoss. */
export class BCELoss extends Loss<{ weight?: Tensor | null; reduction?: F.Reduction }> {
  /** Options: a rescaling `weight` per element and `reduction` ('mean'). */
  constructor(options: { weight?: Tensor | null; reduction?: F.Reduction } = {}) {
    super(options);
  }
  /** BCE of `input` probabilities against `target` (same shape, values in [0, 1]). */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, this.options);
  }
}
/** Sigmoid plus binary cross entropy in one numerically stable step, like nn.BCEWithLogitsLoss. */
export class BCEWithLogitsLoss extends Loss<{ weight?: Tensor | null; posWeight?: Tensor | null; reduction?: F.Reduction }> {
  /** Options: a rescaling `weight`, `posWeight` for the positive class, and `reduction` ('mean'). */
  constructor(options: { weight?: Tensor | null; posWeight?: Tensor | null; reduction?: F.Reduction } = {}) {
    super(options);
  }
  /** BCE of sigmoid(`input`) against `target` (same shape). */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, this.options);
  }
}
