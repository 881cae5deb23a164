/**
 * Shared by the quantized modules: quantizing a float weight with its observer's parameters (as
 * PyTorch's `_quantize_weight`), and the output quantization parameters of an observed module.
 * @module
 */
import type { Module } from '../../../nn/module.js';
import { quantizePerChannel } from '../../../ops/functions.generated.js';
import { aten } from '../../../ops/surface.js';
import { tensor } from '../../../tensor/creation.js';
import { noGrad } from '../../../tensor/autograd.js';
import type { Tensor } from '../../../tensor/tensor.js';
import type { ObserverLike } from '../../quantization/observers/base.js';

/** A TorchScript object the addon returns (packed weights); opaque to JS. */
export interface ScriptObject {
  /** The TorchScript class, e.g. `__torch__.torch.classes.quantized.LinearPackedParamsBase`. */
  typeName(): string;
}

/** The weight quantized to qint8 with the (already run) observer's parameters, per tensor or per channel. */
export function quantizeWeight(weight: Tensor, observer: ObserverLike): Tensor {
  if (observer.dtype !== 'qint8') throw new TypeError(`weight observer must have dtype qint8, got ${observer.dtype}`);
  return noGrad(() => {
    const { scale, zeroPoint } = observer.calculateQparams();
    const w = weight.detach().float();
    if (observer.qscheme.startsWith('per_channel')) {
      const axis = (observer as ObserverLike & { chAxis: number }).chAxis;
      return quantizePerChannel(w, scale.double(), zeroPoint.long(), axis, 'qint8');
    }
    return aten.quantize_per_tensor.default(w, scale.item(), zeroPoint.item(), 'qint8');
  });
}

/** An observed module's `activation_post_process` (what prepare attached), or an error naming what is missing. */
export function observerOf(module: Module, what: string): ObserverLike {
  const observer = [...module.namedChildren()].find(([name]) => name === 'activation_post_process')?.[1];
  if (!observer || typeof (observer as unknown as Partial<ObserverLike>).calculateQparams !== 'function')
    throw new Error(`${what}: the module has no observer (activation_post_process): run prepare(model) and calibrate it before convert`);
  return observer as unknown as ObserverLike;
}

/** PyTorch's state-dict entries for an output scale and zero point (0-dim float32 and int64 tensors). */
export function outputQparamsEntries(scale: number, zeroPoint: number): Record<string, Tensor> {
  return { scale: tensor(scale, { dtype: 'float32' }), zero_point: tensor(zeroPoint, { dtype: 'int64' }) };
}

/** The scale and zero point of state-dict entries (any shape with one element), as numbers. */
export function readOutputQparams(entries: Record<string, Tensor>): { scale: number; zeroPoint: number } {
  return { scale: entries.scale!.item(), zeroPoint: entries.zero_point!.item() };
}

/** Output `{ scale, zeroPoint }` from an observed module's observer, as plain numbers. */
export function outputQparams(module: Module, what: string): { scale: number; zeroPoint: number; dtype: string } {
  const observer = observerOf(module, what);
  const { scale, zeroPoint } = observer.calculateQparams();
  return { scale: scale.item(), zeroPoint: zeroPoint.item(), dtype: observer.dtype };
}
