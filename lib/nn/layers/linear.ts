/** Linear layers and shape helpers: Identity, Linear, Bilinear, Flatten, Unflatten. */
import { aten } from '../../ops/surface.js';
import { empty } from '../../tensor/creation.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { DType, Device } from '../../tensor/types.js';
import * as init from '../init.js';
import { Module, pyRepr } from '../module.js';
import type { PlanStep } from '../sequential-plan.js';

/** Where and in which dtype a layer creates its parameters. */
export interface FactoryOptions {
  device?: Device;
  dtype?: DType;
}

/** Checks a size argument of a layer constructor. */
export function positiveInt(layer: string, name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${layer}: ${name} must be a positive integer, got ${value}`);
  return value;
}

/** Returns its input. */
export class Identity extends Module {
  forward(input: Tensor): Tensor {
    return input;
  }
  override nativeStep(): PlanStep {
    return { kind: 'identity', name: 'Identity' };
  }
}

/** y = x W^T + b, initialized like PyTorch (Kaiming-uniform weight, uniform bias). */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  /** Maps `inFeatures` to `outFeatures` (weight (out, in)); options: `bias` (true), device and dtype. */
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: { bias?: boolean } & FactoryOptions = {},
  ) {
    super();
    positiveInt('Linear', 'inFeatures', inFeatures);
    positiveInt('Linear', 'outFeatures', outFeatures);
    const factory = { device: options.device, dtype: options.dtype };
    this.weight = this.registerParameter('weight', empty([outFeatures, inFeatures], factory));
    this.bias = this.registerParameter('bias', options.bias === false ? null : empty([outFeatures], factory));
    this.resetParameters();
  }

  /** PyTorch's reset_parameters: kaiming_uniform_(a=sqrt(5)), then U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for the bias. */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const bound = 1 / Math.sqrt(this.inFeatures);
      init.uniform_(this.bias, -bound, bound);
    }
  }

  forward(input: Tensor): Tensor {
    return aten.linear.default(input, this.weight, this.bias);
  }

  override nativeStep(): PlanStep | null {
    return { kind: 'linear', name: 'Linear', weight: this.weight, bias: this.bias };
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyRepr(this.bias !== null)}`;
  }
}

/** y = x1^T A x2 + b. */
export class Bilinear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  /** Maps (`in1Features`, `in2Features`) to `outFeatures` (weight (out, in1, in2)); options: `bias` (true), device and dtype. */
  constructor(
    readonly in1Features: number,
    readonly in2Features: number,
    readonly outFeatures: number,
    options: { bias?: boolean } & FactoryOptions = {},
  ) {
    super();
    const factory = { device: options.device, dtype: options.dtype };
    this.weight = this.registerParameter('weight', empty([outFeatures, in1Features, in2Features], factory));
    this.bias = this.registerParameter('bias', options.bias === false ? null : empty([outFeatures], factory));
    const bound = 1 / Math.sqrt(in1Features);
    init.uniform_(this.weight, -bound, bound);
    if (this.bias) init.uniform_(this.bias, -bound, bound);
  }

  forward(input1: Tensor, input2: Tensor): Tensor {
    return aten.bilinear.default(input1, input2, this.weight, this.bias);
  }
}

/** Flattens dims startDim..endDim (default 1..-1: everything after the batch). */
export class Flatten extends Module {
  /** Flattens dims `startDim` (default 1) through `endDim` (default -1) into one. */
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }
  forward(input: Tensor): Tensor {
    return input.flatten(this.startDim, this.endDim);
  }
  override nativeStep(): PlanStep {
    return { kind: 'flatten', name: 'Flatten', startDim: this.startDim, endDim: this.endDim };
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** Splits dimension `dim` into `sizes`. */
export class Unflatten extends Module {
  /** Splits dimension `dim` into `sizes` (whose product must be its size; one entry may be -1). */
  constructor(
    readonly dim: number,
    readonly sizes: readonly number[],
  ) {
    super();
  }
  forward(input: Tensor): Tensor {
    return aten.unflatten.int(input, this.dim, this.sizes);
  }
}
