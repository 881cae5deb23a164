/** Pooling layers over torch.nn.functional. */
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional.js';
import { Module } from '../module.js';
import { step, type PlanStep } from '../native-plan.js';

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
    const ints = [...pair(this.kernelSize, 1), ...pair(stride, this.kernelSize), ...pair(padding, 0), ...pair(dilation, 1)];
    return step('max_pool2d', 'MaxPool2d', { ints, flag: ceilMode });
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
    const ints = [...pair(this.kernelSize, 1), ...pair(stride, this.kernelSize), ...pair(padding, 0)];
    return step('avg_pool2d', 'AvgPool2d', { ints, flag: ceilMode, floats: [countIncludePad ? 1 : 0] });
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
    return step('adaptive_avg_pool2d', 'AdaptiveAvgPool2d', { ints: pair(this.outputSize, 1) });
  }
  override extraRepr(): string {
    return `output_size=${Array.isArray(this.outputSize) ? `(${this.outputSize.join(', ')})` : this.outputSize}`;
  }
}
