// NativeTensor: the JS handle of one at::Tensor. lib/tensor's Tensor class extends it.
#pragma once
#include <ATen/core/Tensor.h>

#include "binding/js_convert.h"
#include "binding/node_api.h"

namespace nodetorch {

class TensorWrap : public Napi::ObjectWrap<TensorWrap> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  /** A new JS Tensor (of the registered subclass) owning `tensor`. */
  static Napi::Object wrap(Napi::Env env, at::Tensor tensor);
  /** The tensor behind `value`; a TypeError naming `param` if it is no tensor, a TorchError if disposed. */
  static const at::Tensor& unwrap(Napi::Value value, const Param& param);
  static bool isTensor(Napi::Value value);
  /** The wrapper behind `value`, or nullptr when it is not one of our tensors. */
  static TensorWrap* find(Napi::Value value);

  explicit TensorWrap(const Napi::CallbackInfo& info);
  /** Runs inside the garbage collector (a "basic" finalizer), so memory is freed without yielding. */
  void Finalize(Napi::BasicEnv env) override;

 private:
  const at::Tensor& tensor(Napi::Env env) const;
  void release(Napi::BasicEnv env);

  Napi::Value shape(const Napi::CallbackInfo& info);
  Napi::Value strides(const Napi::CallbackInfo& info);
  Napi::Value dtype(const Napi::CallbackInfo& info);
  Napi::Value device(const Napi::CallbackInfo& info);
  Napi::Value numel(const Napi::CallbackInfo& info);
  Napi::Value dim(const Napi::CallbackInfo& info);
  Napi::Value requiresGrad(const Napi::CallbackInfo& info);
  void setRequiresGrad(const Napi::CallbackInfo& info, const Napi::Value& value);
  Napi::Value grad(const Napi::CallbackInfo& info);
  void setGrad(const Napi::CallbackInfo& info, const Napi::Value& value);
  Napi::Value gradFn(const Napi::CallbackInfo& info);
  Napi::Value isLeaf(const Napi::CallbackInfo& info);
  Napi::Value isDisposed(const Napi::CallbackInfo& info);
  Napi::Value isContiguous(const Napi::CallbackInfo& info);
  Napi::Value storageId(const Napi::CallbackInfo& info);

  Napi::Value dispose(const Napi::CallbackInfo& info);
  Napi::Value toTypedArray(const Napi::CallbackInfo& info);
  Napi::Value item(const Napi::CallbackInfo& info);
  Napi::Value retainGrad(const Napi::CallbackInfo& info);
  Napi::Value index(const Napi::CallbackInfo& info);
  Napi::Value indexPut(const Napi::CallbackInfo& info);

  at::Tensor tensor_;
  bool disposed_ = false;
};

}  // namespace nodetorch
