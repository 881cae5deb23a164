/**
 * torch.ao.nn.quantized.Conv2d: int8 weights packed for the quantized engine, quantized input and
 * output (`quantized::conv2d.new` with the calibrated output scale and zero point). Made by
 * convert from an observed nn.Conv2d (or, with a ReLU, by intrinsic.quantized.ConvReLU2d).
 * @module
 */
import { native } from '../../../native.js';
import { Conv2d as FloatConv2d } from '../../../nn/layers/conv.js';
import { Module } from '../../../nn/module.js';
import { Op } from '../../../tensor/op.js';
import type { Tensor } from '../../../tensor/tensor.js';
import { ConvReLU2d as FloatConvReLU2d } from '../intrinsic/fused.js';
import { ConvBn2d as QatConvBn2d } from '../intrinsic/qat/index.js';
import { qparams, weightOf } from './linear.js';
import { outputQparamsEntries, readOutputQparams, type ScriptObject } from './utils.js';

type PrepackArgs = [Tensor, Tensor | null, number[], number[], number[], number];
const conv2dPrepack = new Op<PrepackArgs, ScriptObject>('quantized::conv2d_prepack');
const conv2dUnpack = new Op<[ScriptObject], [Tensor, Tensor | null]>('quantized::conv2d_unpack');
const conv2d = new Op<[Tensor, ScriptObject, number, number], Tensor>('quantized::conv2d', 'new');

/** The geometry of a quantized convolution. */
export interface QuantizedConvOptions {
  /** Stride per spatial dimension. */
  stride: number[];
  /** Zero padding per spatial dimension. */
  padding: number[];
  /** Dilation per spatial dimension. */
  dilation: number[];
  /** Channel groups. */
  groups: number;
}

/** A statically quantized 2-D convolution (zero padding): quantized (quint8) input, qint8 weights, quantized output. */
export class Conv2d extends Module {
  /** The packed weight and bias for the engine active when they were packed. */
  protected packed: ScriptObject;
  /** The engine the weights were packed for. */
  readonly engine: string;
  /** Stride, padding, dilation, groups. */
  readonly options: QuantizedConvOptions;

  /** From a qint8 weight (out, in / groups, kH, kW), a float bias and the output's `scale` and `zeroPoint`. */
  constructor(
    qweight: Tensor,
    bias: Tensor | null,
    options: QuantizedConvOptions,
    public scale: number,
    public zeroPoint: number,
  ) {
    super();
    if (qweight.dtype !== 'qint8') throw new TypeError(`${new.target.name}: the weight must be qint8, got ${qweight.dtype}`);
    if (qweight.dim() !== 4) throw new RangeError(`${new.target.name}: the weight must be 4-dim, got shape [${qweight.shape.join(', ')}]`);
    this.training = false;
    this.options = options;
    this.engine = native.quantizedEngine();
    this.packed = conv2dPrepack.call([qweight, bias, options.stride, options.padding, options.dilation, options.groups]);
  }

  /** PyTorch's `from_float`: an observed nn.Conv2d (zero padding) or fused ConvReLU2d. */
  static fromFloat(module: Module): Conv2d {
    const what = `quantized.${this.name}.fromFloat`;
    const layer = module instanceof FloatConvReLU2d ? module.at(0) : module;
    if (!(layer instanceof FloatConv2d)) throw new TypeError(`${what}: expected an nn.Conv2d, got ${module.constructor.name}`);
    if (layer.paddingMode !== 'zeros' || typeof layer.padding === 'string')
      throw new TypeError(
        `${what}: only zero padding with explicit sizes is supported, got paddingMode '${layer.paddingMode}', padding ${JSON.stringify(layer.padding)}`,
      );
    const options = { stride: layer.stride, padding: layer.padding, dilation: layer.dilation, groups: layer.groups };
    // After quantization-aware training with a batch norm, it is folded into the weights for good.
    const [weight, bias] = module instanceof QatConvBn2d ? module.foldedWeights() : [layer.weight, layer.bias];
    return new this(weightOf(weight, module, what), bias?.detach().clone() ?? null, options, ...qparams(module, what));
  }

  /** The quantized weight (PyTorch's `weight()`). */
  weight(): Tensor {
    return conv2dUnpack.call([this.packed])[0];
  }
  /** The float bias, or null. */
  bias(): Tensor | null {
    return conv2dUnpack.call([this.packed])[1];
  }

  forward(input: Tensor): Tensor {
    if (input.dim() !== 4)
      throw new RangeError(`${this.constructor.name}: expected a 4-dim (N, C, H, W) input, got shape [${input.shape.join(', ')}]`);
    return this.run(input);
  }

  /** @internal PyTorch's state-dict entries of this layer: the unpacked weight and bias, the output scale and zero point. */
  override stateEntries(): Record<string, Tensor> {
    const [weight, bias] = conv2dUnpack.call([this.packed]);
    return { weight, ...(bias ? { bias } : {}), ...outputQparamsEntries(this.scale, this.zeroPoint) };
  }

  /** @internal Repacks the weight and bias of a state dict (this layer's or PyTorch's) and takes its scale and zero point. */
  override loadStateEntries(entries: Record<string, Tensor>): void {
    const weight = entries.weight!;
    if (weight.dtype !== 'qint8')
      throw new TypeError(`${this.constructor.name}.loadStateDict: the weight must be qint8, got ${weight.dtype}`);
    const { stride, padding, dilation, groups } = this.options;
    this.packed = conv2dPrepack.call([weight, entries.bias ?? null, stride, padding, dilation, groups]);
    ({ scale: this.scale, zeroPoint: this.zeroPoint } = readOutputQparams(entries));
  }

  /** The convolution op (with a ReLU in the intrinsic subclass). */
  protected run(input: Tensor): Tensor {
    return conv2d.call([input, this.packed, this.scale, this.zeroPoint]);
  }

  /** @internal The packed weights, a module attribute in traces (as PyTorch's `_packed_params`). */
  override tracedObjects(): [string, unknown][] {
    return [['_packed_params', this.packed]];
  }

  override extraRepr(): string {
    const w = this.weight();
    const [out, inPerGroup, ...kernel] = w.shape;
    const { stride, padding, groups } = this.options;
    const pad = padding.some((p) => p !== 0) ? `, padding=(${padding.join(', ')})` : '';
    return `${inPerGroup! * groups}, ${out}, kernel_size=(${kernel.join(', ')}), stride=(${stride.join(', ')}), scale=${this.scale}, zero_point=${this.zeroPoint}${pad}${groups !== 1 ? `, groups=${groups}` : ''}`;
  }
}
