// torch.jit.trace on LibTorch's own tracer: a TorchScript module that mirrors a JS Module tree,
// a traced method added to it, and the passes that prepare a frozen graph for export. No N-API.
#pragma once
#include <torch/csrc/jit/api/module.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/trace_state.h"

namespace nodetorch::tracing {

/** One module of the tree to mirror: its tensors are shared with the JS module, not copied. */
struct ModuleSpec {
  std::string className;
  bool training = true;
  std::vector<std::pair<std::string, at::Tensor>> parameters;
  std::vector<std::pair<std::string, at::Tensor>> buffers;
  /** Other attributes: TorchScript objects such as packed quantized weights (ops read them via GetAttr). */
  std::vector<std::pair<std::string, c10::IValue>> objects;
  std::vector<std::pair<std::string, ModuleSpec>> children;
};

/**
 * A TorchScript module with the spec's parameters, buffers and submodules as attributes, and a
 * `training` attribute on every module (without it eval() does nothing and freezing skips the
 * module: ENVIRONMENT.md).
 */
torch::jit::Module buildModule(const ModuleSpec& spec);

/** Calls the user's function on the traced inputs and returns its outputs. */
using TracedFn = std::function<c10::Stack(c10::Stack)>;

/**
 * Traces `fn` on `inputs` and adds the graph to `module` as method `name` (as Python's
 * `_create_method_from_trace` does): the module's tensors become `prim::GetAttr`s, anything else
 * the function reads becomes a constant. Runs on the calling thread only (the trace state is
 * thread-local). Returns the function's outputs from the tracing run.
 */
c10::Stack traceMethod(torch::jit::Module& module, const std::string& name, c10::Stack inputs, const TracedFn& fn,
                       bool strict, const std::vector<std::string>& argumentNames);

/** Warnings for tensors the traced graph holds as constants (captured from outside the inputs). */
std::vector<std::string> capturedTensorWarnings(const torch::jit::Graph& graph);

/**
 * The graph of method `name` of a frozen copy of `module` in eval mode, inlined, without in-place
 * ops or tuples, with parameters as constants (optionally folded): what an exporter translates.
 */
std::shared_ptr<torch::jit::Graph> exportGraph(const torch::jit::Module& module, const std::string& name,
                                               bool constantFolding);

}  // namespace nodetorch::tracing
