/**
 * nodetorch: PyTorch for Node.js.
 * @packageDocumentation
 */
export { Tensor } from './tensor/tensor.js';
export { slice } from './tensor/methods/indexing.js';
export type {
  TensorLike,
  NestedArray,
  IndexItem,
  Slice,
  ToOptions,
  BackwardOptions,
  ValuesAndIndices,
  ReductionOptions,
  TensorConstructor,
} from './tensor/tensor.js';
export {
  tensor,
  fromTypedArray,
  zeros,
  ones,
  empty,
  full,
  rand,
  randn,
  randint,
  randperm,
  arange,
  linspace,
  eye,
  zerosLike,
  onesLike,
  emptyLike,
  fullLike,
  randLike,
  randnLike,
  randintLike,
  manualSeed,
  getRngState,
  setRngState,
  useDeterministicAlgorithms,
  areDeterministicAlgorithmsEnabled,
  cat,
  stack,
} from './tensor/creation.js';
export type { NestedData, TypedArray } from './tensor/creation.js';
export type { DType, Device, TensorOptions } from './tensor/types.js';
export type { DTypeName, ElementArray, NativeMemory } from './native.js';
export { TorchError } from './tensor/errors.js';
export { tidy, keep, dispose } from './tensor/scope.js';
export type { Disposable } from './tensor/scope.js';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled, inferenceMode, isInferenceModeEnabled, autograd } from './tensor/autograd.js';
export type { GradOptions } from './tensor/autograd.js';
export { config, setNumThreads, getNumThreads, memory, emptyCache, cuda } from './tensor/runtime.js';
export type { Config } from './tensor/runtime.js';
export { Op } from './tensor/op.js';
export { ops } from './ops/surface.js';
export { tensordot } from './tensor/functional.js';
export type { Dims as TensordotDims } from './tensor/functional.js';
export { save, load } from './io/serialization.js';
export type { Saveable, LoadOptions } from './io/serialization.js';
export { saveSafetensors, loadSafetensors, safetensorsMetadata, serializeSafetensors, parseSafetensors } from './io/safetensors.js';
export type { SaveSafetensorsOptions, LoadSafetensorsOptions } from './io/safetensors.js';
export { SafetensorsError } from './io/safetensors-header.js';
export type { SafetensorsHeader, SafetensorsTensorInfo, SafetensorsDtype } from './io/safetensors-header.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as jit from './jit/index.js';
export * as data from './data/index.js';
export * as metrics from './metrics/index.js';
export * as train from './train/index.js';
export * as amp from './amp/index.js';
export * as conf from './conf/index.js';
export * as sweep from './sweep/index.js';
export * as profiler from './profiler/index.js';
export * as onnx from './onnx/index.js';
export * as ao from './ao/index.js';
export * as backends from './backends/index.js';
export * as compress from './compress/index.js';
export * as serve from './serve/index.js';
export * as monitor from './monitor/index.js';
export { autocast, isAutocastEnabled, getAutocastDtype } from './amp/autocast.js';
import * as data from './data/index.js';
/** torch.utils.data, as in PyTorch (the same module as torch.data). */
export const utils = { data };
export type { AtenOps, TorchFunctions, TensorMethods } from './ops/types.generated.js';
export type { Scalar, MemoryFormat, Overloads, UnionToIntersection } from './ops/spec.js';
export * from './ops/functions.generated.js';

import { installTensorMethods } from './ops/surface.js';
import { installHandWrittenMethods } from './tensor/methods/index.js';
// The hand-written methods first: the generated ones leave their names alone.
installHandWrittenMethods();
installTensorMethods();
