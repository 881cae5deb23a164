// A TorchScript graph as plain JS data for exporters (lib/onnx): values with types, dtypes and
// shapes, nodes in order with their inputs, outputs, module scope and constant values.
#pragma once
#include <torch/csrc/jit/ir/ir.h>

#include "binding/node_api.h"

namespace nodetorch {

/**
 * `{ inputs: ValueIR[], outputs: number[], nodes: NodeIR[] }` (lib/onnx/graph-ir.ts describes the
 * fields). The `self` input of a method is left out; a graph with control flow is refused.
 */
Napi::Object graphToJs(Napi::Env env, const torch::jit::Graph& graph);

}  // namespace nodetorch
