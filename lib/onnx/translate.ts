/**
 * GraphIR -> ModelProto: each node through its symbolic function in order, then the graph's
 * inputs and outputs named and typed (with dynamic axes as symbols), and nodes and constants no
 * output needs dropped.
 * @module
 */
import type { DTypeName } from '../native.js';
import type { ResolvedAxes } from './dynamic-axes.js';
import { nodeError, OnnxExportError, UnsupportedError } from './errors.js';
import { withoutBroadcastExpands } from './graph-passes.js';
import { GraphContext } from './graph-context.js';
import type { GraphIR, NodeIR, ValueIR } from './graph-ir.js';
import type { DimensionProto, GraphProto, ModelProto, NodeProto, ValueInfoProto } from './proto.js';
import { symbolics, type Symbolic } from './symbolic/index.js';
import { onnxDtype } from './tensor-data.js';
import type { TensorValue, Value } from './values.js';

/** What the translation needs besides the graph. */
export interface TranslateOptions {
  opset: number;
  inputNames: string[];
  outputNames: string[];
  dynamicAxes: ResolvedAxes;
  /** The graph's name (the model's class). */
  graphName: string;
  producerVersion: string;
}

/** The oldest and newest ONNX opsets the symbolic table is written for. */
export const OPSET_RANGE = { min: 13, max: 20 } as const;

// The IR version each opset was released with (ONNX 1.8 ... 1.15).
const irVersion = (opset: number) => (opset <= 14 ? 7 : opset <= 18 ? 8 : 9);

// In-place kinds map to their out-of-place symbolic (the graph is mutation-free where it can be).
function lookup(kind: string): Symbolic | undefined {
  return symbolics.get(kind) ?? (kind.endsWith('_') && !kind.endsWith('__') ? symbolics.get(kind.slice(0, -1)) : undefined);
}

// The graph's own description of an output fills in what the translation did not infer.
function withIR(value: Value, ir: ValueIR): Value {
  if (value.kind !== 'tensor') return value;
  const dtype = value.dtype ?? (ir.dtype as DTypeName | undefined);
  let shape = value.shape;
  if (ir.shape && (!shape || shape.length === ir.shape.length)) shape = ir.shape.map((d, i) => shape?.[i] ?? d);
  return dtype === value.dtype && shape === value.shape ? value : { ...value, dtype, shape };
}

function translateNode(g: GraphContext, node: NodeIR, env: Map<number, Value>): void {
  const site = { op: node.kind, scope: node.scope, opset: g.opset };
  const symbolic = lookup(node.kind);
  if (!symbolic) throw nodeError('no ONNX mapping for this op', site);
  const args = node.inputs.map((id) => {
    const value = env.get(id);
    if (!value) throw nodeError(`input %${id} is not produced by an earlier node`, site);
    return value;
  });
  g.scope = node.scope;
  let result: Value | Value[];
  try {
    result = symbolic(g, args, node);
  } catch (error) {
    if (error instanceof OnnxExportError) throw error;
    const reason = error instanceof UnsupportedError ? error.message : `export failed: ${(error as Error).message}`;
    const wrapped = nodeError(reason, site);
    if (!(error instanceof UnsupportedError)) wrapped.cause = error;
    throw wrapped;
  }
  const outputs = Array.isArray(result) ? result : [result];
  if (outputs.length < node.outputs.length)
    throw nodeError(`produced ${outputs.length} outputs where the node has ${node.outputs.length}`, site);
  node.outputs.forEach((output, i) => env.set(output.id, withIR(outputs[i]!, output)));
}

function valueInfo(
  name: string,
  value: TensorValue,
  axes: Map<number, string> | undefined,
  rankOnly: boolean,
  what: string,
): ValueInfoProto {
  if (!value.dtype) throw new OnnxExportError(`torch.onnx.export: the dtype of ${what} '${name}' is not known`);
  const dims = value.shape?.map((size, axis): DimensionProto => {
    const symbol = axes?.get(axis);
    if (symbol) return { dim_param: symbol };
    return size === null || rankOnly ? {} : { dim_value: size };
  });
  return { name, type: { tensor_type: { elem_type: onnxDtype(value.dtype), ...(dims ? { shape: { dim: dims } } : {}) } } };
}

// Keeps the nodes the outputs need, and the initializers those nodes read.
function prune(graph: GraphProto): void {
  const needed = new Set(graph.output.map((o) => o.name));
  const kept: NodeProto[] = [];
  for (let i = graph.node.length - 1; i >= 0; i--) {
    const node = graph.node[i]!;
    if (!node.output.some((o) => needed.has(o))) continue;
    kept.push(node);
    for (const input of node.input) if (input) needed.add(input);
  }
  graph.node = kept.reverse();
  graph.initializer = graph.initializer.filter((t) => needed.has(t.name!));
}

// Gives the value computed for an output the output's name: renames the node output, or adds an Identity.
function nameOutput(g: GraphContext, value: TensorValue, name: string, taken: Set<string>): void {
  const producer = g.nodes.find((n) => n.output.includes(value.name));
  if (!producer || taken.has(value.name)) {
    g.nodes.push({ name: g.uniqueName(`/Identity_${name}`), op_type: 'Identity', input: [g.nameOf(value)], output: [name], attribute: [] });
    return;
  }
  const old = value.name;
  producer.output = producer.output.map((o) => (o === old ? name : o));
  for (const node of g.nodes) node.input = node.input.map((input) => (input === old ? name : input));
  value.name = name;
}

/** The ONNX model of `ir`. */
export function translate(ir: GraphIR, options: TranslateOptions): ModelProto {
  const g = new GraphContext(options.opset, [...options.inputNames, ...options.outputNames]);
  g.dynamic = [...options.dynamicAxes.values()].some((axes) => axes.size > 0);
  const env = new Map<number, Value>();
  const inputs = ir.inputs.map((input, i): TensorValue => {
    const value: TensorValue = {
      kind: 'tensor',
      name: options.inputNames[i]!,
      dtype: input.dtype as DTypeName | undefined,
      shape: input.shape,
    };
    env.set(input.id, value);
    return value;
  });
  for (const node of withoutBroadcastExpands(ir).nodes) translateNode(g, node, env);

  const taken = new Set(options.inputNames);
  const outputs = ir.outputs.map((id, i) => {
    const name = options.outputNames[i]!;
    const found = env.get(id);
    if (!found) throw new OnnxExportError(`torch.onnx.export: output ${i} (%${id}) is not produced by any node`);
    if (found.kind === 'list')
      throw new OnnxExportError(`torch.onnx.export: output ${i} is a list; return tensors (a tuple of them is fine)`);
    const value = { ...g.tensor(found) };
    nameOutput(g, value, name, taken);
    taken.add(name);
    return value;
  });

  const anyDynamic = g.dynamic;
  const graph: GraphProto = {
    name: options.graphName,
    node: g.nodes,
    initializer: g.initializers,
    input: inputs.map((v, i) => valueInfo(v.name, v, options.dynamicAxes.get(v.name), false, `input ${i}`)),
    output: outputs.map((v, i) => {
      const axes = options.dynamicAxes.get(v.name);
      // Without its own dynamic axes, an output of a graph with dynamic inputs is given by rank only.
      return valueInfo(v.name, v, axes, anyDynamic && !axes, `output ${i}`);
    }),
  };
  prune(graph);
  return {
    ir_version: irVersion(options.opset),
    opset_import: [{ domain: '', version: options.opset }],
    producer_name: 'nodetorch',
    producer_version: options.producerVersion,
    graph,
  };
}
