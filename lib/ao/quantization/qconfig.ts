/**
 * QConfig: which observers a layer gets (for its output activation and for its weight), and the
 * defaults per quantized engine, as PyTorch's torch.ao.quantization.qconfig.
 * @module
 */
import { native } from '../../native.js';
import { HistogramObserver } from './observers/histogram.js';
import { defaultFusedPerChannelWtFakeQuant, defaultFusedWtFakeQuant, FusedMovingAvgObsFakeQuantize } from './fake-quantize.js';
import { MinMaxObserver, MovingAverageMinMaxObserver } from './observers/min-max.js';
import { PerChannelMinMaxObserver } from './observers/per-channel.js';
import type { ObserverFactory, ObserverLike } from './observers/base.js';

/** How a layer is observed: factories for its activation observer and its weight observer (PyTorch's QConfig namedtuple). */
export interface QConfig {
  /** Makes the observer of the layer's output. */
  activation: ObserverFactory<ObserverLike>;
  /** Makes the observer of the layer's weight. */
  weight: ObserverFactory<ObserverLike>;
}

/** A QConfig from two observer factories (`MinMaxObserver.withArgs({...})`); a class itself is taken as its default factory. */
export function qconfig(activation: ObserverFactory<ObserverLike>, weight: ObserverFactory<ObserverLike>): QConfig {
  for (const [name, factory] of [
    ['activation', activation],
    ['weight', weight],
  ] as const)
    if (typeof factory !== 'function')
      throw new TypeError(`QConfig: ${name} must be an observer factory (Observer.withArgs(...)), got ${typeof factory}`);
  return { activation, weight };
}

/** PyTorch's default_weight_observer: per-tensor symmetric qint8 MinMax. */
export const defaultWeightObserver = MinMaxObserver.withArgs({ dtype: 'qint8', qscheme: 'per_tensor_symmetric' });
/** PyTorch's default_per_channel_weight_observer: per-channel symmetric qint8 MinMax along dim 0. */
export const defaultPerChannelWeightObserver = PerChannelMinMaxObserver.withArgs({ dtype: 'qint8', qscheme: 'per_channel_symmetric' });
/** PyTorch's default_observer for activations: quint8 MinMax over [0, 127] (reduced range). */
export const defaultObserver = MinMaxObserver.withArgs({ quantMin: 0, quantMax: 127 });
/** PyTorch's default_qconfig: default_observer and default_weight_observer. */
export const defaultQconfig: QConfig = qconfig(defaultObserver, defaultWeightObserver);

const ENGINES = ['x86', 'fbgemm', 'onednn', 'qnnpack'] as const;

/**
 * PyTorch's get_default_qconfig(backend): HistogramObserver activations and per-channel weights
 * (x86 and fbgemm with a reduced range, as their kernels need; onednn with the full range), and
 * per-tensor weights on qnnpack. `backend` defaults to the current engine.
 */
export function getDefaultQconfig(backend?: string): QConfig {
  const engine = backend ?? native.quantizedEngine();
  if (!(ENGINES as readonly string[]).includes(engine))
    throw new RangeError(`getDefaultQconfig: unknown backend '${engine}' (known: ${ENGINES.join(', ')})`);
  if (engine === 'qnnpack') return qconfig(HistogramObserver.withArgs({ reduceRange: false }), defaultWeightObserver);
  return qconfig(HistogramObserver.withArgs({ reduceRange: engine !== 'onednn' }), defaultPerChannelWeightObserver);
}

/**
 * PyTorch's get_default_qat_qconfig(backend): fused moving-average fake quantization of activations
 * (quint8 over [0, 255], reduced range on x86 and fbgemm) and of weights (per-channel symmetric
 * qint8; per tensor on qnnpack). `backend` defaults to the current engine.
 */
export function getDefaultQatQconfig(backend?: string): QConfig {
  const engine = backend ?? native.quantizedEngine();
  if (!(ENGINES as readonly string[]).includes(engine))
    throw new RangeError(`getDefaultQatQconfig: unknown backend '${engine}' (known: ${ENGINES.join(', ')})`);
  const activation = FusedMovingAvgObsFakeQuantize.withArgs({
    observer: MovingAverageMinMaxObserver,
    quantMin: 0,
    quantMax: 255,
    reduceRange: engine === 'x86' || engine === 'fbgemm',
  });
  return qconfig(activation, engine === 'qnnpack' ? defaultFusedWtFakeQuant : defaultFusedPerChannelWtFakeQuant);
}
