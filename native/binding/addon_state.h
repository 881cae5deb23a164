// Per-environment state of the addon (one per Node thread that loads it).
#pragma once
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <unordered_set>

#include "binding/node_api.h"
#include "core/storage_accounting.h"

namespace nodetorch {

struct ReleaseChannel;  // binding/buffer_keepalive.cpp
class TensorWrap;

struct AddonState {
  /** The JS class results are created as (lib/tensor's Tensor, a subclass of NativeTensor). */
  Napi::FunctionReference tensorClass;
  /** NativeScriptModule, which native code instantiates for torch.jit.load results. */
  Napi::FunctionReference scriptModuleClass;
  /** lib/tensor's TorchError, thrown for every LibTorch failure. */
  Napi::FunctionReference torchErrorClass;
  StorageAccounting accounting;
  /** TensorWrap::wrap() hands its tensor to the constructor through here, with `wrapToken` as
   * the constructor's argument: cheaper than an External per tensor, and unforgeable from JS. */
  at::Tensor pendingTensor;
  Napi::ObjectReference wrapToken;
  /** The innermost torch.tidy scope (a JS array new tensors are appended to), or empty. */
  Napi::ObjectReference scope;
  /** Where tensors borrowing JS memory send their buffers back to be released. */
  std::shared_ptr<ReleaseChannel> releaseChannel;

  /** Every live TensorWrap: how an object is known to be ours (cheaper than tagging each one). */
  std::unordered_set<const TensorWrap*> tensors;

  /**
   * Tells V8 about native bytes in steps of at least 1 MiB: per-tensor calls cost more than the
   * small tensors they describe, and the collector only needs the trend.
   */
  void reportExternal(Napi::BasicEnv env, int64_t delta) {
    pendingExternal_ += delta;
    if (std::llabs(pendingExternal_) >= (int64_t(1) << 20)) {
      Napi::MemoryManagement::AdjustExternalMemory(env, pendingExternal_);
      pendingExternal_ = 0;
    }
  }

  static AddonState& of(Napi::BasicEnv env) { return *env.GetInstanceData<AddonState>(); }

 private:
  int64_t pendingExternal_ = 0;
};

}  // namespace nodetorch
