/**
 * torch.ao.quantization.quantizeDynamic: replaces the layers of the listed types with dynamically
 * quantized ones (int8 weights, activations quantized per batch), as PyTorch's quantize_dynamic.
 */
import { deepCopy } from '../../nn/deep-copy.js';
import { Linear } from '../../nn/layers/linear.js';
import { GRU, LSTM } from '../../nn/layers/rnn.js';
import { Module } from '../../nn/module.js';
import { Linear as DynamicLinear } from '../nn/quantized/dynamic/linear.js';
import { GRU as DynamicGRU, LSTM as DynamicLSTM } from '../nn/quantized/dynamic/rnn.js';

/** A layer class quantizeDynamic can replace. */
type Quantizable = typeof Linear | typeof LSTM | typeof GRU;

/** A layer class, as PyTorch's qconfig_spec holds types. */
export interface ModuleClass {
  /** The class's constructor. */
  new (...args: never[]): Module;
}

/** Options of {@link quantizeDynamic}, as PyTorch's (camelCase). */
export interface QuantizeDynamicOptions {
  /** The layer classes to quantize (default: nn.Linear, nn.LSTM, nn.GRU, as PyTorch's default spec). */
  qconfigSpec?: readonly ModuleClass[];
  /** The weight dtype (default 'qint8', the one supported). */
  dtype?: 'qint8';
  /** Quantize `model` itself instead of a copy (default false). */
  inplace?: boolean;
}

const DYNAMIC_COUNTERPARTS = new Map<Quantizable, (m: Module) => Module>([
  [Linear, (m) => DynamicLinear.fromFloat(m as Linear)],
  [LSTM, (m) => DynamicLSTM.fromFloat(m as LSTM)],
  [GRU, (m) => DynamicGRU.fromFloat(m as GRU)],
]);

/**
 * Returns the model (a copy unless `inplace`) with every layer whose class is in `qconfigSpec`
 * replaced by its dynamically quantized counterpart, packed for the current engine
 * (torch.backends.quantized.engine). Matching is on the exact class, as PyTorch's. A class with no
 * counterpart, or another dtype, is an error and leaves the model unchanged.
 */
export function quantizeDynamic<M extends Module>(model: M, options: QuantizeDynamicOptions = {}): M | Module {
  if (!(model instanceof Module)) throw new TypeError('quantizeDynamic: model must be an nn.Module');
  const dtype = options.dtype ?? 'qint8';
  if (dtype !== 'qint8') throw new TypeError(`quantizeDynamic: dtype '${String(dtype)}' is not supported (supported: qint8)`);
  const spec = options.qconfigSpec ?? [Linear, LSTM, GRU];
  for (const type of spec) {
    if (!DYNAMIC_COUNTERPARTS.has(type as Quantizable))
      throw new TypeError(
        `quantizeDynamic: ${type.name} has no dynamically quantized counterpart (supported: ${[...DYNAMIC_COUNTERPARTS.keys()].map((t) => t.name).join(', ')})`,
      );
  }
  const target = options.inplace ? model : deepCopy(model);
  const convert = (m: Module) => {
    const make = spec.some((type) => m.constructor === type) ? DYNAMIC_COUNTERPARTS.get(m.constructor as Quantizable) : undefined;
    return make ? make(m) : null;
  };
  const whole = convert(target);
  if (whole) return whole;
  // Children first collected, then replaced: the tree is not changed while walking it.
  const replacements = [...target.namedModules()]
    .filter(([name]) => name !== '')
    .map(([name, m]) => [name, convert(m)] as const)
    .filter((entry): entry is readonly [string, Module] => entry[1] !== null);
  for (const [name, quantized] of replacements) target.setSubmodule(name, quantized);
  return target;
}
