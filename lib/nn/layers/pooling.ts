/** Pooling layers over torch.nn.functional. */
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional.js';
import { Module } from '../module.js';

type Size = number | readonly number[];

export class MaxPool1d extends Module {
  constructor(
    readonly kernelSize: Size,
    readonly options: F.MaxPoolOptions = {},
  ) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.maxPool1d(input, this.kernelSize, this.options);
  }
}
export class MaxPool2d extends Module {
  constructor(
    readonly kernelSize: Size,
    readonly options: F.MaxPoolOptions = {},
  ) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.maxPool2d(input, this.kernelSize, this.options);
  }
  override extraRepr(): string {
    return `kernel_size=${this.kernelSize}, stride=${this.options.stride ?? this.kernelSize}, padding=${this.options.padding ?? 0}`;
  }
}
export class AvgPool1d extends Module {
  constructor(
    readonly kernelSize: Size,
    readonly options: F.AvgPoolOptions = {},
  ) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.avgPool1d(input, this.kernelSize, this.options);
  }
}
export class AvgPool2d extends Module {
  constructor(
    readonly kernelSize: Size,
    readonly options: F.AvgPoolOptions & { divisorOverride?: number | null } = {},
  ) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.avgPool2d(input, this.kernelSize, this.options);
  }
}
export class AdaptiveAvgPool1d extends Module {
  constructor(readonly outputSize: Size) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.adaptiveAvgPool1d(input, this.outputSize);
  }
}
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: Size) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.adaptiveAvgPool2d(input, this.outputSize);
  }
  override extraRepr(): string {
    return `output_size=${Array.isArray(this.outputSize) ? `(${this.outputSize.join(', ')})` : this.outputSize}`;
  }
}
