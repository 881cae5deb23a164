// Per-environment state of the addon (one per Node thread that loads it).
#pragma once
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <cstdlib>
#include <memory>

#include "binding/node_api.h"
#include "binding/tensor_table.h"
#include "core/busy_tensors.h"
#include "core/storage_accounting.h"

namespace nodetorch {

struct ReleaseChannel;  // binding/buffer_keepalive.cpp

struct AddonState {
  /** lib/tensor's Tensor class, which wrap() constructs as `new Tensor(tensorToken, handle)`. */
  Napi::FunctionReference tensorClass;
  /** Its prototype: the prototype of every Tensor (how native code recognizes one). */
  Napi::ObjectReference tensorPrototype;
  /** The object lib/tensor's Tensor constructor requires, so that only it and the addon make tensors. */
  Napi::ObjectReference tensorToken;
  /** The symbol under which a Tensor keeps its handle (its slot in `table`). */
  Napi::Reference<Napi::Symbol> handleKey;
  /** NativeScriptModule, which native code instantiates for torch.jit.load results. */
  Napi::FunctionReference scriptModuleClass;
  /** NativeScriptObject: opaque TorchScript objects (packed quantized weights...). */
  Napi::FunctionReference scriptObjectClass;
  /** NativeOptimizer, to recognize its instances (the native epoch loop borrows one). */
  Napi::FunctionReference optimizerClass;
  /** lib/tensor's TorchError, thrown for every LibTorch failure. */
  Napi::FunctionReference torchErrorClass;
  StorageAccounting accounting;
  /** Every tensor JS holds. */
  TensorTable table;
  /** Tensors running async work uses (binding/async_claim.h); shared with workers that outlive the env. */
  std::shared_ptr<BusyTensors> busy = std::make_shared<BusyTensors>();
  /** Where tensors borrowing JS memory send their buffers back to be released. */
  std::shared_ptr<ReleaseChannel> releaseChannel;

  /**
   * Tells V8 about native bytes in steps of at least 1 MiB: per-tensor calls cost more than the
   * small tensors they describe, and the collector only needs the trend. JS thread only, outside
   * the collector: AdjustExternalMemory may start a collection, which aborts V8 inside one.
   */
  void reportExternal(Napi::Env env, int64_t delta) {
    pendingExternal_ += delta;
    if (std::llabs(pendingExternal_) >= (int64_t(1) << 20)) {
      Napi::MemoryManagement::AdjustExternalMemory(env, pendingExternal_);
      pendingExternal_ = 0;
    }
  }
  /** Records a change for the next reportExternal: all a finalizer running inside the collector may do. */
  void recordExternal(int64_t delta) { pendingExternal_ += delta; }

  static AddonState& of(Napi::BasicEnv env) { return *env.GetInstanceData<AddonState>(); }

 private:
  int64_t pendingExternal_ = 0;
};

}  // namespace nodetorch
