#include "binding/tensor_wrap.h"

#include <ATen/ATen.h>
#include <ATen/TensorIndexing.h>
#include <torch/csrc/autograd/function.h>

#include <cstring>

#include "binding/addon_state.h"
#include "binding/errors.h"
#include "binding/js_convert.h"
#include "core/dtype.h"

namespace nodetorch {
namespace {

template <typename T>
Napi::Value copyToTypedArray(Napi::Env env, const at::Tensor& cpu) {
  auto array = Napi::TypedArrayOf<T>::New(env, static_cast<size_t>(cpu.numel()));
  if (cpu.numel() > 0) std::memcpy(array.Data(), cpu.data_ptr(), cpu.nbytes());
  return array;
}

}  // namespace

void TensorWrap::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function cls =
      DefineClass(env, "NativeTensor",
                  {
                      InstanceAccessor<&TensorWrap::shape>("shape"),
                      InstanceAccessor<&TensorWrap::strides>("_strides"),
                      InstanceAccessor<&TensorWrap::dtype>("dtype"),
                      InstanceAccessor<&TensorWrap::device>("device"),
                      InstanceAccessor<&TensorWrap::numel>("_numel"),
                      InstanceAccessor<&TensorWrap::dim>("_dim"),
                      InstanceAccessor<&TensorWrap::requiresGrad, &TensorWrap::setRequiresGrad>("requiresGrad"),
                      InstanceAccessor<&TensorWrap::grad, &TensorWrap::setGrad>("grad"),
                      InstanceAccessor<&TensorWrap::gradFn>("gradFn"),
                      InstanceAccessor<&TensorWrap::isLeaf>("isLeaf"),
                      InstanceAccessor<&TensorWrap::isDisposed>("isDisposed"),
                      InstanceAccessor<&TensorWrap::storageId>("_storageId"),
                      InstanceMethod<&TensorWrap::isContiguous>("isContiguous"),
                      InstanceMethod<&TensorWrap::dispose>("dispose"),
                      InstanceMethod<&TensorWrap::toTypedArray>("_toTypedArray"),
                      InstanceMethod<&TensorWrap::item>("_item"),
                      InstanceMethod<&TensorWrap::retainGrad>("retainGrad"),
                      InstanceMethod<&TensorWrap::index>("_index"),
                      InstanceMethod<&TensorWrap::indexPut>("_indexPut"),
                  });
  exports.Set("NativeTensor", cls);
  exports.Set("setScope", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
                AddonState& state = AddonState::of(info.Env());
                if (info[0].IsArray()) {
                  state.scope = Napi::Persistent(info[0].As<Napi::Object>());
                } else {
                  state.scope.Reset();
                }
              }));
  AddonState::of(env).wrapToken = Napi::Persistent(Napi::Object::New(env));
}

TensorWrap::TensorWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TensorWrap>(info) {
  Napi::Env env = info.Env();
  AddonState& state = AddonState::of(env);
  if (info.Length() < 1 || !info[0].StrictEquals(state.wrapToken.Value())) {
    throw Napi::TypeError::New(env,
                               "Tensors are made by torch.tensor(), torch.zeros() and the other factories, "
                               "not by new Tensor()");
  }
  tensor_ = std::move(state.pendingTensor);
  state.tensors.insert(this);
  // Inside torch.tidy: record the new tensor in the innermost scope (lib/tensor/scope.ts).
  if (!state.scope.IsEmpty()) {
    Napi::Array scope = state.scope.Value().As<Napi::Array>();
    scope.Set(scope.Length(), info.This());
  }
  state.reportExternal(env, state.accounting.acquire(tensor_));
}

void TensorWrap::Finalize(Napi::BasicEnv env) {
  if (!disposed_) release(env);
  if (auto* state = env.GetInstanceData<AddonState>()) state->tensors.erase(this);
}

void TensorWrap::release(Napi::BasicEnv env) {
  disposed_ = true;
  if (auto* state = env.GetInstanceData<AddonState>()) state->reportExternal(env, -state->accounting.release(tensor_));
  tensor_.reset();
}

Napi::Object TensorWrap::wrap(Napi::Env env, at::Tensor tensor) {
  AddonState& state = AddonState::of(env);
  state.pendingTensor = std::move(tensor);
  return state.tensorClass.New({state.wrapToken.Value()});
}

TensorWrap* TensorWrap::find(Napi::Value value) {
  if (!value.IsObject()) return nullptr;
  void* wrapped = nullptr;
  // Any N-API object may carry a wrapped pointer; only those in our registry are tensors.
  if (napi_unwrap(value.Env(), value, &wrapped) != napi_ok) return nullptr;
  auto* candidate = static_cast<TensorWrap*>(wrapped);
  return AddonState::of(value.Env()).tensors.count(candidate) ? candidate : nullptr;
}

bool TensorWrap::isTensor(Napi::Value value) { return find(value) != nullptr; }

const at::Tensor& TensorWrap::unwrap(Napi::Value value, const Param& param) {
  TensorWrap* wrap = find(value);
  if (!wrap) throw Napi::TypeError::New(value.Env(), param.str() + " must be a Tensor, got " + describeJsValue(value));
  return wrap->tensor(value.Env());
}

const at::Tensor& TensorWrap::tensor(Napi::Env env) const {
  if (disposed_) throw torchError(env, "this Tensor has been disposed and can no longer be used");
  return tensor_;
}

