// How JS holds tensors. A lib/tensor Tensor is a plain JS object whose handle property (under a
// symbol lib/tensor hands over in setClasses) names a slot and generation in this env's TensorTable;
// a finalizer on the object frees the slot when the collector takes it. No N-API object wrap: wrapping each
// result cost more than the small ops themselves (bench/op-overhead.mjs).
#pragma once
#include <ATen/core/Tensor.h>

#include <vector>

#include "binding/js_convert.h"
#include "binding/node_api.h"

namespace nodetorch {

class TensorWrap {
 public:
  /** Exports `tensor` (the per-tensor functions lib/tensor's accessors call with a handle). */
  static void Init(Napi::Env env, Napi::Object exports);
  /** A new JS Tensor owning `tensor` (made by calling lib/tensor's class). */
  static Napi::Object wrap(Napi::Env env, at::Tensor tensor);
  /**
   * Makes `out`, a Tensor that JS just made without a handle, own `tensor`; returns the handle (a
   * JS number), which the caller stores in `out`. Cheaper than wrap(): no call back into JS.
   */
  static Napi::Value adopt(Napi::Env env, Napi::Value out, at::Tensor tensor);
  /** The tensor behind `value`; a TypeError naming `param` if it is no tensor, a TorchError if disposed. */
  static const at::Tensor& unwrap(Napi::Value value, const Param& param);
  /** The tensors of a JS array (copies of the handles' tensors); a TypeError naming `what` otherwise. */
  static std::vector<at::Tensor> unwrapArray(Napi::Value value, const char* what);
  /**
   * The tensor behind a handle JS passed directly (`tensor[HANDLE]`). Copy it before anything that
   * allocates JS values: the collector may then free the slot, as the object need not be reachable.
   */
  static const at::Tensor& fromHandle(Napi::Value handle, const Param& param);
  static bool isTensor(Napi::Value value);
};

}  // namespace nodetorch
