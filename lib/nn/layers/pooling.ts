/** Pooling layers over torch.nn.functional. */
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional.js';
import { Module } from '../module.js';
import type { PlanStep } from '../sequential-plan.js';

const pair = (value: Size | null | undefined, fallback: Size): number[] => {
  const v = value ?? fallback;
  return Array.isArray(v) ? [...(v as number[])] : [v as number, v as number];
};

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
  override nativeStep(): PlanStep {
    const { stride, padding = 0, dilation = 1, ceilMode = false } = this.options;
    return {
      kind: 'max_pool2d',
      name: 'MaxPool2d',
      kernelSize: pair(this.kernelSize, 1),
      stride: pair(stride, this.kernelSize),
      padding: pair(padding, 0),
      dilation: pair(dilation, 1),
      ceilMode,
    };
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
  override nativeStep(): PlanStep | null {
    const { stride, padding = 0, ceilMode = false, countIncludePad = true, divisorOverride = null } = this.options;
    if (divisorOverride !== null) return null;
    return {
      kind: 'avg_pool2d',
      name: 'AvgPool2d',
      kernelSize: pair(this.kernelSize, 1),
      stride: pair(stride, this.kernelSize),
      padding: pair(padding, 0),
      ceilMode,
      countIncludePad,
    };
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
  override nativeStep(): PlanStep {
    return { kind: 'adaptive_avg_pool2d', name: 'AdaptiveAvgPool2d', outputSize: pair(this.outputSize, 1) };
  }
  override extraRepr(): string {
    return `output_size=${Array.isArray(this.outputSize) ? `(${this.outputSize.join(', ')})` : this.outputSize}`;
  }
}
