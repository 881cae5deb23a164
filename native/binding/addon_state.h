// Per-environment state of the addon (one per Node thread that loads it).
#pragma once
#include <ATen/core/Tensor.h>

#include <memory>

#include "binding/node_api.h"
#include "core/storage_accounting.h"

namespace nodetorch {

struct ReleaseChannel;  // binding/buffer_keepalive.cpp

struct AddonState {
  /** The JS class results are created as (lib/tensor's Tensor, a subclass of NativeTensor). */
  Napi::FunctionReference tensorClass;
  /** lib/tensor's TorchError, thrown for every LibTorch failure. */
  Napi::FunctionReference torchErrorClass;
  StorageAccounting accounting;
  /** TensorWrap::wrap() hands its tensor to the constructor through here, with `wrapToken` as
   * the constructor's argument: cheaper than an External per tensor, and unforgeable from JS. */
  at::Tensor pendingTensor;
  Napi::ObjectReference wrapToken;
  /** Where tensors borrowing JS memory send their buffers back to be released. */
  std::shared_ptr<ReleaseChannel> releaseChannel;

  static AddonState& of(Napi::Env env) { return *env.GetInstanceData<AddonState>(); }
};

}  // namespace nodetorch
