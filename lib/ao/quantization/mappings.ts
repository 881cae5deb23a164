/**
 * Which float layers eager-mode static quantization replaces, and with what (PyTorch's
 * DEFAULT_STATIC_QUANT_MODULE_MAPPINGS, torch/ao/quantization/quantization_mappings.py, for the
 * layers nodetorch has quantized kernels for), and the layers PyTorch quantizes that nodetorch
 * cannot yet, which prepare refuses by name rather than leaving a float layer in a quantized model.
 * @module
 */
import { Dropout } from '../../nn/layers/activation.js';
import { Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d } from '../../nn/layers/conv.js';
import { Linear } from '../../nn/layers/linear.js';
import { BatchNorm2d, BatchNorm3d, LayerNorm } from '../../nn/layers/normalization.js';
import type { Module } from '../../nn/module.js';
import {
  ConvBn2d,
  ConvBnReLU2d,
  ConvReLU1d,
  ConvReLU2d,
  ConvReLU3d,
  LinearReLU,
  BNReLU2d,
  BNReLU3d,
  type ModuleClass,
} from '../nn/intrinsic/fused.js';
import * as nniqat from '../nn/intrinsic/qat/index.js';
import * as nnqat from '../nn/qat/index.js';
import * as nniq from '../nn/intrinsic/quantized/index.js';
import { Conv2d as QConv2d } from '../nn/quantized/conv.js';
import { FloatFunctional, QFunctional } from '../nn/quantized/functional-modules.js';
import { Linear as QLinear } from '../nn/quantized/linear.js';
import { DeQuantize, Quantize } from '../nn/quantized/quantize.js';
import { DeQuantStub, QuantStub } from './stubs.js';

/** Makes the quantized module from an observed float one. */
export type FromFloat = (observed: Module) => Module;

/** Float layer class -> quantized counterpart, for `convert` (exact classes, as PyTorch matches types). */
export const DEFAULT_STATIC_QUANT_MODULE_MAPPINGS: ReadonlyMap<ModuleClass, FromFloat> = new Map<ModuleClass, FromFloat>([
  [QuantStub, (m) => Quantize.fromFloat(m)],
  [DeQuantStub, (m) => DeQuantize.fromFloat(m)],
  [Linear, (m) => QLinear.fromFloat(m)],
  [Conv2d, (m) => QConv2d.fromFloat(m)],
  [LinearReLU, (m) => nniq.LinearReLU.fromFloat(m)],
  [ConvReLU2d, (m) => nniq.ConvReLU2d.fromFloat(m)],
  [FloatFunctional, (m) => QFunctional.fromFloat(m)],
  [nnqat.Linear, (m) => QLinear.fromFloat(m)],
  [nnqat.Conv2d, (m) => QConv2d.fromFloat(m)],
  [nniqat.LinearReLU, (m) => nniq.LinearReLU.fromFloat(m)],
  [nniqat.ConvReLU2d, (m) => nniq.ConvReLU2d.fromFloat(m)],
  [nniqat.ConvBn2d, (m) => QConv2d.fromFloat(m)],
  [nniqat.ConvBnReLU2d, (m) => nniq.ConvReLU2d.fromFloat(m)],
]);

/** Float layer class -> QAT layer, for `prepareQat` (PyTorch's DEFAULT_QAT_MODULE_MAPPINGS, for the layers nodetorch has). */
export const DEFAULT_QAT_MODULE_MAPPINGS: ReadonlyMap<ModuleClass, FromFloat> = new Map<ModuleClass, FromFloat>([
  [Linear, (m) => nnqat.Linear.fromFloat(m)],
  [Conv2d, (m) => nnqat.Conv2d.fromFloat(m)],
  [LinearReLU, (m) => nniqat.LinearReLU.fromFloat(m)],
  [ConvReLU2d, (m) => nniqat.ConvReLU2d.fromFloat(m)],
  [ConvBn2d, (m) => nniqat.ConvBn2d.fromFloat(m)],
  [ConvBnReLU2d, (m) => nniqat.ConvBnReLU2d.fromFloat(m)],
]);

/** Layers eager-mode quantization in PyTorch quantizes that nodetorch has no quantized module for yet. */
export const UNSUPPORTED_STATIC_QUANT_MODULES: readonly ModuleClass[] = [
  Conv1d,
  Conv3d,
  ConvTranspose1d,
  ConvTranspose2d,
  BatchNorm2d,
  BatchNorm3d,
  LayerNorm,
  ConvReLU1d,
  ConvReLU3d,
  BNReLU2d,
  BNReLU3d,
];

/** Layers prepare passes over (PyTorch skips Dropout: it is the identity in eval). */
export const NO_OBSERVER_MODULES: readonly ModuleClass[] = [Dropout];
