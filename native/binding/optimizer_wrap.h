// NativeOptimizer: one LibTorch optimizer (torch::optim), driven by lib/optim.
#pragma once
#include <torch/optim/optimizer.h>

#include <memory>
#include <string>

#include "binding/node_api.h"

namespace nodetorch {

class OptimizerWrap : public Napi::ObjectWrap<OptimizerWrap> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit OptimizerWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value step(const Napi::CallbackInfo& info);
  Napi::Value zeroGrad(const Napi::CallbackInfo& info);
  Napi::Value addParamGroup(const Napi::CallbackInfo& info);
  Napi::Value groupOptions(const Napi::CallbackInfo& info);
  Napi::Value setGroupOption(const Napi::CallbackInfo& info);
  Napi::Value paramState(const Napi::CallbackInfo& info);
  Napi::Value setParamState(const Napi::CallbackInfo& info);

  torch::optim::OptimizerParamGroup& group(const Napi::Value& index);
  const at::Tensor& param(const Napi::CallbackInfo& info);

  std::string kind_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
};

/** Registers clipGradNorm(params, maxNorm, normType, errorIfNonfinite) and clipGradValue(params, value). */
void initGradClipping(Napi::Env env, Napi::Object exports);

}  // namespace nodetorch
