/** Pooling layers over torch.nn.functional. */
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional.js';
import { Module } from '../module.js';
import type { PlanStep } from '../sequential-plan.js';
import type { Size } from '../functional.js';

const pair = (value: Size | null | undefined, fallback: Size): number[] => {
  const v = value ?? fallback;
  return Array.isArray(v) ? [...(v as number[])] : [v as number, v as number];
};

/** 1-D max pooling over (N, C, L) or (C, L) input, like nn.MaxPool1d. */
export class MaxPool1d extends Module {
  /** A `kernelSize` window; options: stride (the kernel size), padding 0, dilation 1, ceilMode false. */
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
/** 2-D max pooling over (N, C, H, W) or (C, H, W) input, like nn.MaxPool2d. */
export class MaxPool2d extends Module {
  /** A `kernelSize` window; options: stride (the kernel size), padding 0, dilation 1, ceilMode false. */
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
/** 1-D average pooling over (N, C, L) or (C, L) input, like nn.AvgPool1d. */
export class AvgPool1d extends Module {
  /** A `kernelSize` window; options: stride (the kernel size), padding 0, ceilMode false, countIncludePad true. */
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
/** 2-D average pooling over (N, C, H, W) or (C, H, W) input, like nn.AvgPool2d. */
export class AvgPool2d extends Module {
  /** A `kernelSize` window; options: stride (the kernel size), padding 0, ceilMode, countIncludePad, divisorOverride. */
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
/** Average pooling to a fixed output length whatever the input length, like nn.AdaptiveAvgPool1d. */
export class AdaptiveAvgPool1d extends Module {
  /** Pools to `outputSize` (L_out). */
  constructor(readonly outputSize: Size) {
    super();
  }
  forward(input: Tensor): Tensor {
    return F.adaptiveAvgPool1d(input, this.outputSize);
  }
}
/** Average pooling to a fixed (H, W) output whatever the input size, like nn.AdaptiveAvgPool2d. */
export class AdaptiveAvgPool2d extends Module {
  /** Pools to `outputSize`: (H_out, W_out), or one number for both. */
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
