/** Activation layers over torch.nn.functional. */
import type { Tensor } from '../../tensor/tensor.js';
import type { DType } from '../../tensor/types.js';
import * as F from '../functional.js';
import { Module, pyRepr } from '../module.js';
import type { PlanStep } from '../sequential-plan.js';

export class ReLU extends Module {
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
export class LeakyReLU extends Module {
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
export class GELU extends Module {
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
export class SiLU extends Module {
  forward(input: Tensor): Tensor {
    return F.silu(input);
  }
  override nativeStep(): PlanStep {
    return { kind: 'silu', name: 'SiLU' };
  }
}
export class Tanh extends Module {
  forward(input: Tensor): Tensor {
    return input.tanh();
  }
  override nativeStep(): PlanStep {
    return { kind: 'tanh', name: 'Tanh' };
  }
}
export class Sigmoid extends Module {
  forward(input: Tensor): Tensor {
    return input.sigmoid();
  }
  override nativeStep(): PlanStep {
    return { kind: 'sigmoid', name: 'Sigmoid' };
  }
}
export class Softmax extends Module {
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
export class LogSoftmax extends Module {
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
