// NativeScriptModule: a TorchScript module (torch::jit::Module) loaded from a file PyTorch saved.
#pragma once
#include <torch/csrc/jit/api/module.h>

#include "binding/node_api.h"

namespace nodetorch {

class ScriptModuleWrap : public Napi::ObjectWrap<ScriptModuleWrap> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  static Napi::Object wrap(Napi::Env env, torch::jit::Module module);
  explicit ScriptModuleWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value runMethod(const Napi::CallbackInfo& info);
  Napi::Value runMethodAsync(const Napi::CallbackInfo& info);
  Napi::Value namedParameters(const Napi::CallbackInfo& info);
  Napi::Value namedBuffers(const Napi::CallbackInfo& info);
  Napi::Value train(const Napi::CallbackInfo& info);
  Napi::Value isTraining(const Napi::CallbackInfo& info);
  Napi::Value methodNames(const Napi::CallbackInfo& info);
  Napi::Value save(const Napi::CallbackInfo& info);
  Napi::Value to(const Napi::CallbackInfo& info);

  torch::jit::Module module_;
};

}  // namespace nodetorch
