/**
 * torch.onnx: ONNX export of nn.Modules and TorchScript modules, from LibTorch's traced graph
 * through a symbolic table of ATen ops, checked by onnxruntime in the tests.
 * @module
 */
export { exportModel as export, exportGraph } from './export.js';
export type { ExportOptions } from './export.js';
export type { DynamicAxes } from './dynamic-axes.js';
export { OnnxExportError } from './errors.js';
export type { OnnxErrorSite } from './errors.js';
export type { GraphIR, NodeIR, ValueIR, ConstantIR } from './graph-ir.js';
export { OPSET_RANGE } from './translate.js';
