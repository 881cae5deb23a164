/** Activation layers over torch.nn.functional. */
import type { Tensor } from '../../tensor/tensor.js';
import type { DType } from '../../tensor/types.js';
import * as F from '../functional.js';
import { Module, pyRepr } from '../module.js';
import type { PlanStep } from '../sequential-plan.js';

/** max(0, x), like nn.ReLU. */
export class ReLU extends Module {
  /** `inplace` overwrites the input. */
  constructor(readonly inplace = false) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.relu(input, { inplace: this.inplace });
  }
  override nativeStep(): PlanStep | null {
    return this.inplace ? null : { kind: 'relu', name: 'ReLU' };
  }
}
/** x for x >= 0, else negativeSlope * x, like nn.LeakyReLU. */
export class LeakyReLU extends Module {
  /** The slope for negative inputs (default 0.01); `inplace` overwrites the input. */
  constructor(
    readonly negativeSlope = 0.01,
    readonly inplace = false,
  ) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.leakyRelu(input, { negativeSlope: this.negativeSlope, inplace: this.inplace });
  }
  override nativeStep(): PlanStep | null {
    return this.inplace ? null : { kind: 'leaky_relu', name: 'LeakyReLU', negativeSlope: this.negativeSlope };
  }
  override extraRepr(): string {
    return `negative_slope=${this.negativeSlope}`;
  }
}
/** Gaussian error linear unit, like nn.GELU. */
export class GELU extends Module {
  /** `approximate`: 'none' (exact erf, the default) or 'tanh'. */
  constructor(readonly approximate: 'none' | 'tanh' = 'none') {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.gelu(input, { approximate: this.approximate });
  }
  override nativeStep(): PlanStep {
    return { kind: 'gelu', name: 'GELU', approximate: this.approximate };
  }
}
/** x * sigmoid(x) (swish), like nn.SiLU. */
export class SiLU extends Module {
  forward(input: Tensor): Tensor {
    return F.silu(input);
  }
  override nativeStep(): PlanStep {
    return { kind: 'silu', name: 'SiLU' };
  }
}
/** Elementwise tanh, like nn.Tanh. */
export class Tanh extends Module {
  forward(input: Tensor): Tensor {
    return input.tanh();
  }
  override nativeStep(): PlanStep {
    return { kind: 'tanh', name: 'Tanh' };
  }
}
/** Elementwise logistic sigmoid, like nn.Sigmoid. */
export class Sigmoid extends Module {
  forward(input: Tensor): Tensor {
    return input.sigmoid();
  }
  override nativeStep(): PlanStep {
    return { kind: 'sigmoid', name: 'Sigmoid' };
  }
}
/** Softmax along a dimension, like nn.Softmax. */
export class Softmax extends Module {
  /** Normalizes along `dim`, optionally computing in `dtype`. */
  constructor(
    readonly dim: number,
    readonly dtype?: DType,
  ) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim, { dtype: this.dtype });
  }
  override nativeStep(): PlanStep | null {
    return this.dtype ? null : { kind: 'softmax', name: 'Softmax', dim: this.dim };
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
/** log(softmax(x)) along a dimension, like nn.LogSoftmax. */
export class LogSoftmax extends Module {
  /** Normalizes along `dim`. */
  constructor(readonly dim: number) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.logSoftmax(input, this.dim);
  }
  override nativeStep(): PlanStep {
    return { kind: 'log_softmax', name: 'LogSoftmax', dim: this.dim };
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** Zeroes elements with probability p in training mode (and scales the rest by 1/(1-p)). */
export class Dropout extends Module {
  /** Drop probability `p` in [0, 1] (default 0.5); `inplace` overwrites the input. */
  constructor(
    readonly p = 0.5,
    readonly inplace = false,
  ) {
    super();
    if (!(p >= 0 && p <= 1)) throw new RangeError(`Dropout: p must be between 0 and 1, got ${p}`);
  }
  forward(input: Tensor): Tensor {
    return F.dropout(input, { p: this.p, training: this.training, inplace: this.inplace });
  }
  override nativeStep(): PlanStep | null {
    return this.inplace ? null : { kind: 'dropout', name: 'Dropout', p: this.p, training: this.training };
  }
  override extraRepr(): string {
    return `p=${this.p}, inplace=${pyRepr(this.inplace)}`;
  }
}
