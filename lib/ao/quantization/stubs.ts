/**
 * QuantStub, DeQuantStub and QuantWrapper: where a float model's quantized part begins and ends in
 * eager-mode quantization. Identity in float; convert makes them Quantize (with the calibrated
 * scale and zero point) and DeQuantize.
 * @module
 */
import { Module } from '../../nn/module.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { QConfig } from './qconfig.js';

/** Marks where float values become quantized; observed by prepare, a Quantize after convert. */
export class QuantStub extends Module {
  /** A stub, with its own `qconfig` if given (else the one propagated from its parent). */
  constructor(qconfig?: QConfig) {
    super();
    if (qconfig) this.qconfig = qconfig;
  }
  forward(x: Tensor): Tensor {
    return x;
  }
}

/** Marks where quantized values become float again; a DeQuantize after convert. */
export class DeQuantStub extends Module {
  /** A stub, with its own `qconfig` if given. */
  constructor(qconfig?: QConfig) {
    super();
    if (qconfig) this.qconfig = qconfig;
  }
  forward(x: Tensor): Tensor {
    return x;
  }
}

/** Wraps a module between a QuantStub and a DeQuantStub (children `quant`, `dequant`, `module`), as PyTorch's QuantWrapper. */
export class QuantWrapper extends Module {
  /** The stub quantizing the input. */
  readonly quant: QuantStub;
  /** The stub dequantizing the output. */
  readonly dequant: DeQuantStub;
  /** The wrapped module. */
  readonly module: Module;

  /** Wraps `module`; the stubs take its qconfig. */
  constructor(module: Module) {
    super();
    const qconfig = module.qconfig ?? undefined;
    this.quant = this.registerModule('quant', new QuantStub(qconfig));
    this.dequant = this.registerModule('dequant', new DeQuantStub(qconfig));
    this.module = this.registerModule('module', module);
    this.training = module.training;
  }
  forward(x: Tensor): Tensor {
    return this.dequant.forward(this.module.forward(this.quant.forward(x)) as Tensor);
  }
}
