/**
 * torch.ao.nn.qat.Conv2d: an nn.Conv2d whose weight passes a fake-quantize module
 * (`weight_fake_quant`) on every forward; made by prepareQat.
 * @module
 */
import { Conv2d as FloatConv2d, type ConvLayerOptions } from '../../../nn/layers/conv.js';
import type { Module } from '../../../nn/module.js';
import type { PlanStep } from '../../../nn/sequential-plan.js';
import type { Tensor } from '../../../tensor/tensor.js';
import type { ObserverLike } from '../../quantization/observers/base.js';
import type { QConfig } from '../../quantization/qconfig.js';
import { ConvReLU2d as FloatConvReLU2d } from '../intrinsic/fused.js';

/** The geometry of a float Conv2d, as its constructor takes it. */
export function convGeometry(conv: FloatConv2d): [number, number, number[], ConvLayerOptions] {
  const { stride, padding, dilation, groups, paddingMode } = conv;
  return [conv.inChannels, conv.outChannels, conv.kernelSize, { stride, padding, dilation, groups, paddingMode, bias: conv.bias !== null }];
}

/** A Conv2d layer for quantization-aware training: its weight fake-quantized with `qconfig.weight`. */
export class Conv2d extends FloatConv2d {
  /** The weight's fake-quantize module (child `weight_fake_quant`). */
  readonly weightFakeQuant: ObserverLike;

  /** A QAT Conv2d with nn.Conv2d's arguments, fake-quantizing its weight with `qconfig.weight()`. */
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options: ConvLayerOptions & { qconfig: QConfig }) {
    const { qconfig, ...convOptions } = options;
    super(inChannels, outChannels, kernelSize, convOptions);
    if (!qconfig) throw new TypeError(`${new.target.name}: a qconfig is required`);
    this.qconfig = qconfig;
    this.registerChildren(options);
    this.weightFakeQuant = this.registerModule('weight_fake_quant', qconfig.weight());
  }

  /** Registers children that come before `weight_fake_quant` in PyTorch's order (ConvBn2d's `bn`). */
  protected registerChildren(_options: ConvLayerOptions & { qconfig: QConfig }): void {}

  /** PyTorch's `from_float`: a QAT layer sharing the float layer's (nn.Conv2d, or a fused ConvReLU2d's) weight and bias. */
  static fromFloat(module: Module): Conv2d {
    const what = `qat.${this.name}.fromFloat`;
    const { qconfig } = module;
    if (!qconfig) throw new Error(`${what}: the module has no qconfig`);
    const conv = module instanceof FloatConvReLU2d ? module.at(0) : module;
    if (!(conv instanceof FloatConv2d)) throw new TypeError(`${what}: expected an nn.Conv2d, got ${module.constructor.name}`);
    const [inChannels, outChannels, kernelSize, options] = convGeometry(conv);
    const qat = new this(inChannels, outChannels, kernelSize, { ...options, qconfig });
    qat.replaceParameter('weight', conv.weight);
    qat.replaceParameter('bias', conv.bias);
    qat.training = module.training;
    return qat;
  }

  override forward(input: Tensor): Tensor {
    return this.convForward(input, this.weightFakeQuant.forward(this.weight) as Tensor, this.bias);
  }

  /** @internal Never in a native plan: the weight is fake-quantized on every call. */
  override nativeStep(): PlanStep | null {
    return null;
  }
}
