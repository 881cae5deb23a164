/**
 * torch.ao.nn.quantized.Quantize and DeQuantize: what QuantStub and DeQuantStub become after
 * convert: float to quantized with the calibrated scale and zero point, and back.
 * @module
 */
import { Module } from '../../../nn/module.js';
import { aten } from '../../../ops/surface.js';
import type { Tensor } from '../../../tensor/tensor.js';
import { tensor } from '../../../tensor/creation.js';
import { outputQparams, readOutputQparams } from './utils.js';

/** Quantizes its float input per tensor (`quantize_per_tensor`) with a fixed scale and zero point. */
export class Quantize extends Module {
  /** Quantizes to `dtype` ('quint8' usually) with `scale` and `zeroPoint`. */
  constructor(
    public scale: number,
    public zeroPoint: number,
    readonly dtype: 'quint8' | 'qint8' | 'qint32',
  ) {
    super();
    if (!(scale > 0 && Number.isFinite(scale))) throw new RangeError(`quantized.Quantize: scale must be positive and finite, got ${scale}`);
    if (!Number.isInteger(zeroPoint)) throw new RangeError(`quantized.Quantize: zeroPoint must be an integer, got ${zeroPoint}`);
    this.training = false;
  }

  /** From an observed QuantStub: its observer's scale, zero point and dtype. */
  static fromFloat(stub: Module): Quantize {
    const { scale, zeroPoint, dtype } = outputQparams(stub, 'quantized.Quantize.fromFloat');
    return new Quantize(scale, zeroPoint, dtype as 'quint8');
  }

  forward(x: Tensor): Tensor {
    return aten.quantize_per_tensor.default(x, this.scale, this.zeroPoint, this.dtype);
  }

  /** @internal PyTorch's state-dict entries (its buffers there): `scale` [1] float32 and `zero_point` [1] int64. */
  override stateEntries(): Record<string, Tensor> {
    return { scale: tensor([this.scale], { dtype: 'float32' }), zero_point: tensor([this.zeroPoint], { dtype: 'int64' }) };
  }
  /** @internal Takes the scale and zero point of a state dict. */
  override loadStateEntries(entries: Record<string, Tensor>): void {
    ({ scale: this.scale, zeroPoint: this.zeroPoint } = readOutputQparams(entries));
  }

  override extraRepr(): string {
    return `scale=tensor([${this.scale.toPrecision(4)}]), zero_point=tensor([${this.zeroPoint}]), dtype=torch.${this.dtype}`;
  }
}

/** Dequantizes its quantized input to float32. */
export class DeQuantize extends Module {
  /** A dequantizing layer (no state). */
  constructor() {
    super();
    this.training = false;
  }

  /** From a DeQuantStub (nothing to carry over). */
  static fromFloat(_stub: Module): DeQuantize {
    return new DeQuantize();
  }

  forward(x: Tensor): Tensor {
    return x.dequantize();
  }
}
