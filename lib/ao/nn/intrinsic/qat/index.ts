/**
 * torch.ao.nn.intrinsic.qat: fused layers for quantization-aware training, made by prepareQat from
 * the modules fuseModulesQat makes. ConvBn2d keeps the batch norm training (its statistics still
 * update) while the conv weight is fake-quantized with the batch norm folded in, PyTorch's
 * approximate fused forward (`_forward_approximate`), so convert can fold it for good.
 * @module
 */
import { Conv2d as FloatConv2d } from '../../../../nn/layers/conv.js';
import { BatchNorm2d } from '../../../../nn/layers/normalization.js';
import type { Module } from '../../../../nn/module.js';
import { fuseConvBnWeights } from '../../../../nn/utils/fusion.js';
import { zeros, zerosLike } from '../../../../ops/functions.generated.js';
import { noGrad } from '../../../../tensor/autograd.js';
import type { Tensor } from '../../../../tensor/tensor.js';
import { Conv2d as QatConv2d, convGeometry } from '../../qat/conv.js';
import { Linear as QatLinear } from '../../qat/linear.js';
import {
  ConvBn2d as FloatConvBn2d,
  ConvBnReLU2d as FloatConvBnReLU2d,
  ConvReLU2d as FloatConvReLU2d,
  LinearReLU as FloatLinearReLU,
} from '../fused.js';

/** QAT Linear followed by ReLU (from a fused LinearReLU). */
export class LinearReLU extends QatLinear {
  /** From an intrinsic LinearReLU with a qconfig. */
  static override fromFloat(module: Module): LinearReLU {
    if (!(module instanceof FloatLinearReLU))
      throw new TypeError(`intrinsic.qat.LinearReLU.fromFloat: expected an intrinsic LinearReLU, got ${module.constructor.name}`);
    return super.fromFloat(module);
  }
  override forward(input: Tensor): Tensor {
    return super.forward(input).relu();
  }
}

/** QAT Conv2d followed by ReLU (from a fused ConvReLU2d). */
export class ConvReLU2d extends QatConv2d {
  /** From an intrinsic ConvReLU2d with a qconfig. */
  static override fromFloat(module: Module): ConvReLU2d {
    if (!(module instanceof FloatConvReLU2d))
      throw new TypeError(`intrinsic.qat.ConvReLU2d.fromFloat: expected an intrinsic ConvReLU2d, got ${module.constructor.name}`);
    return super.fromFloat(module);
  }
  override forward(input: Tensor): Tensor {
    return super.forward(input).relu();
  }
}

/**
 * QAT Conv2d with its BatchNorm2d (child `bn`): the forward scales the conv weight by the batch
 * norm's `weight / sqrt(running_var + eps)` before fake-quantizing it, divides the scale back out
 * of the conv's output, adds the conv bias and runs the batch norm (training: batch statistics,
 * running ones updated). `freezeBnStats()` keeps the batch norm in eval mode from then on.
 */
export class ConvBn2d extends QatConv2d {
  /** The batch norm (its parameters and statistics are the float model's). */
  declare readonly bn: BatchNorm2d;
  /** Whether the batch norm's statistics are frozen. */
  freezeBn: boolean;

  /** A QAT conv with nn.Conv2d's arguments holding `bn`. */
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | number[],
    options: ConstructorParameters<typeof QatConv2d>[3] & { bn: BatchNorm2d; freezeBn?: boolean },
  ) {
    super(inChannels, outChannels, kernelSize, options);
    this.freezeBn = options.freezeBn ?? false;
  }

  // The batch norm comes before the weight's fake quantization, as in PyTorch's state dicts.
  protected override registerChildren(options: ConstructorParameters<typeof QatConv2d>[3] & { bn?: BatchNorm2d }): void {
    const bn = options.bn;
    if (!(bn instanceof BatchNorm2d) || bn.numFeatures !== this.outChannels)
      throw new TypeError(`${this.constructor.name}: bn must be a BatchNorm2d of ${this.outChannels} features`);
    (this as { bn: BatchNorm2d }).bn = this.registerModule('bn', bn);
  }

  /** PyTorch's `from_float` from an intrinsic ConvBn2d (sharing its conv's weight and bias and its batch norm). */
  static override fromFloat(module: Module): ConvBn2d {
    const what = `intrinsic.qat.${this.name}.fromFloat`;
    const expected = this === ConvBn2d ? FloatConvBn2d : FloatConvBnReLU2d;
    if (!(module instanceof expected))
      throw new TypeError(`${what}: expected an intrinsic ${expected.name}, got ${module.constructor.name}`);
    const { qconfig } = module;
    if (!qconfig) throw new Error(`${what}: the module has no qconfig`);
    const [conv, bn] = [module.at(0) as FloatConv2d, module.at(1) as BatchNorm2d];
    if (conv.training !== bn.training) throw new Error(`${what}: the conv and the batch norm must both be in training or in eval mode`);
    const [inChannels, outChannels, kernelSize, options] = convGeometry(conv);
    const qat = new this(inChannels, outChannels, kernelSize, { ...options, qconfig: qconfig, bn });
    qat.replaceParameter('weight', conv.weight);
    qat.replaceParameter('bias', conv.bias);
    qat.training = module.training;
    return qat;
  }

  /** Training mode for this layer; the batch norm follows unless its statistics are frozen. */
  override train(mode = true): this {
    this.training = mode;
    for (const child of this.children()) if (child !== this.bn || !this.freezeBn) child.train(mode);
    return this;
  }

  /** Stops updating the batch norm's statistics (it runs in eval mode), as PyTorch's freeze_bn_stats. */
  freezeBnStats(): this {
    this.freezeBn = true;
    this.bn.training = false;
    return this;
  }
  /** Resumes updating them, as PyTorch's update_bn_stats. */
  updateBnStats(): this {
    this.freezeBn = false;
    this.bn.training = this.training;
    return this;
  }

  override forward(input: Tensor): Tensor {
    const bn = this.bn;
    const runningStd = bn.runningVar!.add(bn.eps).sqrt();
    const scaleFactor = bn.weight!.div(runningStd);
    const scaledWeight = this.weightFakeQuant.forward(this.weight.mul(scaleFactor.reshape([-1, 1, 1, 1]))) as Tensor;
    const zeroBias = this.bias ? zerosLike(this.bias, { dtype: input.dtype }) : zeros([this.outChannels], { dtype: input.dtype });
    const conv = this.convForward(input, scaledWeight, zeroBias);
    let convOrig = conv.div(scaleFactor.reshape([1, -1, 1, 1]));
    if (this.bias) convOrig = convOrig.add(this.bias.reshape([1, -1, 1, 1]));
    return bn.forward(convOrig);
  }

  /** The conv weight and bias with the batch norm's running statistics folded in (what convert quantizes). */
  foldedWeights(): [Tensor, Tensor] {
    const bn = this.bn;
    return noGrad(() => fuseConvBnWeights(this.weight, this.bias, bn.runningMean!, bn.runningVar!, bn.eps, bn.weight, bn.bias));
  }
}

/** ConvBn2d followed by ReLU (from a fused ConvBnReLU2d). */
export class ConvBnReLU2d extends ConvBn2d {
  override forward(input: Tensor): Tensor {
    return super.forward(input).relu();
  }
}
