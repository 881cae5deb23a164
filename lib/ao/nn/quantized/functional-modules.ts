/**
 * torch.ao.nn.quantized.FloatFunctional and QFunctional: tensor arithmetic (add, mul, cat...) as a
 * module, so eager-mode quantization can observe its output in float and run it on quantized
 * tensors with the calibrated scale and zero point after convert (a residual add, for instance).
 * @module
 */
import { Identity } from '../../../nn/layers/linear.js';
import { Module } from '../../../nn/module.js';
import { cat } from '../../../ops/functions.generated.js';
import { Op } from '../../../tensor/op.js';
import type { Tensor } from '../../../tensor/tensor.js';
import { outputQparams, outputQparamsEntries, readOutputQparams } from './utils.js';

/** The float arithmetic module: call its methods (add, mul, cat...), not forward. Its output passes `activation_post_process`. */
export class FloatFunctional extends Module {
  /** Identity until prepare puts an observer here. */
  activationPostProcess: Module;

  /** A FloatFunctional with an Identity `activation_post_process`. */
  constructor() {
    super();
    this.activationPostProcess = this.registerModule('activation_post_process', new Identity());
  }

  forward(): never {
    throw new Error(
      'FloatFunctional is not meant to be called with forward: use its operations (add, mul, cat, addRelu, addScalar, mulScalar)',
    );
  }

  private observe(x: Tensor): Tensor {
    return this.activationPostProcess.forward(x) as Tensor;
  }

  /** `x + y`, observed. */
  add(x: Tensor, y: Tensor): Tensor {
    return this.observe(x.add(y));
  }
  /** `x + y` (not observed: the quantized op keeps the input's parameters). */
  addScalar(x: Tensor, y: number): Tensor {
    return x.add(y);
  }
  /** `x * y`, observed. */
  mul(x: Tensor, y: Tensor): Tensor {
    return this.observe(x.mul(y));
  }
  /** `x * y` (not observed). */
  mulScalar(x: Tensor, y: number): Tensor {
    return x.mul(y);
  }
  /** `torch.cat(xs, dim)`, observed. */
  cat(xs: Tensor[], dim = 0): Tensor {
    return this.observe(cat(xs, dim));
  }
  /** `relu(x + y)`, observed. */
  addRelu(x: Tensor, y: Tensor): Tensor {
    return this.observe(x.add(y).relu());
  }
}

const qadd = new Op<[Tensor, Tensor, number, number], Tensor>('quantized::add');
const qaddRelu = new Op<[Tensor, Tensor, number, number], Tensor>('quantized::add_relu');
const qmul = new Op<[Tensor, Tensor, number, number], Tensor>('quantized::mul');
const qcat = new Op<[Tensor[], number, number | null, number | null], Tensor>('quantized::cat');
const qaddScalar = new Op<[Tensor, number], Tensor>('quantized::add_scalar');
const qmulScalar = new Op<[Tensor, number], Tensor>('quantized::mul_scalar');

/** The quantized counterpart of FloatFunctional: each op's output quantized with the calibrated `scale` and `zeroPoint`. */
export class QFunctional extends Module {
  /** Output quantization parameters. */
  constructor(
    public scale = 1,
    public zeroPoint = 0,
  ) {
    super();
    this.training = false;
  }

  /** From an observed FloatFunctional: its observer's scale and zero point. */
  static fromFloat(module: Module): QFunctional {
    if (!(module instanceof FloatFunctional))
      throw new TypeError(`quantized.QFunctional.fromFloat: expected a FloatFunctional, got ${module.constructor.name}`);
    const { scale, zeroPoint } = outputQparams(module, 'quantized.QFunctional.fromFloat');
    return new QFunctional(scale, zeroPoint);
  }

  forward(): never {
    throw new Error(
      'QFunctional is not meant to be called with forward: use its operations (add, mul, cat, addRelu, addScalar, mulScalar)',
    );
  }

  /** `x + y` of quantized tensors. */
  add(x: Tensor, y: Tensor): Tensor {
    return qadd.call([x, y, this.scale, this.zeroPoint]);
  }
  /** `x + y` for a number `y` (the output keeps adjusted input parameters, as PyTorch's). */
  addScalar(x: Tensor, y: number): Tensor {
    return qaddScalar.call([x, y]);
  }
  /** `x * y` of quantized tensors. */
  mul(x: Tensor, y: Tensor): Tensor {
    return qmul.call([x, y, this.scale, this.zeroPoint]);
  }
  /** `x * y` for a number `y`. */
  mulScalar(x: Tensor, y: number): Tensor {
    return qmulScalar.call([x, y]);
  }
  /** Concatenation of quantized tensors along `dim`. */
  cat(xs: Tensor[], dim = 0): Tensor {
    return qcat.call([xs, dim, this.scale, this.zeroPoint]);
  }
  /** `relu(x + y)` of quantized tensors. */
  addRelu(x: Tensor, y: Tensor): Tensor {
    return qaddRelu.call([x, y, this.scale, this.zeroPoint]);
  }

  /** @internal PyTorch's state-dict entries: the output scale and zero point. */
  override stateEntries(): Record<string, Tensor> {
    return outputQparamsEntries(this.scale, this.zeroPoint);
  }
  /** @internal Takes the scale and zero point of a state dict. */
  override loadStateEntries(entries: Record<string, Tensor>): void {
    ({ scale: this.scale, zeroPoint: this.zeroPoint } = readOutputQparams(entries));
  }

  override extraRepr(): string {
    return `scale=${this.scale}, zero_point=${this.zeroPoint}`;
  }
}
