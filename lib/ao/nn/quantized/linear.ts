/**
 * torch.ao.nn.quantized.Linear: int8 weights packed for the quantized engine, quantized input and
 * output (`quantized::linear` with the calibrated output scale and zero point). Made by convert
 * from an observed nn.Linear (or, with a ReLU, by intrinsic.quantized.LinearReLU).
 * @module
 */
import { native } from '../../../native.js';
import { Linear as FloatLinear } from '../../../nn/layers/linear.js';
import { Module } from '../../../nn/module.js';
import { Op } from '../../../tensor/op.js';
import { quantizationParams } from '../../../tensor/quantized.js';
import type { Tensor } from '../../../tensor/tensor.js';
import { LinearReLU as FloatLinearReLU } from '../intrinsic/fused.js';
import type { ObserverLike } from '../../quantization/observers/base.js';
import { noGrad } from '../../../tensor/autograd.js';
import { outputQparams, outputQparamsEntries, quantizeWeight, readOutputQparams, type ScriptObject } from './utils.js';

const linearPrepack = new Op<[Tensor, Tensor | null], ScriptObject>('quantized::linear_prepack');
const linearUnpack = new Op<[ScriptObject], [Tensor, Tensor | null]>('quantized::linear_unpack');
const linear = new Op<[Tensor, ScriptObject, number, number], Tensor>('quantized::linear');

/** A statically quantized Linear: quantized (quint8) input, qint8 weights, quantized output. */
export class Linear extends Module {
  /** The packed weight and bias for the engine active when they were packed. */
  protected packed: ScriptObject;
  /** The engine the weights were packed for. */
  readonly engine: string;

  /** From a qint8 weight (per tensor or per channel) and a float bias, with the output's `scale` and `zeroPoint`. */
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    qweight: Tensor,
    bias: Tensor | null,
    public scale: number,
    public zeroPoint: number,
  ) {
    super();
    if (qweight.dtype !== 'qint8') throw new TypeError(`${new.target.name}: the weight must be qint8, got ${qweight.dtype}`);
    this.training = false;
    this.engine = native.quantizedEngine();
    this.packed = linearPrepack.call([qweight, bias]);
  }

  /** PyTorch's `from_float`: the weight observed with the qconfig's weight observer, the output qparams from the module's observer. */
  static fromFloat(module: Module): Linear {
    const { layer, what } = floatLinearOf(module, this.name);
    return new this(
      layer.inFeatures,
      layer.outFeatures,
      weightOf(layer.weight, module, what),
      layer.bias?.detach().clone() ?? null,
      ...qparams(module, what),
    );
  }

  /** The quantized weight (PyTorch's `weight()`). */
  weight(): Tensor {
    return linearUnpack.call([this.packed])[0];
  }
  /** The float bias, or null. */
  bias(): Tensor | null {
    return linearUnpack.call([this.packed])[1];
  }

  forward(input: Tensor): Tensor {
    return linear.call([input, this.packed, this.scale, this.zeroPoint]);
  }

  /** @internal PyTorch's state-dict entries of this layer: the unpacked weight and bias, the output scale and zero point. */
  override stateEntries(): Record<string, Tensor> {
    const [weight, bias] = linearUnpack.call([this.packed]);
    return { weight, ...(bias ? { bias } : {}), ...outputQparamsEntries(this.scale, this.zeroPoint) };
  }

  /** @internal Repacks the weight and bias of a state dict (this layer's or PyTorch's) and takes its scale and zero point. */
  override loadStateEntries(entries: Record<string, Tensor>): void {
    const weight = entries.weight!;
    if (weight.dtype !== 'qint8')
      throw new TypeError(`${this.constructor.name}.loadStateDict: the weight must be qint8, got ${weight.dtype}`);
    this.packed = linearPrepack.call([weight, entries.bias ?? null]);
    ({ scale: this.scale, zeroPoint: this.zeroPoint } = readOutputQparams(entries));
  }

  /** @internal The packed weights, a module attribute in traces (as PyTorch's `_packed_params`). */
  override tracedObjects(): [string, unknown][] {
    return [['_packed_params', this.packed]];
  }

  override extraRepr(): string {
    const qscheme = quantizationParams(this.weight()).scheme;
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, scale=${this.scale}, zero_point=${this.zeroPoint}, qscheme=torch.${qscheme}`;
  }
}

function floatLinearOf(module: Module, name: string): { layer: FloatLinear; what: string } {
  const what = `quantized.${name}.fromFloat`;
  const layer = module instanceof FloatLinearReLU ? module.at(0) : module;
  if (!(layer instanceof FloatLinear)) throw new TypeError(`${what}: expected an nn.Linear, got ${module.constructor.name}`);
  return { layer, what };
}

/**
 * `weight` quantized as PyTorch's from_float does: with the layer's `weight_fake_quant` after
 * quantization-aware training (run once more on the weight, as PyTorch does), else with a fresh
 * observer from the qconfig's weight factory.
 */
export function weightOf(weight: Tensor, observed: Module, what: string): Tensor {
  const fakeQuant = [...observed.namedChildren()].find(([name]) => name === 'weight_fake_quant')?.[1] as ObserverLike | undefined;
  const qconfig = observed.qconfig;
  if (!fakeQuant && !qconfig) throw new Error(`${what}: the module has no qconfig: set model.qconfig and run prepare(model) first`);
  const observer = fakeQuant ?? qconfig!.weight();
  noGrad(() => observer.forward(weight));
  return quantizeWeight(weight, observer);
}

/** The observed module's output scale and zero point. */
export function qparams(observed: Module, what: string): [number, number] {
  const { scale, zeroPoint } = outputQparams(observed, what);
  return [scale, zeroPoint];
}
