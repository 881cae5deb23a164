/** Convolutions: Conv1d/2d/3d and ConvTranspose1d/2d, initialized like PyTorch. */
import { empty } from '../../tensor/creation.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import type { PlanStep } from '../sequential-plan.js';
import { positiveInt, type FactoryOptions } from './linear.js';
import type { Size } from '../functional.js';

/** Options of the convolution layers. */
export interface ConvLayerOptions extends FactoryOptions {
  stride?: Size;
  padding?: Size | 'same' | 'valid';
  dilation?: Size;
  groups?: number;
  bias?: boolean;
  /** How padding is filled (Conv only). */
  paddingMode?: 'zeros' | 'reflect' | 'replicate' | 'circular';
}

const tuple = (value: Size, n: number): number[] =>
  Array.isArray(value) ? [...(value as number[])] : Array<number>(n).fill(value as number);

abstract class ConvNd extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | 'same' | 'valid';
  readonly dilation: number[];
  readonly groups: number;

  protected constructor(
    readonly dims: 1 | 2 | 3,
    readonly transposed: boolean,
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Size,
    options: ConvLayerOptions,
  ) {
    super();
    const name = this.constructor.name;
    positiveInt(name, 'inChannels', inChannels);
    positiveInt(name, 'outChannels', outChannels);
    this.groups = positiveInt(name, 'groups', options.groups ?? 1);
    if (inChannels % this.groups || outChannels % this.groups)
      throw new RangeError(`${name}: inChannels and outChannels must be divisible by groups (${this.groups})`);
    this.kernelSize = tuple(kernelSize, dims);
    this.stride = tuple(options.stride ?? 1, dims);
    this.padding = typeof options.padding === 'string' ? options.padding : tuple(options.padding ?? 0, dims);
    this.dilation = tuple(options.dilation ?? 1, dims);
    const shape = transposed
      ? [inChannels, outChannels / this.groups, ...this.kernelSize]
      : [outChannels, inChannels / this.groups, ...this.kernelSize];
    const factory = { device: options.device, dtype: options.dtype };
    this.weight = this.registerParameter('weight', empty(shape, factory));
    this.bias = this.registerParameter('bias', options.bias === false ? null : empty([outChannels], factory));
    this.resetParameters();
  }

  /** PyTorch's reset_parameters: kaiming_uniform_(a=sqrt(5)); bias U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const [fanIn] = init.calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  override extraRepr(): string {
    const parts = [
      `${this.inChannels}, ${this.outChannels}, kernel_size=(${this.kernelSize.join(', ')}${this.dims === 1 ? ',' : ''})`,
      `stride=(${this.stride.join(', ')}${this.dims === 1 ? ',' : ''})`,
    ];
    if (typeof this.padding === 'string' || this.padding.some((p) => p !== 0))
      parts.push(
        `padding=${typeof this.padding === 'string' ? `'${this.padding}'` : `(${this.padding.join(', ')}${this.dims === 1 ? ',' : ''})`}`,
      );
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (!this.bias) parts.push('bias=False');
    return parts.join(', ');
  }
}

abstract class Conv extends ConvNd {
  readonly paddingMode: 'zeros' | 'reflect' | 'replicate' | 'circular';

  protected constructor(dims: 1 | 2 | 3, inChannels: number, outChannels: number, kernelSize: Size, options: ConvLayerOptions) {
    super(dims, false, inChannels, outChannels, kernelSize, options);
    this.paddingMode = options.paddingMode ?? 'zeros';
    if (this.paddingMode !== 'zeros' && typeof this.padding === 'string')
      throw new TypeError(`${this.constructor.name}: paddingMode '${this.paddingMode}' needs numeric padding`);
  }

  forward(input: Tensor): Tensor {
    return this.convForward(input, this.weight, this.bias);
  }

  /** The convolution with this layer's geometry and padding mode, on `weight` and `bias` (quantization-aware training passes fake-quantized weights). */
  protected convForward(input: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
    const conv = this.dims === 1 ? F.conv1d : this.dims === 2 ? F.conv2d : F.conv3d;
    const options = { bias, stride: this.stride, dilation: this.dilation, groups: this.groups };
    if (this.paddingMode === 'zeros') return conv(input, weight, { ...options, padding: this.padding });
    // F.pad takes (left, right) pairs from the last dimension backwards.
    const pairs = (this.padding as number[])
      .slice()
      .reverse()
      .flatMap((p) => [p, p]);
    return conv(F.pad(input, pairs, { mode: this.paddingMode }), weight, { ...options, padding: 0 });
  }

  override nativeStep(): PlanStep | null {
    if (this.paddingMode !== 'zeros' || typeof this.padding === 'string') return null;
    const { weight, bias, stride, dilation, groups } = this;
    return { kind: 'conv', name: this.constructor.name, weight, bias, stride, padding: this.padding, dilation, groups };
  }
}

