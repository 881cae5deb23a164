/**
 * torch.onnx.export: traces a Module (or takes a ScriptModule), asks LibTorch for the frozen graph
 * of its forward, translates it through the symbolic table and writes the ONNX file atomically.
 * @module
 */
import { writeFileAtomic } from '../io/atomic.js';
import { trace } from '../jit/trace.js';
import { ScriptModule } from '../jit/script-module.js';
import { native } from '../native.js';
import { Module } from '../nn/module.js';
import { Tensor } from '../tensor/tensor.js';
import { resolveDynamicAxes, type DynamicAxes } from './dynamic-axes.js';
import { OnnxExportError } from './errors.js';
import type { GraphIR } from './graph-ir.js';
import { encodeModel } from './proto.js';
import { OPSET_RANGE, translate } from './translate.js';

/** Options of {@link exportModel}, as torch.onnx.export's. */
export interface ExportOptions {
  /** The ONNX opset to target, 13 to 20 (default 17). */
  opsetVersion?: number;
  /** Names of the graph's inputs, in order (default input_0, input_1, ...; fewer names than inputs leave the rest default). */
  inputNames?: string[];
  /** Names of the graph's outputs, in order (default output_0, output_1, ...). */
  outputNames?: string[];
  /**
   * Dims whose size varies, by input or output name: `{ input_0: { 0: 'batch' } }`, or
   * `{ input_0: [0] }` to let the exporter name them. Without it the file has the example's sizes.
   */
  dynamicAxes?: DynamicAxes;
  /** Fold the parts of the graph that depend only on constants before translating (default true). */
  doConstantFolding?: boolean;
}

/** Options with their defaults applied, checked. */
interface Resolved {
  opset: number;
  inputNames: string[] | undefined;
  outputNames: string[] | undefined;
  dynamicAxes: DynamicAxes | undefined;
  constantFolding: boolean;
}

function names(value: unknown, what: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((n) => typeof n !== 'string' || n === ''))
    throw new OnnxExportError(`torch.onnx.export: ${what} must be an array of non-empty strings`);
  if (new Set(value).size !== value.length) throw new OnnxExportError(`torch.onnx.export: ${what} has a name twice`);
  return value as string[];
}

function resolveOptions(options: ExportOptions): Resolved {
  const opset = options.opsetVersion ?? 17;
  if (!Number.isInteger(opset) || opset < OPSET_RANGE.min || opset > OPSET_RANGE.max)
    throw new OnnxExportError(
      `torch.onnx.export: opsetVersion ${String(opset)} is not supported (supported: ${OPSET_RANGE.min} to ${OPSET_RANGE.max})`,
      { opset: typeof opset === 'number' ? opset : undefined },
    );
  if (options.doConstantFolding !== undefined && typeof options.doConstantFolding !== 'boolean')
    throw new OnnxExportError('torch.onnx.export: doConstantFolding must be a boolean');
  return {
    opset,
    inputNames: names(options.inputNames, 'inputNames'),
    outputNames: names(options.outputNames, 'outputNames'),
    dynamicAxes: options.dynamicAxes,
    constantFolding: options.doConstantFolding ?? true,
  };
}

// Example inputs as a flat list of tensors, in the traced graph's order.
function flatTensors(args: unknown[]): Tensor[] {
  return args.flatMap((arg) => (arg instanceof Tensor ? [arg] : Array.isArray(arg) ? flatTensors(arg) : []));
}

// Traces a Module in eval mode (as PyTorch's exporter does), leaving its mode as it was.
function scriptModuleOf(model: Module | ScriptModule, args: unknown[]): { module: ScriptModule; owned: boolean } {
  if (model instanceof ScriptModule) return { module: model, owned: false };
  if (!(model instanceof Module)) throw new OnnxExportError('torch.onnx.export: model must be an nn.Module or a torch.jit.ScriptModule');
  const modes = [...model.modules()].map((m) => [m, m.training] as const);
  model.eval();
  try {
    return { module: trace(model, args, { checkTrace: false, inferDynamicDims: false }), owned: true };
  } finally {
    for (const [m, training] of modes) m.training = training;
  }
}

