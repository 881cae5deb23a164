/**
 * Fake quantization for quantization-aware training (PyTorch's torch/ao/quantization/fake_quantize.py):
 * modules that quantize and dequantize in float (`fake_quantize_per_tensor_affine` /
 * `_per_channel_affine`, gradients straight through inside the range) while an observer tracks the
 * range, so training sees int8 rounding. FusedMovingAvgObsFakeQuantize does observer and fake
 * quantization in one ATen op, as PyTorch's default QAT qconfigs do.
 * @module
 */
import { Module } from '../../nn/module.js';
import { fakeQuantizePerChannelAffine, fusedMovingAvgObsFakeQuant } from '../../ops/functions.generated.js';
import { aten } from '../../ops/surface.js';
import { noGrad } from '../../tensor/autograd.js';
import { tensor } from '../../tensor/creation.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { ObserverFactory, Qparams, QScheme, QuantizedDType } from './observers/base.js';
import { MovingAverageMinMaxObserver, type MovingAverageMinMaxObserverOptions } from './observers/min-max.js';
import { MovingAveragePerChannelMinMaxObserver, type MovingAveragePerChannelMinMaxObserverOptions } from './observers/per-channel.js';

/** The observers fake-quantize modules can hold (moving-average ones: training moves the range). */
export type MovingAverageObserver = MovingAverageMinMaxObserver | MovingAveragePerChannelMinMaxObserver;
/** An observer class a fake-quantize module builds its observer from. */
export type FakeQuantizeObserverClass = new (options?: never) => MovingAverageObserver;

/** Options of {@link FakeQuantize}: the observer class and its options, as PyTorch's `**observer_kwargs`. */
export interface FakeQuantizeOptions
  extends MovingAverageMinMaxObserverOptions, Omit<MovingAveragePerChannelMinMaxObserverOptions, 'qscheme'> {
  /** The observer class (default MovingAverageMinMaxObserver). */
  observer?: FakeQuantizeObserverClass;
}

/** Base of fake-quantize modules: the enable flags (buffers) and the qparams they hold. */
export abstract class FakeQuantizeBase extends Module {
  /** The range observer (child `activation_post_process`). */
  readonly activationPostProcess: MovingAverageObserver;
  /** The `scale` buffer (float32, one per tensor or per channel). */
  scale: Tensor;
  /** The `zero_point` buffer (int32). */
  zeroPoint: Tensor;
  /** The `fake_quant_enabled` buffer. */
  protected fakeQuantEnabled: Tensor;
  /** The `observer_enabled` buffer. */
  protected observerEnabled: Tensor;

  /** Builds the observer from `options` and the flag buffers in `flagDtype` (uint8 for FakeQuantize, int64 for the fused one, as PyTorch's). */
  protected constructor(options: FakeQuantizeOptions, flagDtype: 'uint8' | 'int64') {
    super();
    const { observer: Observer = MovingAverageMinMaxObserver, ...observerOptions } = options;
    if (options.quantMin !== undefined && options.quantMax !== undefined && !(options.quantMin <= options.quantMax))
      throw new RangeError(`${new.target.name}: quantMin (${options.quantMin}) must be at most quantMax (${options.quantMax})`);
    this.fakeQuantEnabled = this.registerBuffer('fake_quant_enabled', tensor([1], { dtype: flagDtype }));
    this.observerEnabled = this.registerBuffer('observer_enabled', tensor([1], { dtype: flagDtype }));
    this.scale = this.registerBuffer('scale', tensor([1], { dtype: 'float32' }));
    this.zeroPoint = this.registerBuffer('zero_point', tensor([0], { dtype: 'int32' }));
    this.activationPostProcess = this.registerModule('activation_post_process', new Observer(observerOptions as never));
  }

