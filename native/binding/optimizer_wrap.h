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
  ~OptimizerWrap() override;

  /** The NativeOptimizer `value` is; a TypeError naming `what` otherwise. */
  static OptimizerWrap& from(Napi::Value value, const char* what);
  /**
   * Lends the optimizer to work on another thread (the native epoch loop): until giveBack, every
   * JS call on it throws a TorchError instead of racing with the worker.
   */
  torch::optim::Optimizer& borrow(Napi::Env env);
  /** Ends a borrow (on the JS thread) and reports the state's new size. */
  void giveBack(Napi::Env env);

 private:
  Napi::Value step(const Napi::CallbackInfo& info);
  Napi::Value zeroGrad(const Napi::CallbackInfo& info);
  Napi::Value addParamGroup(const Napi::CallbackInfo& info);
  Napi::Value groupOptions(const Napi::CallbackInfo& info);
  Napi::Value setGroupOption(const Napi::CallbackInfo& info);
  Napi::Value paramState(const Napi::CallbackInfo& info);
  Napi::Value setParamState(const Napi::CallbackInfo& info);
  /** Frees the native optimizer and its state now; later calls throw. */
  Napi::Value dispose(const Napi::CallbackInfo& info);
  Napi::Value stateBytes(const Napi::CallbackInfo& info);

  /** The optimizer; a TorchError once disposed. */
  torch::optim::Optimizer& live(Napi::Env env);
  /**
   * Tells V8 how many bytes the state buffers take when they may have changed (the state map grew,
   * or `force`): Adam's state is twice the parameters, and a sweep makes many optimizers.
   */
  void reportState(Napi::Env env, bool force = false);
  torch::optim::OptimizerParamGroup& group(const Napi::Value& index);
  const at::Tensor& param(const Napi::CallbackInfo& info);

  std::string kind_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  bool borrowed_ = false;
  size_t stateEntries_ = 0;
  int64_t reportedBytes_ = 0;
};

/** Registers clipGradNorm(params, maxNorm, normType, errorIfNonfinite) and clipGradValue(params, value). */
void initGradClipping(Napi::Env env, Napi::Object exports);

}  // namespace nodetorch
