/** Losses as modules, over torch.nn.functional. */
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional.js';
import { Module } from '../module.js';

abstract class Loss<O> extends Module {
  constructor(readonly options: O) {
    super();
  }
  abstract override forward(input: Tensor, target: Tensor): Tensor;
}

export class CrossEntropyLoss extends Loss<F.ClassLossOptions & { labelSmoothing?: number }> {
  constructor(options: F.ClassLossOptions & { labelSmoothing?: number } = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, this.options);
  }
}
export class NLLLoss extends Loss<F.ClassLossOptions> {
  constructor(options: F.ClassLossOptions = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, this.options);
  }
}
export class MSELoss extends Loss<{ reduction?: F.Reduction }> {
  constructor(options: { reduction?: F.Reduction } = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, this.options);
  }
}
export class L1Loss extends Loss<{ reduction?: F.Reduction }> {
  constructor(options: { reduction?: F.Reduction } = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, this.options);
  }
}
export class SmoothL1Loss extends Loss<{ reduction?: F.Reduction; beta?: number }> {
  constructor(options: { reduction?: F.Reduction; beta?: number } = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, this.options);
  }
}
export class BCELoss extends Loss<{ weight?: Tensor | null; reduction?: F.Reduction }> {
  constructor(options: { weight?: Tensor | null; reduction?: F.Reduction } = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, this.options);
  }
}
export class BCEWithLogitsLoss extends Loss<{ weight?: Tensor | null; posWeight?: Tensor | null; reduction?: F.Reduction }> {
  constructor(options: { weight?: Tensor | null; posWeight?: Tensor | null; reduction?: F.Reduction } = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, this.options);
  }
}
