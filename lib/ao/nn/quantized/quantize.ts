/**
 * torch.ao.nn.quantized.Quantize and DeQuantize: what QuantStub and DeQuantStub become after
 * convert: float to quantized with the calibrated scale and zero point, and back.
 * @module
 */
import { Module } from '../../../nn/module.js';
import { aten } from '../../../ops/surface.js';
import type { Tensor } from '../../../tensor/tensor.js';
import { outputQparams } from './utils.js';

/** Quantizes its float input per tensor (`quantize_per_tensor`) with a fixed scale and zero point. */
export class Quantize extends Module {
  /** Quantizes to `dtype` ('quint8' usually) with `scale` and `zeroPoint`. */
  constructor(
    readonly scale: number,
    readonly zeroPoint: number,
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
