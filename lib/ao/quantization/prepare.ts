/**
 * torch.ao.quantization.prepare and propagateQconfig: eager-mode static quantization's first step.
 * Every module gets its qconfig (its own, or its parent's), and each layer to be quantized gets an
 * observer (`activation_post_process`) on its output, which calibration then feeds.
 * @module
 */
import { Sequential } from '../../nn/layers/container.js';
import { deepCopy } from '../../nn/deep-copy.js';
import { Module } from '../../nn/module.js';
import { FusedModule, type ModuleClass } from '../nn/intrinsic/fused.js';
import { FloatFunctional } from '../nn/quantized/functional-modules.js';
import { swapModules } from './convert.js';
import {
  DEFAULT_QAT_MODULE_MAPPINGS,
  DEFAULT_STATIC_QUANT_MODULE_MAPPINGS,
  NO_OBSERVER_MODULES,
  UNSUPPORTED_STATIC_QUANT_MODULES,
  type FromFloat,
} from './mappings.js';
import { OBSERVER_NAME, hasObserver, observerForwardHook } from './observer-hook.js';
import type { QConfig } from './qconfig.js';
import { DeQuantStub } from './stubs.js';

/** Options of {@link prepare}. */
export interface PrepareOptions {
  /** Prepare `model` itself rather than a deep copy (default false). */
  inplace?: boolean;
  /** The layer classes that get observers when they have a qconfig (default: those convert can quantize). */
  allowList?: readonly ModuleClass[];
}

/**
 * Sets `qconfig` on every module of the tree: a module keeps its own (null opts its subtree out
 * unless a child sets one), else takes its parent's, as PyTorch's propagate_qconfig_.
 */
export function propagateQconfig(module: Module, parent: QConfig | null = null): void {
  const own = module.qconfig === undefined ? parent : module.qconfig;
  module.qconfig = own;
  for (const child of module.children()) propagateQconfig(child, own);
}

/**
 * PyTorch's eager-mode `prepare`: propagates qconfigs and attaches an observer, made by the
 * qconfig's activation factory, to the output of each layer that convert will quantize (QuantStub,
 * Linear, Conv2d, the fused LinearReLU and ConvReLU2d, FloatFunctional). Run the prepared model
 * on calibration data (in eval mode), then `convert` it. Returns a prepared deep copy (`model`
 * unchanged), or `model` with `inplace`. A layer with a qconfig that nodetorch cannot quantize
 * (an unfused BatchNorm2d, a Conv1d...) or a model prepared twice is an error naming the layer
 * (its path); nothing is changed then.
 */
export function prepare<M extends Module>(model: M, options: PrepareOptions = {}): M {
  if (!(model instanceof Module)) throw new TypeError('prepare: model must be an nn.Module');
  const allow = new Set(options.allowList ?? DEFAULT_STATIC_QUANT_MODULE_MAPPINGS.keys());
  checkPreparable(model, model.qconfig ?? null, '', allow);
  const target = options.inplace ? model : deepCopy(model);
  propagateQconfig(target);
  if (![...target.modules()].some((m) => m.qconfig))
    process.emitWarning('prepare: no module has a qconfig: set model.qconfig (e.g. getDefaultQconfig()) before prepare');
  addObservers(target, allow);
  return target;
}

const needsObservation = (m: Module) => Boolean(m.qconfig);

function describe(path: string, module: Module): string {
  return `${path ? `'${path}'` : 'the model'} (${module.constructor.name})`;
}

// The checks of prepare, on the model as it is, with the qconfig each module would get.
function checkPreparable(module: Module, inherited: QConfig | null, path: string, allow: ReadonlySet<ModuleClass>): void {
  const qconfig = module.qconfig === undefined ? inherited : module.qconfig;
  const type = module.constructor as ModuleClass;
  if (qconfig && UNSUPPORTED_STATIC_QUANT_MODULES.includes(type) && !allow.has(type))
    throw new TypeError(
      `prepare: ${describe(path, module)} has no quantized counterpart in nodetorch: fuse it into the layer before it (fuseModules), or set its qconfig to null to keep it in float (with a DeQuantStub before it)`,
    );
  if (qconfig && hasObserver(module) && !(module instanceof FloatFunctional))
    throw new Error(`prepare: ${describe(path, module)} already has an observer: the model was prepared already`);
  // Fused and QAT layers are quantized whole: their inner batch norm is theirs to fold.
  if (module instanceof FusedModule || allow.has(type)) return;
  for (const [name, child] of module.namedChildren()) checkPreparable(child, qconfig, path ? `${path}.${name}` : name, allow);
}

function insertObserver(module: Module): void {
  if (!needsObservation(module) || module instanceof DeQuantStub) return;
  module.registerModule(OBSERVER_NAME, module.qconfig!.activation());
  module.registerForwardHook(observerForwardHook);
}

// PyTorch's _add_observer_: fused modules are observed as a whole, FloatFunctional gets its
// observer in place of its Identity, other leaves of an allowed class get one on their output.
function addObservers(module: Module, allow: ReadonlySet<ModuleClass>): void {
  for (const child of [...module.children()]) {
    if (NO_OBSERVER_MODULES.includes(child.constructor as ModuleClass)) continue;
    if (child instanceof FloatFunctional) {
      if (needsObservation(child)) child.setSubmodule(OBSERVER_NAME, child.qconfig!.activation());
    } else if (child instanceof FusedModule) {
      if (allow.has(child.constructor as ModuleClass)) insertObserver(child);
    } else addObservers(child, allow);
  }
  // A QAT layer's only children are its weight's fake quantization (and batch norm): observed as a leaf.
  const names = [...module.namedChildren()].map(([name]) => name);
  const isLeaf = names.length === 0 || names.includes('weight_fake_quant');
  if (isLeaf && !(module instanceof Sequential) && allow.has(module.constructor as ModuleClass)) insertObserver(module);
}

/** Options of {@link prepareQat}. */
export interface PrepareQatOptions {
  /** Prepare `model` itself rather than a deep copy (default false). */
  inplace?: boolean;
  /** Float class -> QAT layer maker (default DEFAULT_QAT_MODULE_MAPPINGS). */
  mapping?: ReadonlyMap<ModuleClass, FromFloat>;
}

/**
 * PyTorch's `prepare_qat`: for quantization-aware training. Propagates qconfigs, swaps each float
 * layer with a qconfig for its QAT counterpart (Linear, Conv2d, and the fused LinearReLU,
 * ConvReLU2d, ConvBn2d, ConvBnReLU2d from fuseModulesQat), whose weight is fake-quantized on every
 * forward, and puts the qconfig's activation fake-quantize module on each quantized layer's output
 * (prepare). Train the result (its parameters are the float model's, in the copy), then `eval()`
 * and `convert`. The model must be in training mode; errors are prepare's and change nothing.
 */
export function prepareQat<M extends Module>(model: M, options: PrepareQatOptions = {}): M {
  if (!(model instanceof Module)) throw new TypeError('prepareQat: model must be an nn.Module');
  if (!model.training) throw new Error('prepareQat: the model must be in training mode: call model.train() first');
  const mapping = options.mapping ?? DEFAULT_QAT_MODULE_MAPPINGS;
  const allow = new Set([...DEFAULT_STATIC_QUANT_MODULE_MAPPINGS.keys(), ...mapping.keys()]);
  checkPreparable(model, model.qconfig ?? null, '', allow);
  const target = options.inplace ? model : deepCopy(model);
  propagateQconfig(target);
  swapModules(target, mapping, { requireObservers: false });
  return prepare(target, { inplace: true });
}