/** The frozen graph of `module`'s forward, its inputs described by the example where the graph is silent. */
function graphOf(module: ScriptModule, examples: Tensor[], constantFolding: boolean): GraphIR {
  const graph = module.exportGraph('forward', constantFolding) as GraphIR;
  if (graph.inputs.length !== examples.length)
    throw new OnnxExportError(
      `torch.onnx.export: the graph takes ${graph.inputs.length} tensor inputs, but ${examples.length} example tensors were given`,
    );
  graph.inputs = graph.inputs.map((input, i) => ({
    ...input,
    dtype: input.dtype ?? examples[i]!.dtype,
    shape: input.shape?.every((d) => d !== null) ? input.shape : [...examples[i]!.shape],
  }));
  return graph;
}

/**
 * Translates `graph` to an ONNX model and returns its bytes; what {@link exportModel} writes.
 * `graph` may come from anywhere (`ScriptModule.exportGraph`, or built by hand).
 */
export function exportGraph(graph: GraphIR, options: ExportOptions & { graphName?: string } = {}): Uint8Array {
  const resolved = resolveOptions(options);
  const inputNames = graph.inputs.map((_, i) => resolved.inputNames?.[i] ?? `input_${i}`);
  const outputNames = graph.outputs.map((_, i) => resolved.outputNames?.[i] ?? `output_${i}`);
  if ((resolved.inputNames?.length ?? 0) > inputNames.length)
    throw new OnnxExportError(`torch.onnx.export: ${resolved.inputNames!.length} inputNames for a graph of ${inputNames.length} inputs`);
  if ((resolved.outputNames?.length ?? 0) > outputNames.length)
    throw new OnnxExportError(
      `torch.onnx.export: ${resolved.outputNames!.length} outputNames for a graph of ${outputNames.length} outputs`,
    );
  const all = [...inputNames, ...outputNames];
  const repeated = all.find((name, i) => all.indexOf(name) !== i);
  if (repeated) throw new OnnxExportError(`torch.onnx.export: the name '${repeated}' is given to two inputs or outputs`);
  const ranks = new Map<string, number | undefined>([
    ...inputNames.map((name, i): [string, number | undefined] => [name, graph.inputs[i]!.shape?.length]),
    ...outputNames.map((name): [string, number | undefined] => [name, undefined]),
  ]);
  const model = translate(graph, {
    opset: resolved.opset,
    inputNames,
    outputNames,
    dynamicAxes: resolveDynamicAxes(resolved.dynamicAxes, ranks),
    graphName: options.graphName ?? 'main_graph',
    producerVersion: native.config().torchVersion,
  });
  return encodeModel(model);
}

/**
 * torch.onnx.export(model, args, path, options): `model` (an nn.Module, traced on `args` in eval
 * mode, or a ScriptModule) as an ONNX file at `path`, written atomically: on any error no file is
 * left (and an existing one is kept). `args` is one tensor or an array of the positional inputs.
 * An op with no ONNX mapping is an {@link OnnxExportError} naming the op, the module path it came
 * from and the opset.
 */
export async function exportModel(model: Module | ScriptModule, args: unknown, path: string, options: ExportOptions = {}): Promise<void> {
  if (typeof path !== 'string' || path === '') throw new OnnxExportError('torch.onnx.export: path must be a non-empty string');
  resolveOptions(options);
  const inputs = Array.isArray(args) ? args : [args];
  const { module, owned } = scriptModuleOf(model, inputs);
  let bytes: Uint8Array;
  try {
    const graphName = model instanceof Module ? model.constructor.name : 'main_graph';
    bytes = exportGraph(graphOf(module, flatTensors(inputs), options.doConstantFolding ?? true), { ...options, graphName });
  } finally {
    if (owned) module.dispose();
  }
  try {
    await writeFileAtomic(path, bytes);
  } catch (error) {
    const wrapped = new OnnxExportError(`torch.onnx.export: cannot write ${path}: ${(error as Error).message}`);
    wrapped.cause = error;
    throw wrapped;
  }
}
