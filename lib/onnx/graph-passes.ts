/** Rewrites of the TorchScript graph before translation. */
import type { GraphIR, NodeIR } from './graph-ir.js';

// Ops that broadcast their tensor operands: an operand expanded to the broadcast shape gives the same result unexpanded.
const BROADCASTING = new Set(
  [
    'add',
    'sub',
    'rsub',
    'mul',
    'div',
    'true_divide',
    'floor_divide',
    'remainder',
    'pow',
    'eq',
    'ne',
    'lt',
    'le',
    'gt',
    'ge',
    'where',
    'maximum',
    'minimum',
    'logical_and',
    'logical_or',
    'logical_xor',
  ].map((op) => `aten::${op}`),
);

/**
 * Drops the `aten::expand`s that only make a broadcast explicit. LibTorch's shape propagation
 * inserts them with the example's sizes (a scalar expanded to (3, 4) before `gt`), which would
 * fix the batch size; the consumers broadcast anyway.
 */
export function withoutBroadcastExpands(graph: GraphIR): GraphIR {
  const consumers = new Map<number, NodeIR[]>();
  for (const node of graph.nodes) for (const id of node.inputs) consumers.set(id, [...(consumers.get(id) ?? []), node]);
  const outputs = new Set(graph.outputs);
  const replaced = new Map<number, number>();
  const nodes = graph.nodes.filter((node) => {
    if (node.kind !== 'aten::expand' || node.outputs.length !== 1) return true;
    const id = node.outputs[0]!.id;
    const users = consumers.get(id) ?? [];
    if (outputs.has(id) || users.length === 0 || !users.every((u) => BROADCASTING.has(u.kind))) return true;
    replaced.set(id, replaced.get(node.inputs[0]!) ?? node.inputs[0]!);
    return false;
  });
  if (replaced.size === 0) return graph;
  const rewire = (id: number) => replaced.get(id) ?? id;
  return { ...graph, nodes: nodes.map((node) => ({ ...node, inputs: node.inputs.map(rewire) })) };
}
