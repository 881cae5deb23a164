/**
 * torch.ao.nn.qat.Linear: an nn.Linear whose weight passes a fake-quantize module
 * (`weight_fake_quant`) on every forward, so training sees int8 weights; made by prepareQat.
 * @module
 */
import { Linear as FloatLinear } from '../../../nn/layers/linear.js';
import type { Module } from '../../../nn/module.js';
import type { PlanStep } from '../../../nn/sequential-plan.js';
import * as F from '../../../nn/functional.js';
import type { Tensor } from '../../../tensor/tensor.js';
import type { ObserverLike } from '../../quantization/observers/base.js';
import type { QConfig } from '../../quantization/qconfig.js';
import { LinearReLU as FloatLinearReLU } from '../intrinsic/fused.js';

/** A Linear layer for quantization-aware training: its weight fake-quantized with `qconfig.weight`. */
export class Linear extends FloatLinear {
  /** The weight's fake-quantize module (child `weight_fake_quant`). */
  readonly weightFakeQuant: ObserverLike;

  /** A QAT Linear (`inFeatures` to `outFeatures`) fake-quantizing its weight with `qconfig.weight()`. */
  constructor(inFeatures: number, outFeatures: number, options: { bias?: boolean; qconfig: QConfig }) {
    super(inFeatures, outFeatures, { bias: options.bias });
    if (!options.qconfig) throw new TypeError(`${new.target.name}: a qconfig is required`);
    this.qconfig = options.qconfig;
    this.weightFakeQuant = this.registerModule('weight_fake_quant', options.qconfig.weight());
  }

  /** PyTorch's `from_float`: a QAT layer sharing the float layer's (nn.Linear, or a fused LinearReLU's) weight and bias. */
  static fromFloat(module: Module): Linear {
    const what = `qat.${this.name}.fromFloat`;
    const { qconfig } = module;
    if (!qconfig) throw new Error(`${what}: the module has no qconfig`);
    const layer = module instanceof FloatLinearReLU ? module.at(0) : module;
    if (!(layer instanceof FloatLinear)) throw new TypeError(`${what}: expected an nn.Linear, got ${module.constructor.name}`);
    const qat = new this(layer.inFeatures, layer.outFeatures, { bias: layer.bias !== null, qconfig });
    qat.replaceParameter('weight', layer.weight);
    qat.replaceParameter('bias', layer.bias);
    qat.training = module.training;
    return qat;
  }

  /** The fake-quantized weight this forward uses. */
  protected fakeQuantizedWeight(): Tensor {
    return this.weightFakeQuant.forward(this.weight) as Tensor;
  }

  override forward(input: Tensor): Tensor {
    return F.linear(input, this.fakeQuantizedWeight(), { bias: this.bias });
  }

  /** @internal Never in a native plan: the weight is fake-quantized on every call. */
  override nativeStep(): PlanStep | null {
    return null;
  }
}
