// Hand-bound hot paths: direct ATen calls without the boxed dispatcher path, for the ops a
// training loop calls most. bench/op-overhead.mjs measures them against the generated path.
#include "binding/hot_ops.h"

#include <ATen/ATen.h>

#include "binding/errors.h"
#include "binding/tensor_wrap.h"

namespace nodetorch {
namespace {

// fn(out, selfHandle, otherHandle) -> the handle `out` now has (lib/tensor/tensor.ts makes `out`).
template <at::Tensor (*Fn)(const at::Tensor&, const at::Tensor&)>
Napi::Value binary(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    // Copies: they keep both tensors alive through the op whatever the collector does meanwhile.
    at::Tensor a = TensorWrap::fromHandle(info[1], "self");
    at::Tensor b = TensorWrap::fromHandle(info[2], "other");
    return TensorWrap::adopt(info.Env(), info[0], Fn(a, b));
  });
}

at::Tensor add(const at::Tensor& a, const at::Tensor& b) { return at::add(a, b); }
at::Tensor sub(const at::Tensor& a, const at::Tensor& b) { return at::sub(a, b); }
at::Tensor mul(const at::Tensor& a, const at::Tensor& b) { return at::mul(a, b); }
at::Tensor matmul(const at::Tensor& a, const at::Tensor& b) { return at::matmul(a, b); }

}  // namespace

void initHotOps(Napi::Env env, Napi::Object exports) {
  Napi::Object hot = Napi::Object::New(env);
  hot.Set("add", Napi::Function::New<binary<add>>(env, "add"));
  hot.Set("sub", Napi::Function::New<binary<sub>>(env, "sub"));
  hot.Set("mul", Napi::Function::New<binary<mul>>(env, "mul"));
  hot.Set("matmul", Napi::Function::New<binary<matmul>>(env, "matmul"));
  exports.Set("hot", hot);
}

}  // namespace nodetorch
