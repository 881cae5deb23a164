/** Observers: modules that watch values and turn their range into quantization parameters, as torch.ao.quantization's. */
export { ObserverBase, UniformQuantizationObserverBase, quantRange } from './base.js';
export type { ObserverFactory, Qparams, QScheme, QuantizedDType, UniformObserverOptions } from './base.js';
export { PerTensorRangeObserver } from './per-tensor.js';
export { MinMaxObserver, MovingAverageMinMaxObserver } from './min-max.js';
export type { MinMaxObserverOptions, MovingAverageMinMaxObserverOptions } from './min-max.js';
export { PerChannelMinMaxObserver, MovingAveragePerChannelMinMaxObserver } from './per-channel.js';
export type { PerChannelMinMaxObserverOptions, MovingAveragePerChannelMinMaxObserverOptions } from './per-channel.js';
export { HistogramObserver } from './histogram.js';
export type { HistogramObserverOptions } from './histogram.js';
