// NativeScriptModule: a TorchScript module (torch::jit::Module) loaded from a file PyTorch saved.
#pragma once
#include <torch/csrc/jit/api/module.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "binding/node_api.h"

namespace nodetorch {

class ScriptModuleWrap : public Napi::ObjectWrap<ScriptModuleWrap> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  /** Extra files of a TorchScript archive by name (the traced signature lives in one). */
  using ExtraFiles = std::map<std::string, std::string>;
  /**
   * `inferenceOnly`: methods run under c10::InferenceMode (optimize_for_inference's oneDNN tensors
   * have no autograd kernels: LibTorch 2.x asserts when they meet the autograd dispatch keys).
   */
  static Napi::Object wrap(Napi::Env env, torch::jit::Module module, ExtraFiles extraFiles = {},
                           bool inferenceOnly = false);
  /** The module inside a NativeScriptModule object (a TorchError when it is not one or is disposed). */
  static torch::jit::Module& unwrap(Napi::Value value);
  explicit ScriptModuleWrap(const Napi::CallbackInfo& info);
  ~ScriptModuleWrap() override;

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
  Napi::Value dispose(const Napi::CallbackInfo& info);
  Napi::Value freeze(const Napi::CallbackInfo& info);
  Napi::Value optimizeForInference(const Napi::CallbackInfo& info);
  Napi::Value graphText(const Napi::CallbackInfo& info);
  Napi::Value exportGraph(const Napi::CallbackInfo& info);
  Napi::Value extraFile(const Napi::CallbackInfo& info);
  /** The module; a TorchError once disposed. */
  torch::jit::Module& live(Napi::Env env);
  /** Throws a TorchError naming `what` while an async method call runs. */
  void requireIdle(Napi::Env env, const char* what) const;

  std::optional<torch::jit::Module> module_;
  ExtraFiles extraFiles_;
  bool inferenceOnly_ = false;
  /** The parameter and buffer bytes told to V8. */
  int64_t reportedBytes_ = 0;
  /** Async method calls running now (changed on the JS thread only). */
  std::shared_ptr<int> running_ = std::make_shared<int>(0);
};

}  // namespace nodetorch
