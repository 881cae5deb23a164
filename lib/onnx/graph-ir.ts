/**
 * The TorchScript graph the exporter translates, as the addon hands it over
 * (`native.jitExportGraph`): the graph of a frozen, inlined, mutation-free copy of a method in eval
 * mode, parameters folded in as constants. The exporter does not care where it came from, so tests
 * build it by hand.
 * @module
 */
import type { Tensor } from '../tensor/tensor.js';

/** A value of the graph: a node output or a graph input. */
export interface ValueIR {
  id: number;
  /** TorchScript's debug name. */
  name: string;
  /** c10's Type::str(): 'Tensor', 'int', 'float', 'bool', 'int[]', 'Tensor[]', 'NoneType', 'str', 'Device', ... */
  type: string;
  /** The element type of a tensor where known ('float32', 'int64', ...). */
  dtype?: string;
  /** The sizes of a tensor where known, null for a size that is not. */
  shape?: (number | null)[];
}

/** A constant's value: scalars, lists, strings, a tensor, a list of tensors, or None. */
export type ConstantIR = number | boolean | string | number[] | boolean[] | Tensor | Tensor[] | null;

/** One node, in topological order. */
export interface NodeIR {
  /** 'aten::linear', 'prim::Constant', 'prim::ListConstruct', ... */
  kind: string;
  /** Value ids. */
  inputs: number[];
  outputs: ValueIR[];
  /** The module path the node was recorded in ('fc1', 'features.0'; '' at the top level). */
  scope: string;
  /** prim::Constant only. */
  value?: ConstantIR;
}

/** A method's graph, `self` left out of its inputs. */
export interface GraphIR {
  /** The method's tensor inputs, in order. */
  inputs: ValueIR[];
  /** The returned values (a returned tuple is flattened). */
  outputs: number[];
  nodes: NodeIR[];
}