  /** The quantized dtype simulated. */
  get dtype(): QuantizedDType {
    return this.activationPostProcess.dtype;
  }
  /** The observer's scheme. */
  get qscheme(): QScheme {
    return this.activationPostProcess.qscheme;
  }
  /** The channel axis (-1 per tensor). */
  get chAxis(): number {
    return this.activationPostProcess instanceof MovingAveragePerChannelMinMaxObserver ? this.activationPostProcess.chAxis : -1;
  }
  /** Whether parameters are per channel. */
  get isPerChannel(): boolean {
    return this.qscheme.startsWith('per_channel');
  }
  /** The smallest integer of the simulated range. */
  get quantMin(): number {
    return this.activationPostProcess.quantMin;
  }
  /** The largest integer of the simulated range. */
  get quantMax(): number {
    return this.activationPostProcess.quantMax;
  }
  /** Whether the observer has seen any values. */
  get hasObserved(): boolean {
    return this.activationPostProcess.hasObserved;
  }

  /** The observer's parameters for what it saw. */
  calculateQparams(): Qparams {
    return this.activationPostProcess.calculateQparams();
  }

  /** Turns fake quantization on (or off with `false`); the output is the input unchanged when off. */
  enableFakeQuant(enabled = true): this {
    noGrad(() => this.fakeQuantEnabled.fill_(enabled ? 1 : 0));
    return this;
  }
  /** Turns fake quantization off. */
  disableFakeQuant(): this {
    return this.enableFakeQuant(false);
  }
  /** Turns range observation on (or off with `false`): off freezes the scale and zero point. */
  enableObserver(enabled = true): this {
    noGrad(() => this.observerEnabled.fill_(enabled ? 1 : 0));
    return this;
  }
  /** Turns range observation off. */
  disableObserver(): this {
    return this.enableObserver(false);
  }

  /** A factory making this module with `options`, as PyTorch's `FakeQuantize.with_args(...)`. */
  static withArgs<T extends FakeQuantizeBase>(
    this: new (options?: FakeQuantizeOptions) => T,
    options?: FakeQuantizeOptions,
  ): ObserverFactory<T> {
    const make = () => new this(options);
    return Object.assign(make, { observerName: this.name });
  }

  override extraRepr(): string {
    return `fake_quant_enabled=${this.fakeQuantEnabled.item()}, observer_enabled=${this.observerEnabled.item()}, quant_min=${this.quantMin}, quant_max=${this.quantMax}, dtype=torch.${this.dtype}, qscheme=torch.${this.qscheme}, ch_axis=${this.chAxis}`;
  }
}

/** PyTorch's FakeQuantize: observe (when enabled), then fake-quantize with the observer's current parameters. */
export class FakeQuantize extends FakeQuantizeBase {
  /** A fake-quantize module whose observer is `options.observer` (MovingAverageMinMaxObserver) made with the rest of `options`. */
  constructor(options: FakeQuantizeOptions = {}) {
    super(options, 'uint8');
  }

  forward(x: Tensor): Tensor {
    if (this.observerEnabled.item() === 1) {
      noGrad(() => {
        this.activationPostProcess.forward(x.detach());
        const { scale, zeroPoint } = this.calculateQparams();
        if (this.scale.shape.join() !== scale.shape.join()) {
          this.scale = this.replaceBuffer('scale', scale.clone());
          this.zeroPoint = this.replaceBuffer('zero_point', zeroPoint.to('int32'));
        } else {
          this.scale.copy_(scale);
          this.zeroPoint.copy_(zeroPoint);
        }
      });
    }
    if (this.fakeQuantEnabled.item() !== 1) return x;
    if (this.isPerChannel) return fakeQuantizePerChannelAffine(x, this.scale, this.zeroPoint, this.chAxis, this.quantMin, this.quantMax);
    return aten.fake_quantize_per_tensor_affine.tensor_qparams(x, this.scale, this.zeroPoint, this.quantMin, this.quantMax);
  }
}

/**
 * PyTorch's FusedMovingAvgObsFakeQuantize: the moving-average observer and fake quantization in one
 * op (`fused_moving_avg_obs_fake_quant`), the default of PyTorch's QAT qconfigs. Its observer
 * must be a moving-average one. Defaults: quantMin 0, quantMax 255.
 */
