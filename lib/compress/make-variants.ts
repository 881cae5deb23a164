/**
 * How each compressed variant is made from the trained fp32 model (always a deep copy: the fp32
 * model is left as it was): pruning then fine-tuning then `remove`, dynamic and static int8, and
 * the torch.jit traced, frozen and optimized modules.
 * @module
 */
import { calibrate } from '../ao/quantization/quantize.js';
import { convert } from '../ao/quantization/convert.js';
import { fuseModules, fuseModulesQat } from '../ao/quantization/fuse-modules.js';
import { QAT_FUSION_PATTERNS } from '../ao/quantization/fuser-method-mappings.js';
import { prepare, prepareQat } from '../ao/quantization/prepare.js';
import { getDefaultQatQconfig, getDefaultQconfig } from '../ao/quantization/qconfig.js';
import { quantizeDynamic } from '../ao/quantization/quantize-dynamic.js';
import { QuantWrapper } from '../ao/quantization/stubs.js';
import { getEngine } from '../backends/quantized.js';
import { freeze } from '../jit/freeze.js';
import type { ScriptModule } from '../jit/script-module.js';
import { trace } from '../jit/trace.js';
import { deepCopy } from '../nn/deep-copy.js';
import { Conv2d } from '../nn/layers/conv.js';
import { Linear } from '../nn/layers/linear.js';
import type { Module } from '../nn/module.js';
import { lnStructured, remove } from '../nn/utils/prune/functional.js';
import { globalUnstructured } from '../nn/utils/prune/global.js';
import { L1Unstructured } from '../nn/utils/prune/unstructured.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Loader } from '../train/trainer.js';
import { fitClassifier, type FitClassifierOptions } from './fine-tune.js';
import { fusionGroups, linearLayers, prunableLayers, staticQuantizableLayers, structuredLayers, type WeightedLayer } from './layers.js';

/** How pruned variants are fine-tuned: the loader and the fit's options. */
export interface FineTuning extends FitClassifierOptions {
  /** The training batches. */
  loader: Loader;
}

function evalCopy<M extends Module>(model: M): M {
  return deepCopy(model).eval();
}

/**
 * Lays a model with convolutions out channels-last, as the Trainer trains it: oneDNN's
 * convolutions run it without reordering (a 2-conv CNN at batch 64 in a third of the time), so
 * every float variant is measured in the layout it is fastest in. `remove` after pruning makes new,
 * contiguous weights: hence again after pruning.
 */
export function inferenceLayout<M extends Module>(model: M): M {
  if ([...model.modules()].some((m) => m instanceof Conv2d)) model.to({ memoryFormat: 'channels_last' });
  return model.eval();
}

function removeAll(layers: readonly WeightedLayer[]): void {
  for (const { module } of layers) remove(module, 'weight');
}

/**
 * A copy of `model` with `amount` of all its Conv2d/Linear weights pruned together by |w| (global
 * L1 unstructured), fine-tuned through the masks, then made permanent.
 */
export async function globallyPruned(model: Module, amount: number, fineTuning: FineTuning, variant: string): Promise<Module> {
  const copy = evalCopy(model);
  const layers = prunableLayers(copy, variant);
  globalUnstructured(
    layers.map(({ module }) => [module, 'weight'] as const),
    { pruningMethod: L1Unstructured, amount },
  );
  await fitClassifier(copy, fineTuning.loader, fineTuning);
  removeAll(layers);
  return inferenceLayout(copy);
}

/**
 * A copy of `model` with `amount` of each conv's output channels and each hidden Linear's rows
 * pruned by their L2 norm (lnStructured, dim 0), fine-tuned, then made permanent.
 */
export async function structurallyPruned(model: Module, amount: number, fineTuning: FineTuning, variant: string): Promise<Module> {
  const copy = evalCopy(model);
  const layers = structuredLayers(copy, variant);
  for (const { module } of layers) lnStructured(module, 'weight', { amount, n: 2, dim: 0 });
  await fitClassifier(copy, fineTuning.loader, fineTuning);
  removeAll(layers);
  return inferenceLayout(copy);
}

/** A copy of `model` with its Linear layers dynamically quantized (int8 weights) for the current engine. */
export function dynamicInt8(model: Module, variant: string): Module {
  linearLayers(model, variant);
  return inferenceLayout(quantizeDynamic(evalCopy(model), { qconfigSpec: [Linear], inplace: true }));
}

/**
 * A statically quantized copy of `model`: its conv-bn-relu / conv-relu / linear-relu runs fused
 * (found by name), wrapped between a QuantStub and a DeQuantStub, the engine's default qconfig,
 * prepared, calibrated on `calibrationBatches` batches of `loader`, converted.
 */
export async function staticInt8(model: Module, loader: Loader, calibrationBatches: number, variant: string): Promise<Module> {
  staticQuantizableLayers(model, variant);
  const copy = evalCopy(model);
  const groups = fusionGroups(copy);
  const fused = groups.length ? fuseModules(copy, groups, { inplace: true }) : copy;
  const wrapped = new QuantWrapper(fused);
  wrapped.qconfig = getDefaultQconfig(getEngine());
  const prepared = prepare(wrapped, { inplace: true });
  await calibrate(prepared, loader as Iterable<unknown>, { numBatches: calibrationBatches });
  return convert(prepared, { inplace: true });
}

/**
 * A copy of `model` trained for int8: its runs fused for QAT (conv-bn-relu keeps its batch norm
 * training), wrapped between stubs, the engine's default QAT qconfig, prepareQat, fine-tuned
 * through the fake quantization, then converted.
 */
export async function qatInt8(model: Module, fineTuning: FineTuning, variant: string): Promise<Module> {
  staticQuantizableLayers(model, variant);
  const copy = deepCopy(model).train();
  const groups = fusionGroups(copy, QAT_FUSION_PATTERNS);
  const fused = groups.length ? fuseModulesQat(copy, groups, { inplace: true }) : copy;
  const wrapped = new QuantWrapper(fused);
  wrapped.qconfig = getDefaultQatQconfig(getEngine());
  const prepared = prepareQat(wrapped.train(), { inplace: true });
  await fitClassifier(prepared, fineTuning.loader, fineTuning);
  return convert(prepared.eval(), { inplace: true });
}

/** The fp32 model traced on `example`, and frozen from that trace. */
export function compiled(model: Module, example: Tensor): { traced: ScriptModule; frozen: ScriptModule } {
  const traced = trace(model.eval(), example);
  return { traced, frozen: freeze(traced) };
}