Napi::Value TensorWrap::shape(const Napi::CallbackInfo& info) {
  return intList(info.Env(), tensor(info.Env()).sizes());
}
Napi::Value TensorWrap::strides(const Napi::CallbackInfo& info) {
  return intList(info.Env(), tensor(info.Env()).strides());
}
Napi::Value TensorWrap::dtype(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), dtypeName(tensor(info.Env()).scalar_type()));
}
Napi::Value TensorWrap::device(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), deviceName(tensor(info.Env()).device()));
}
Napi::Value TensorWrap::numel(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(tensor(info.Env()).numel()));
}
Napi::Value TensorWrap::dim(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(tensor(info.Env()).dim()));
}
Napi::Value TensorWrap::requiresGrad(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), tensor(info.Env()).requires_grad());
}
void TensorWrap::setRequiresGrad(const Napi::CallbackInfo& info, const Napi::Value& value) {
  if (!value.IsBoolean()) throw Napi::TypeError::New(info.Env(), "requiresGrad must be a boolean");
  NT_GUARD(info, const_cast<at::Tensor&>(tensor(info.Env())).requires_grad_(value.As<Napi::Boolean>()););
}
Napi::Value TensorWrap::grad(const Napi::CallbackInfo& info) {
  const at::Tensor& grad = tensor(info.Env()).grad();
  if (!grad.defined()) return info.Env().Null();
  return wrap(info.Env(), grad);
}
void TensorWrap::setGrad(const Napi::CallbackInfo& info, const Napi::Value& value) {
  at::Tensor& self = const_cast<at::Tensor&>(tensor(info.Env()));
  NT_GUARD(info, {
    if (value.IsNull() || value.IsUndefined()) {
      self.mutable_grad().reset();
    } else {
      const at::Tensor& grad = unwrap(value, "grad");
      // The checks PyTorch's Python setter makes: a mismatched grad would break the next step.
      TORCH_CHECK(grad.sizes() == self.sizes(), "assigned grad has data of a different size: ", grad.sizes(),
                  " vs the tensor's ", self.sizes());
      TORCH_CHECK(grad.scalar_type() == self.scalar_type(),
                  "assigned grad has data of a different type: ", dtypeName(grad.scalar_type()), " vs the tensor's ",
                  dtypeName(self.scalar_type()));
      TORCH_CHECK(grad.device() == self.device(), "assigned grad has data located on a different device");
      self.mutable_grad() = grad;
    }
  });
}
Napi::Value TensorWrap::gradFn(const Napi::CallbackInfo& info) {
  const auto& fn = tensor(info.Env()).grad_fn();
  if (!fn) return info.Env().Null();
  return Napi::String::New(info.Env(), fn->name());
}
Napi::Value TensorWrap::isLeaf(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), tensor(info.Env()).is_leaf());
}
Napi::Value TensorWrap::isDisposed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), disposed_); }
Napi::Value TensorWrap::isContiguous(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), tensor(info.Env()).is_contiguous());
}
Napi::Value TensorWrap::storageId(const Napi::CallbackInfo& info) {
  const at::Tensor& self = tensor(info.Env());
  if (!self.has_storage()) return info.Env().Null();
  return Napi::Number::New(info.Env(),
                           static_cast<double>(reinterpret_cast<uintptr_t>(self.storage().unsafeGetStorageImpl())));
}

Napi::Value TensorWrap::dispose(const Napi::CallbackInfo& info) {
  if (!disposed_) release(info.Env());
  return info.Env().Undefined();
}

Napi::Value TensorWrap::toTypedArray(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    Napi::Env env = info.Env();
    at::Tensor cpu = tensor(env).detach().to(at::kCPU).contiguous();
    switch (cpu.scalar_type()) {
      case at::kFloat: return copyToTypedArray<float>(env, cpu);
      case at::kDouble: return copyToTypedArray<double>(env, cpu);
      case at::kHalf:
      case at::kBFloat16: return copyToTypedArray<float>(env, cpu.to(at::kFloat));
      case at::kChar: return copyToTypedArray<int8_t>(env, cpu);
      case at::kByte:
      case at::kBool: return copyToTypedArray<uint8_t>(env, cpu);
      case at::kShort: return copyToTypedArray<int16_t>(env, cpu);
      case at::kInt: return copyToTypedArray<int32_t>(env, cpu);
      case at::kLong: return copyToTypedArray<int64_t>(env, cpu);
      case at::kComplexFloat: return copyToTypedArray<float>(env, at::view_as_real(cpu).contiguous());
      case at::kComplexDouble: return copyToTypedArray<double>(env, at::view_as_real(cpu).contiguous());
      default:
        throw torchError(env, std::string("toTypedArray does not support dtype ") + dtypeName(cpu.scalar_type()));
    }
  });
}

Napi::Value TensorWrap::item(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, { return scalarToJs(info.Env(), tensor(info.Env()).item()); });
}

Napi::Value TensorWrap::retainGrad(const Napi::CallbackInfo& info) {
  NT_GUARD(info, { tensor(info.Env()).retain_grad(); });
  return info.This();
}

Napi::Value TensorWrap::index(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    auto indices = toTensorIndices(info[0], "indices");
    return wrap(info.Env(), tensor(info.Env()).index(indices));
  });
}

Napi::Value TensorWrap::indexPut(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    auto indices = toTensorIndices(info[0], "indices");
    at::Tensor& self = const_cast<at::Tensor&>(tensor(info.Env()));
    if (isTensor(info[1])) {
      self.index_put_(indices, unwrap(info[1], "value"));
    } else {
      self.index_put_(indices, toScalar(info[1], "value"));
    }
    return info.This();
  });
}

}  // namespace nodetorch