export class FusedMovingAvgObsFakeQuantize extends FakeQuantizeBase {
  /** As FakeQuantize, with quantMin/quantMax defaulting to 0/255. */
  constructor(options: FakeQuantizeOptions = {}) {
    super({ quantMin: 0, quantMax: 255, ...options }, 'int64');
    const observer = this.activationPostProcess as unknown;
    if (!(observer instanceof MovingAverageMinMaxObserver || observer instanceof MovingAveragePerChannelMinMaxObserver))
      throw new TypeError(
        'FusedMovingAvgObsFakeQuantize: the observer must be MovingAverageMinMaxObserver or MovingAveragePerChannelMinMaxObserver',
      );
  }

  forward(x: Tensor): Tensor {
    const observer = this.activationPostProcess;
    const symmetric = this.qscheme.endsWith('symmetric');
    return fusedMovingAvgObsFakeQuant(
      x,
      this.observerEnabled,
      this.fakeQuantEnabled,
      observer.minVal,
      observer.maxVal,
      this.scale,
      this.zeroPoint,
      observer.averagingConstant,
      this.quantMin,
      this.quantMax,
      this.chAxis,
      this.isPerChannel,
      symmetric,
    );
  }

  override extraRepr(): string {
    return `${super.extraRepr()}, reduce_range=${this.activationPostProcess.reduceRange ? 'True' : 'False'}`;
  }
}

/** Module.apply callbacks as PyTorch's torch.ao.quantization.{enable,disable}_{fake_quant,observer}: `model.apply(disableObserver)`. */
export const disableObserver = (module: Module): void => void (module instanceof FakeQuantizeBase && module.disableObserver());
/** Turns observation back on in every fake-quantize module (use with `model.apply`). */
export const enableObserver = (module: Module): void => void (module instanceof FakeQuantizeBase && module.enableObserver());
/** Turns fake quantization off in every fake-quantize module (use with `model.apply`). */
export const disableFakeQuant = (module: Module): void => void (module instanceof FakeQuantizeBase && module.disableFakeQuant());
/** Turns fake quantization on in every fake-quantize module (use with `model.apply`). */
export const enableFakeQuant = (module: Module): void => void (module instanceof FakeQuantizeBase && module.enableFakeQuant());

/** PyTorch's default_fused_act_fake_quant: quint8 over [0, 255], moving-average per tensor. */
export const defaultFusedActFakeQuant = FusedMovingAvgObsFakeQuantize.withArgs({
  observer: MovingAverageMinMaxObserver,
  quantMin: 0,
  quantMax: 255,
  dtype: 'quint8',
});
/** PyTorch's default_fused_wt_fake_quant: qint8 per-tensor symmetric over [-128, 127]. */
export const defaultFusedWtFakeQuant = FusedMovingAvgObsFakeQuantize.withArgs({
  observer: MovingAverageMinMaxObserver,
  quantMin: -128,
  quantMax: 127,
  dtype: 'qint8',
  qscheme: 'per_tensor_symmetric',
});
/** PyTorch's default_fused_per_channel_wt_fake_quant: qint8 per-channel symmetric over [-128, 127]. */
export const defaultFusedPerChannelWtFakeQuant = FusedMovingAvgObsFakeQuantize.withArgs({
  observer: MovingAveragePerChannelMinMaxObserver,
  quantMin: -128,
  quantMax: 127,
  dtype: 'qint8',
  qscheme: 'per_channel_symmetric',
});
/** PyTorch's default_fake_quant: FakeQuantize of quint8 activations over [0, 255]. */
export const defaultFakeQuant = FakeQuantize.withArgs({
  observer: MovingAverageMinMaxObserver,
  quantMin: 0,
  quantMax: 255,
  dtype: 'quint8',
});
/** PyTorch's default_weight_fake_quant: FakeQuantize of qint8 per-tensor symmetric weights. */
export const defaultWeightFakeQuant = FakeQuantize.withArgs({
  observer: MovingAverageMinMaxObserver,
  quantMin: -128,
  quantMax: 127,
  dtype: 'qint8',
  qscheme: 'per_tensor_symmetric',
});
