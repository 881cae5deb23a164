#include "binding/graph_ir.h"

#include <torch/csrc/jit/ir/constants.h>

#include "binding/errors.h"
#include "binding/js_convert.h"
#include "core/dtype.h"

namespace nodetorch {
namespace {

Napi::Object valueToJs(Napi::Env env, const torch::jit::Value* value) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("id", static_cast<double>(value->unique()));
  out.Set("name", value->debugName());
  out.Set("type", value->type()->str());
  if (auto tensor = value->type()->cast<c10::TensorType>()) {
    if (auto dtype = tensor->scalarType()) out.Set("dtype", dtypeName(*dtype));
    if (auto sizes = tensor->sizes().sizes()) {
      Napi::Array shape = Napi::Array::New(env, sizes->size());
      for (size_t i = 0; i < sizes->size(); ++i) {
        const auto& size = (*sizes)[i];
        shape.Set(static_cast<uint32_t>(i),
                  size ? Napi::Value(Napi::Number::New(env, static_cast<double>(*size))) : Napi::Value(env.Null()));
      }
      out.Set("shape", shape);
    }
  }
  return out;
}

Napi::Value constantToJs(Napi::Env env, const torch::jit::Value* value) {
  auto constant = torch::jit::toIValue(value);
  if (!constant || constant->isNone()) return env.Null();
  if (constant->isDevice()) return Napi::String::New(env, constant->toDevice().str());
  return fromIValue(env, *constant);
}

std::string scopeOf(const torch::jit::Node* node) {
  // Traced scopes are named as PyTorch's: `__module.features.0`; report `features.0`.
  auto scope = const_cast<torch::jit::Node*>(node)->scope();
  if (!scope || scope->isBlank()) return std::string();
  std::string name = scope->name().toUnqualString();
  const std::string root = "__module.";
  return name.rfind(root, 0) == 0 ? name.substr(root.size()) : name;
}

}  // namespace

Napi::Object graphToJs(Napi::Env env, const torch::jit::Graph& graph) {
  Napi::Object out = Napi::Object::New(env);
  Napi::Array inputs = Napi::Array::New(env);
  for (const torch::jit::Value* input : graph.inputs()) {
    if (input->type()->cast<c10::ClassType>()) continue;  // self
    inputs.Set(inputs.Length(), valueToJs(env, input));
  }
  out.Set("inputs", inputs);
  Napi::Array outputs = Napi::Array::New(env);
  for (const torch::jit::Value* output : graph.outputs())
    outputs.Set(outputs.Length(), static_cast<double>(output->unique()));
  out.Set("outputs", outputs);
  Napi::Array nodes = Napi::Array::New(env);
  for (const torch::jit::Node* node : graph.nodes()) {
    if (!node->blocks().empty()) {
      throw torchError(env, std::string("the graph has control flow (") + node->kind().toQualString() +
                                "), which export does not translate: trace the model instead of scripting it");
    }
    Napi::Object item = Napi::Object::New(env);
    item.Set("kind", node->kind().toQualString());
    Napi::Array nodeInputs = Napi::Array::New(env, node->inputs().size());
    for (size_t i = 0; i < node->inputs().size(); ++i)
      nodeInputs.Set(static_cast<uint32_t>(i), static_cast<double>(node->inputs()[i]->unique()));
    item.Set("inputs", nodeInputs);
    Napi::Array nodeOutputs = Napi::Array::New(env, node->outputs().size());
    for (size_t i = 0; i < node->outputs().size(); ++i)
      nodeOutputs.Set(static_cast<uint32_t>(i), valueToJs(env, node->outputs()[i]));
    item.Set("outputs", nodeOutputs);
    item.Set("scope", scopeOf(node));
    if (node->kind() == c10::prim::Constant && node->outputs().size() == 1)
      item.Set("value", constantToJs(env, node->output()));
    nodes.Set(nodes.Length(), item);
  }
  out.Set("nodes", nodes);
  return out;
}

}  // namespace nodetorch
