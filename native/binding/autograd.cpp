// Reverse-mode autograd entry points and the (thread-local) grad mode.
#include "binding/autograd.h"

#include <ATen/core/grad_mode.h>
#include <c10/core/InferenceMode.h>
#include <torch/csrc/autograd/autograd.h>

#include <memory>
#include <vector>

#include "binding/errors.h"
#include "binding/js_convert.h"
#include "binding/tensor_wrap.h"

namespace nodetorch {
namespace {

std::vector<at::Tensor> tensorList(Napi::Value value, const std::string& param, bool allowNull) {
  if (!value.IsArray()) throw Napi::TypeError::New(value.Env(), param + " must be an array of tensors");
  Napi::Array array = value.As<Napi::Array>();
  std::vector<at::Tensor> out;
  for (uint32_t i = 0; i < array.Length(); ++i) {
    Napi::Value item = array[i];
    if (allowNull && (item.IsNull() || item.IsUndefined())) {
      out.emplace_back();
    } else {
      out.push_back(TensorWrap::unwrap(item, Param(param).at(i)));
    }
  }
  return out;
}

c10::optional<bool> optionalBool(Napi::Value value) {
  if (value.IsBoolean()) return value.As<Napi::Boolean>().Value();
  return c10::nullopt;
}

// backward(tensors, gradTensors, retainGraph?, createGraph)
Napi::Value backward(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    auto tensors = tensorList(info[0], "tensors", false);
    auto grads = tensorList(info[1], "gradient", true);
    bool createGraph = info[3].IsBoolean() && info[3].As<Napi::Boolean>().Value();
    torch::autograd::backward(tensors, grads, optionalBool(info[2]), createGraph);
    return info.Env().Undefined();
  });
}

// grad(outputs, inputs, gradOutputs, retainGraph?, createGraph, allowUnused) -> (Tensor | null)[]
Napi::Value grad(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    auto outputs = tensorList(info[0], "outputs", false);
    auto inputs = tensorList(info[1], "inputs", false);
    auto gradOutputs = tensorList(info[2], "gradOutputs", true);
    bool createGraph = info[4].IsBoolean() && info[4].As<Napi::Boolean>().Value();
    bool allowUnused = info[5].IsBoolean() && info[5].As<Napi::Boolean>().Value();
    auto grads = torch::autograd::grad(outputs, inputs, gradOutputs, optionalBool(info[3]), createGraph, allowUnused);
    Napi::Array result = Napi::Array::New(info.Env(), grads.size());
    for (size_t i = 0; i < grads.size(); ++i) {
      result.Set(static_cast<uint32_t>(i),
                 grads[i].defined() ? Napi::Value(TensorWrap::wrap(info.Env(), grads[i])) : info.Env().Null());
    }
    return Napi::Value(result);
  });
}

Napi::Value isGradEnabled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), at::GradMode::is_enabled());
}

// setGradEnabled(enabled) -> the previous mode, so scopes can restore it
Napi::Value setGradEnabled(const Napi::CallbackInfo& info) {
  if (!info[0].IsBoolean()) throw Napi::TypeError::New(info.Env(), "enabled must be a boolean");
  bool previous = at::GradMode::is_enabled();
  at::GradMode::set_enabled(info[0].As<Napi::Boolean>().Value());
  return Napi::Boolean::New(info.Env(), previous);
}

// Inference-mode scopes opened from JS on this thread, innermost last (torch.inferenceMode(fn)
// opens and closes one around a synchronous fn, so they nest and close in order).
thread_local std::vector<std::unique_ptr<c10::InferenceMode>> inferenceScopes;

// enterInferenceMode(enabled): opens a scope; exitInferenceMode() closes the innermost one.
Napi::Value enterInferenceMode(const Napi::CallbackInfo& info) {
  if (!info[0].IsBoolean()) throw Napi::TypeError::New(info.Env(), "enabled must be a boolean");
  inferenceScopes.push_back(std::make_unique<c10::InferenceMode>(info[0].As<Napi::Boolean>().Value()));
  return info.Env().Undefined();
}

Napi::Value exitInferenceMode(const Napi::CallbackInfo& info) {
  if (!inferenceScopes.empty()) inferenceScopes.pop_back();
  return info.Env().Undefined();
}

Napi::Value isInferenceModeEnabled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), c10::InferenceMode::is_enabled());
}

}  // namespace

void initAutograd(Napi::Env env, Napi::Object exports) {
  exports.Set("backward", Napi::Function::New<backward>(env, "backward"));
  exports.Set("grad", Napi::Function::New<grad>(env, "grad"));
  exports.Set("isGradEnabled", Napi::Function::New<isGradEnabled>(env, "isGradEnabled"));
  exports.Set("setGradEnabled", Napi::Function::New<setGradEnabled>(env, "setGradEnabled"));
  exports.Set("enterInferenceMode", Napi::Function::New<enterInferenceMode>(env, "enterInferenceMode"));
  exports.Set("exitInferenceMode", Napi::Function::New<exitInferenceMode>(env, "exitInferenceMode"));
  exports.Set("isInferenceModeEnabled", Napi::Function::New<isInferenceModeEnabled>(env, "isInferenceModeEnabled"));
}

}  // namespace nodetorch
