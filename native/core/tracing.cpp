#include "core/tracing.h"

#include <torch/csrc/jit/frontend/tracer.h>
#include <torch/csrc/jit/passes/constant_pooling.h>
#include <torch/csrc/jit/passes/constant_propagation.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/csrc/jit/passes/inliner.h>
#include <torch/csrc/jit/passes/lower_tuples.h>
#include <torch/csrc/jit/passes/remove_dropout.h>
#include <torch/csrc/jit/passes/remove_mutation.h>
#include <torch/csrc/jit/passes/shape_analysis.h>

#include <cctype>
#include <mutex>
#include <sstream>

namespace nodetorch::tracing {
namespace {

// Only the JS thread traces, but keep the record per thread as the trace state is.
thread_local std::vector<std::string> pendingWarnings;
thread_local std::string refusedAsyncCall;

void collectWarning(const std::string& message) { pendingWarnings.push_back(message); }

// LibTorch's tracer reports its own warnings (resize, constructors...) through one global hook.
void installWarningHook() {
  static std::once_flag once;
  std::call_once(once, [] { torch::jit::tracer::setWarn(&collectWarning); });
}

// A TorchScript class name from a JS class name: letters, digits and underscores, not starting with a digit.
std::string className(const std::string& name) {
  std::string out;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "Module_" + out;
  return "__torch__.nodetorch." + out;
}

torch::jit::Module buildWith(const ModuleSpec& spec, const std::shared_ptr<torch::jit::CompilationUnit>& unit) {
  torch::jit::Module module(className(spec.className), unit, /*shouldMangle=*/true);
  module.register_attribute("training", c10::BoolType::get(), spec.training);
  for (const auto& [name, tensor] : spec.parameters) module.register_parameter(name, tensor, /*is_buffer=*/false);
  for (const auto& [name, tensor] : spec.buffers) module.register_buffer(name, tensor);
  for (const auto& [name, object] : spec.objects) module.register_attribute(name, object.type(), object);
  for (const auto& [name, child] : spec.children) module.register_module(name, buildWith(child, unit));
  return module;
}

std::string shapeOf(const at::Tensor& tensor) {
  std::ostringstream out;
  out << tensor.sizes();
  return out.str();
}

}  // namespace

torch::jit::Module buildModule(const ModuleSpec& spec) {
  return buildWith(spec, std::make_shared<torch::jit::CompilationUnit>());
}

c10::Stack traceMethod(torch::jit::Module& module, const std::string& name, c10::Stack inputs, const TracedFn& fn,
                       bool strict, const std::vector<std::string>& argumentNames) {
  if (isTracing()) throw std::runtime_error("torch.jit.trace cannot be called inside another trace");
  if (module.find_method(name)) throw std::runtime_error("the traced module already has a method '" + name + "'");
  installWarningHook();
  refusedAsyncCall.clear();
  try {
    auto traced = torch::jit::tracer::trace(
        std::move(inputs), fn, [](const at::Tensor&) { return std::string(); }, strict,
        /*force_outplace=*/false, &module, argumentNames);
    if (!refusedAsyncCall.empty()) throw std::runtime_error(std::exchange(refusedAsyncCall, {}));
    auto method = module._ivalue()->compilation_unit()->create_function(
        c10::QualifiedName(*module.type()->name(), name), traced.first->graph);
    module.type()->addMethod(method);
    return std::move(traced.second);
  } catch (...) {
    if (isTracing()) torch::jit::tracer::abandon();
    throw;
  }
}

bool isTracing() { return torch::jit::tracer::isTracing(); }

void pushScope(const std::string& name) {
  if (const auto& state = torch::jit::tracer::getTracingState()) state->graph->push_scope(name);
}

void popScope() {
  if (const auto& state = torch::jit::tracer::getTracingState()) state->graph->pop_scope();
}

void refuseAsyncCall(const std::string& message) {
  if (refusedAsyncCall.empty()) refusedAsyncCall = message;
}

void warn(const std::string& message) {
  if (isTracing()) collectWarning(message);
}

std::vector<std::string> takeWarnings() { return std::exchange(pendingWarnings, {}); }

std::vector<std::string> capturedTensorWarnings(const torch::jit::Graph& graph) {
  std::vector<std::string> warnings;
  for (const torch::jit::Node* node : graph.nodes()) {
    if (node->kind() != c10::prim::Constant || !node->output()->type()->cast<c10::TensorType>()) continue;
    auto value = torch::jit::toIValue(node->output());
    if (!value || !value->isTensor() || value->toTensor().dim() == 0) continue;  // scalars passed as tensors
    warnings.push_back("a tensor of shape " + shapeOf(value->toTensor()) +
                       " that is neither an input nor a parameter or buffer of the module was recorded as a "
                       "constant in the trace: pass it as an input, or register it as a buffer, if it can change");
  }
  return warnings;
}

std::shared_ptr<torch::jit::Graph> exportGraph(const torch::jit::Module& module, const std::string& name,
                                               bool constantFolding) {
  auto original = module.find_method(name);
  if (!original) throw std::runtime_error("the module has no method '" + name + "'");
  // Freezing forgets the traced input types; they come back below so shapes can be propagated.
  std::vector<c10::TypePtr> inputTypes;
  for (const torch::jit::Value* input : original->graph()->inputs()) inputTypes.push_back(input->type());
  torch::jit::Module frozen = module;
  // A module frozen already (optimizeForInference's result) has no `training` attribute left.
  if (module.type()->hasAttribute("training")) {
    torch::jit::Module copy = module.clone();
    copy.eval();
    std::vector<std::string> preserved;
    if (name != "forward") preserved.push_back(name);
    frozen = torch::jit::freeze(copy, preserved, /*optimize_numerics=*/true);
  }
  auto method = frozen.find_method(name);
  if (!method) throw std::runtime_error("the module has no method '" + name + "'");
  std::shared_ptr<torch::jit::Graph> graph = method->graph()->copy();
  torch::jit::Inline(*graph);
  torch::jit::LowerAllTuples(graph);
  torch::jit::RemoveTensorMutation(graph);
  torch::jit::removeDropout(graph);
  if (constantFolding) torch::jit::ConstantPropagation(graph);
  torch::jit::ConstantPooling(graph);
  torch::jit::EliminateDeadCode(graph);
  if (graph->inputs().size() == inputTypes.size()) {
    for (size_t i = 0; i < inputTypes.size(); ++i) {
      if (inputTypes[i]->cast<c10::TensorType>()) graph->inputs()[i]->setType(inputTypes[i]);
    }
    // Ranks and dtypes for the exporter. This pass also pins some broadcasts to the example's
    // sizes (expands); lib/onnx/graph-passes.ts drops those.
    torch::jit::PropagateInputShapes(graph);
  }
  return graph;
}

}  // namespace nodetorch::tracing