/** 1-D convolution over (N, C, L) input, like nn.Conv1d. */
export class Conv1d extends Conv {
  /**
   * `inChannels` to `outChannels` with a `kernelSize` kernel (weight (out, in / groups, k)); options default
   * to stride 1, padding 0, dilation 1, groups 1, bias true.
   */
  constructor(inChannels: number, outChannels: number, kernelSize: Size, options: ConvLayerOptions = {}) {
    super(1, inChannels, outChannels, kernelSize, options);
  }
}
/** 2-D convolution over (N, C, H, W) input, like nn.Conv2d. */
export class Conv2d extends Conv {
  /**
   * `inChannels` to `outChannels` with a `kernelSize` kernel (weight (out, in / groups, kH, kW)); options
   * default to stride 1, padding 0, dilation 1, groups 1, bias true.
   */
  constructor(inChannels: number, outChannels: number, kernelSize: Size, options: ConvLayerOptions = {}) {
    super(2, inChannels, outChannels, kernelSize, options);
  }
}
/** 3-D convolution over (N, C, D, H, W) input, like nn.Conv3d. */
export class Conv3d extends Conv {
  /**
   * `inChannels` to `outChannels` with a `kernelSize` kernel (weight (out, in / groups, kD, kH, kW)); options
   * default to stride 1, padding 0, dilation 1, groups 1, bias true.
   */
  constructor(inChannels: number, outChannels: number, kernelSize: Size, options: ConvLayerOptions = {}) {
    super(3, inChannels, outChannels, kernelSize, options);
  }
}

/** Options of the transposed convolutions. */
export interface ConvTransposeLayerOptions extends Omit<ConvLayerOptions, 'padding' | 'paddingMode'> {
  padding?: Size;
  outputPadding?: Size;
}

abstract class ConvTranspose extends ConvNd {
  readonly outputPadding: number[];

  protected constructor(dims: 1 | 2, inChannels: number, outChannels: number, kernelSize: Size, options: ConvTransposeLayerOptions) {
    super(dims, true, inChannels, outChannels, kernelSize, options);
    this.outputPadding = tuple(options.outputPadding ?? 0, dims);
  }

  forward(input: Tensor): Tensor {
    const conv = this.dims === 1 ? F.convTranspose1d : F.convTranspose2d;
    return conv(input, this.weight, {
      bias: this.bias,
      stride: this.stride,
      padding: this.padding as number[],
      outputPadding: this.outputPadding,
      groups: this.groups,
      dilation: this.dilation,
    });
  }
}

/** 1-D transposed convolution (the gradient of Conv1d), like nn.ConvTranspose1d. */
export class ConvTranspose1d extends ConvTranspose {
  /**
   * `inChannels` to `outChannels` with a `kernelSize` kernel (weight (in, out / groups, k)); options default
   * to stride 1, padding 0, outputPadding 0, groups 1, bias true.
   */
  constructor(inChannels: number, outChannels: number, kernelSize: Size, options: ConvTransposeLayerOptions = {}) {
    super(1, inChannels, outChannels, kernelSize, options);
  }
}
/** 2-D transposed convolution (the gradient of Conv2d), like nn.ConvTranspose2d. */
export class ConvTranspose2d extends ConvTranspose {
  /**
   * `inChannels` to `outChannels` with a `kernelSize` kernel (weight (in, out / groups, kH, kW)); options
   * default to stride 1, padding 0, outputPadding 0, groups 1, bias true.
   */
  constructor(inChannels: number, outChannels: number, kernelSize: Size, options: ConvTransposeLayerOptions = {}) {
    super(2, inChannels, outChannels, kernelSize, options);
  }
}
