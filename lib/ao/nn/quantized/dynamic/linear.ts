/**
 * torch.ao.nn.quantized.dynamic.Linear: int8 weights packed for the quantized engine; activations
 * are quantized on the fly per batch (`quantized::linear_dynamic`), outputs are float. Built from a
 * float nn.Linear with `fromFloat` (what quantizeDynamic does); traces and saves as TorchScript
 * with the packed weights as a module attribute, as PyTorch's does.
 */
import { native } from '../../../../native.js';
import { Module } from '../../../../nn/module.js';
import { Linear as FloatLinear } from '../../../../nn/layers/linear.js';
import { aten } from '../../../../ops/surface.js';
import { Op } from '../../../../tensor/op.js';
import type { Tensor } from '../../../../tensor/tensor.js';
import { MinMaxObserver } from '../../../quantization/observers/min-max.js';
import { outputQparamsEntries, type ScriptObject } from '../utils.js';

const linearPrepack = new Op<[Tensor, Tensor | null], ScriptObject>('quantized::linear_prepack');
const linearUnpack = new Op<[ScriptObject], [Tensor, Tensor | null]>('quantized::linear_unpack');
const linearDynamic = new Op<[Tensor, ScriptObject, boolean], Tensor>('quantized::linear_dynamic');

/** Dynamically quantized Linear (qint8 weights, float in and out). */
export class Linear extends Module {
  /** The packed weight and bias for the engine that was active when they were packed. */
  private packed: ScriptObject;
  /** The engine the weights were packed for (qnnpack ignores reduceRange and warns on it). */
  readonly engine: string;

  /** From an already quantized (qint8) weight and a float bias. */
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    qweight: Tensor,
    bias: Tensor | null,
  ) {
    super();
    if (qweight.dtype !== 'qint8') throw new TypeError(`quantized.dynamic.Linear: the weight must be qint8, got ${qweight.dtype}`);
    this.engine = native.quantizedEngine();
    this.packed = linearPrepack.call([qweight, bias]);
  }

  /** PyTorch's `from_float`: observes the weight (MinMax, per-tensor symmetric qint8), quantizes and packs it. */
  static fromFloat(linear: FloatLinear, observer = new MinMaxObserver({ dtype: 'qint8', qscheme: 'per_tensor_symmetric' })): Linear {
    if (!(linear instanceof FloatLinear)) throw new TypeError('quantized.dynamic.Linear.fromFloat: expected an nn.Linear');
    observer.forward(linear.weight);
    const { scale, zeroPoint } = observer.calculateQparams();
    const qweight = aten.quantize_per_tensor.default(linear.weight.detach().float(), scale.item(), zeroPoint.item(), observer.dtype);
    return new Linear(linear.inFeatures, linear.outFeatures, qweight, linear.bias?.detach() ?? null);
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
    // Python's dynamic Linear passes reduce_range=True; qnnpack ignores it (and warns), so false there.
    return linearDynamic.call([input, this.packed, this.engine !== 'qnnpack']);
  }

  /** @internal PyTorch's state-dict entries: the unpacked weight and bias, and scale 1 and zero point 0 (dynamic layers keep them too). */
  override stateEntries(): Record<string, Tensor> {
    const [weight, bias] = linearUnpack.call([this.packed]);
    return { weight, ...(bias ? { bias } : {}), ...outputQparamsEntries(1, 0) };
  }
  /** @internal Repacks the weight and bias of a state dict (this layer's or PyTorch's). */
  override loadStateEntries(entries: Record<string, Tensor>): void {
    const weight = entries.weight!;
    if (weight.dtype !== 'qint8')
      throw new TypeError(`quantized.dynamic.Linear.loadStateDict: the weight must be qint8, got ${weight.dtype}`);
    this.packed = linearPrepack.call([weight, entries.bias ?? null]);
  }

  /** @internal The packed weights, a module attribute in traces (as `_packed_params`). */
  override tracedObjects(): [string, unknown][] {
    return [['_packed_params', this.packed]];
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, dtype=torch.qint8, qscheme=torch.per_tensor_affine`;
  }
}
