#include "binding/tensor_wrap.h"

#include <ATen/ATen.h>
#include <ATen/TensorIndexing.h>
#include <torch/csrc/autograd/function.h>

#include <cstring>
#include <optional>

#include "binding/addon_state.h"
#include "binding/async_claim.h"
#include "binding/errors.h"
#include "binding/js_convert.h"
#include "core/dtype.h"
#include "core/trace_state.h"

namespace nodetorch {
namespace {

// PyTorch's TracerWarning for a tensor's values read into the host language during a trace.
void warnDataRead(const char* what) {
  if (!tracing::isTracing()) return;
  tracing::warn(std::string("Converting a tensor to ") + what +
                " might cause the trace to be incorrect. We can't record the data flow of JavaScript values, so this "
                "value will be treated as a constant in the future. This means that the trace might not generalize to "
                "other inputs!");
}

static_assert(sizeof(void*) >= 8, "a finalizer's data is a tensor handle");

void* packKey(TensorTable::Key key) { return reinterpret_cast<void*>(static_cast<uintptr_t>(key.handle())); }
TensorTable::Key unpackKey(void* data) {
  return TensorTable::Key::of(static_cast<int64_t>(reinterpret_cast<uintptr_t>(data)));
}

// Frees the slot of `key` from the JS thread (dispose, or a failed wrap).
void forget(Napi::Env env, AddonState& state, TensorTable::Key key) {
  auto [tensor, storage] = state.table.release(key);
  if (tensor.defined()) state.reportExternal(env, -state.accounting.release(storage));
}

// Runs inside the garbage collector (a "basic" finalizer), so memory is freed without yielding.
// Only N-API calls made for basic finalizers may run here: the byte count is only recorded (the
// next JS call reports it, since AdjustExternalMemory may start a collection and abort V8), and a
// borrowed JS buffer is released with napi_delete_reference, which basic finalizers may call.
void finalizeTensor(node_api_basic_env env, void* data, void* /*hint*/) {
  auto* state = Napi::BasicEnv(env).GetInstanceData<AddonState>();
  if (!state) return;
  auto [tensor, storage] = state->table.release(unpackKey(data));
  if (!tensor.defined()) return;
  state->recordExternal(-state->accounting.release(storage));
}

// Stores `tensor` in the table, counting its bytes.
TensorTable::Key store(Napi::Env env, at::Tensor tensor) {
  AddonState& state = AddonState::of(env);
  auto counted = state.accounting.acquire(tensor);
  TensorTable::Key key;
  try {
    key = state.table.add(std::move(tensor), counted.storage);
  } catch (const std::length_error& error) {
    state.accounting.release(counted.storage);
    throw torchError(env, error.what());
  }
  state.reportExternal(env, counted.bytes);
  return key;
}

// Ties the slot to the lifetime of `object`; frees it if that fails.
void tie(Napi::Env env, napi_value object, TensorTable::Key key) {
  napi_status status = napi_add_finalizer(env, object, packKey(key), finalizeTensor, nullptr, nullptr);
  if (status != napi_ok) forget(env, AddonState::of(env), key);
  NAPI_THROW_IF_FAILED_VOID(env, status);
}

/** The key of a handle JS passed; nullopt when it is no number. */
std::optional<TensorTable::Key> keyOf(Napi::Value handle) {
  if (!handle.IsNumber()) return std::nullopt;
  return TensorTable::Key::of(handle.As<Napi::Number>().Int64Value());  // -1 (disposed) matches no slot
}

const at::Tensor* lookup(Napi::Env env, Napi::Value handle) {
  static const at::Tensor undefinedTensor;  // what a freed handle finds: "disposed"
  auto key = keyOf(handle);
  if (!key) return nullptr;
  const at::Tensor* tensor = AddonState::of(env).table.find(*key);
  return tensor ? tensor : &undefinedTensor;
}

// The handle of `value` when it is a Tensor, or undefined. Only objects whose prototype is
// Tensor.prototype count, so copies such as `{ ...tensor }`, which carry the handle symbol, do not.
Napi::Value handleOf(Napi::Value value) {
  Napi::Env env = value.Env();
  if (!value.IsObject()) return env.Undefined();
  AddonState& state = AddonState::of(env);
  if (state.handleKey.IsEmpty()) return env.Undefined();
  napi_value prototype = nullptr;
  bool isTensor = false;
  napi_value handle = nullptr;
  if (napi_get_prototype(env, value, &prototype) != napi_ok ||
      napi_strict_equals(env, prototype, state.tensorPrototype.Value(), &isTensor) != napi_ok || !isTensor ||
      napi_get_property(env, value, state.handleKey.Value(), &handle) != napi_ok) {
    return env.Undefined();
  }
  return Napi::Value(env, handle);
}

// Whether `value` is a Tensor of another copy of the package loaded in this process (its ESM and
// CommonJS builds, or two installed versions): lib/tensor brands every copy's prototype alike.
bool isForeignTensor(Napi::Env env, Napi::Value value) {
  if (!value.IsObject()) return false;
  napi_value brand = nullptr;
  bool has = false;
  return node_api_symbol_for(env, "nodetorch.Tensor", NAPI_AUTO_LENGTH, &brand) == napi_ok &&
         napi_has_property(env, value, brand, &has) == napi_ok && has;
}

const at::Tensor& checked(Napi::Env env, const at::Tensor* tensor, Napi::Value value, const Param& param) {
  if (!tensor && isForeignTensor(env, value)) {
    throw Napi::TypeError::New(env, param.str() +
                                        " is a Tensor of another copy of nodetorch loaded in this process (its ESM "
                                        "and CommonJS builds, or two installed versions); tensors cannot pass between "
                                        "copies: load nodetorch one way");
  }
  if (!tensor) throw Napi::TypeError::New(env, param.str() + " must be a Tensor, got " + describeJsValue(value));
  if (!tensor->defined()) throw torchError(env, "this Tensor has been disposed and can no longer be used");
  const BusyTensors& busy = *AddonState::of(env).busy;
  if (busy.anyWritten() && busy.isWritten(*tensor)) checkWritable(env, *tensor);  // throws
  return *tensor;
}

template <typename T>
Napi::Value copyToTypedArray(Napi::Env env, const at::Tensor& cpu) {
  // A Node Buffer's memory is not zero-filled (an ArrayBuffer's is): the copy below writes every
  // byte, so this saves a pass over large results. Its own ArrayBuffer starts at offset 0, aligned.
  const size_t count = static_cast<size_t>(cpu.numel());
  auto bytes = Napi::Buffer<uint8_t>::New(env, count * sizeof(T));
  if (count > 0) std::memcpy(bytes.Data(), cpu.data_ptr(), count * sizeof(T));
  return Napi::TypedArrayOf<T>::New(env, count, bytes.ArrayBuffer(), bytes.ByteOffset());
}

Napi::Value toTypedArray(Napi::Env env, const at::Tensor& self) {
  at::Tensor cpu = self.detach().to(at::kCPU).contiguous();
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
    default: throw torchError(env, std::string("toTypedArray does not support dtype ") + dtypeName(cpu.scalar_type()));
  }
}

void setGrad(const at::Tensor& tensor, const Napi::Value& value) {
  at::Tensor& self = const_cast<at::Tensor&>(tensor);
  if (value.IsNull() || value.IsUndefined()) {
    self.mutable_grad().reset();
    return;
  }
  const at::Tensor& grad = TensorWrap::unwrap(value, "grad");
  // The checks PyTorch's Python setter makes: a mismatched grad would break the next step.
  TORCH_CHECK(grad.sizes() == self.sizes(), "assigned grad has data of a different size: ", grad.sizes(),
              " vs the tensor's ", self.sizes());
  TORCH_CHECK(grad.scalar_type() == self.scalar_type(),
              "assigned grad has data of a different type: ", dtypeName(grad.scalar_type()), " vs the tensor's ",
              dtypeName(self.scalar_type()));
  TORCH_CHECK(grad.device() == self.device(), "assigned grad has data located on a different device");
  self.mutable_grad() = grad;
}

/** A function of one tensor, called from JS as `fn(handle, ...rest)`. */
template <typename Body>
Napi::Function perTensor(Napi::Env env, const char* name, Body body) {
  return Napi::Function::New(
      env,
      [body](const Napi::CallbackInfo& info) -> Napi::Value {
        return NT_GUARD(info, {
          // A copy: creating the JS result may run the collector, which may free the handle's slot
          // (the tensor object need not be reachable any more once JS has read its handle).
          at::Tensor self = TensorWrap::fromHandle(info[0], "this");
          return body(info, self);
        });
      },
      name);
}

Napi::Object tensorFunctions(Napi::Env env) {
  Napi::Object fns = Napi::Object::New(env);
  auto add = [&](const char* name, auto body) { fns.Set(name, perTensor(env, name, body)); };
  using Info = const Napi::CallbackInfo&;
  using T = const at::Tensor&;
  add("shape", [](Info info, T self) -> Napi::Value { return intList(info.Env(), self.sizes()); });
  add("strides", [](Info info, T self) -> Napi::Value { return intList(info.Env(), self.strides()); });
  add("dtype",
      [](Info info, T self) -> Napi::Value { return Napi::String::New(info.Env(), dtypeName(self.scalar_type())); });
  add("device",
      [](Info info, T self) -> Napi::Value { return Napi::String::New(info.Env(), deviceName(self.device())); });
  add("numel", [](Info info, T self) -> Napi::Value { return Napi::Number::New(info.Env(), double(self.numel())); });
  add("dim", [](Info info, T self) -> Napi::Value { return Napi::Number::New(info.Env(), double(self.dim())); });
  add("requiresGrad",
      [](Info info, T self) -> Napi::Value { return Napi::Boolean::New(info.Env(), self.requires_grad()); });
  add("setRequiresGrad", [](Info info, T self) -> Napi::Value {
    if (!info[1].IsBoolean()) throw Napi::TypeError::New(info.Env(), "requiresGrad must be a boolean");
    checkWritable(info.Env(), self);
    const_cast<at::Tensor&>(self).requires_grad_(info[1].As<Napi::Boolean>());
    return info.Env().Undefined();
  });
  add("grad", [](Info info, T self) -> Napi::Value {
    const at::Tensor& grad = self.grad();
    return grad.defined() ? Napi::Value(TensorWrap::wrap(info.Env(), grad)) : info.Env().Null();
  });
  add("setGrad", [](Info info, T self) -> Napi::Value {
    checkWritable(info.Env(), self);
    setGrad(self, info[1]);
    return info.Env().Undefined();
  });
  add("gradFn", [](Info info, T self) -> Napi::Value {
    const auto& fn = self.grad_fn();
    return fn ? Napi::Value(Napi::String::New(info.Env(), fn->name())) : info.Env().Null();
  });
  add("isLeaf", [](Info info, T self) -> Napi::Value { return Napi::Boolean::New(info.Env(), self.is_leaf()); });
  add("isContiguous",
      [](Info info, T self) -> Napi::Value { return Napi::Boolean::New(info.Env(), self.is_contiguous()); });
  add("storageId", [](Info info, T self) -> Napi::Value {
    if (!self.has_storage()) return info.Env().Null();
    auto id = reinterpret_cast<uintptr_t>(self.storage().unsafeGetStorageImpl());
    return Napi::Number::New(info.Env(), static_cast<double>(id));
  });
  add("storageOffset", [](Info info, T self) -> Napi::Value {
    return Napi::Number::New(info.Env(), static_cast<double>(self.storage_offset()));
  });
  add("storageBytes", [](Info info, T self) -> Napi::Value {
    return Napi::Number::New(info.Env(), self.has_storage() ? static_cast<double>(self.storage().nbytes()) : 0.0);
  });
  add("toTypedArray", [](Info info, T self) -> Napi::Value {
    warnDataRead("an array");
    return toTypedArray(info.Env(), self);
  });
  add("item", [](Info info, T self) -> Napi::Value {
    warnDataRead("a number");
    return scalarToJs(info.Env(), self.item());
  });
  add("retainGrad", [](Info info, T self) -> Napi::Value {
    checkWritable(info.Env(), self);
    self.retain_grad();
    return info.Env().Undefined();
  });
  add("index", [](Info info, T self) -> Napi::Value {
    return TensorWrap::wrap(info.Env(), self.index(toTensorIndices(info[1], "indices")));
  });
  add("indexPut", [](Info info, T self) -> Napi::Value {
    auto indices = toTensorIndices(info[1], "indices");
    checkWritable(info.Env(), self);
    at::Tensor& target = const_cast<at::Tensor&>(self);
    if (TensorWrap::isTensor(info[2])) {
      target.index_put_(indices, TensorWrap::unwrap(info[2], "value"));
    } else {
      target.index_put_(indices, toScalar(info[2], "value"));
    }
    return info.Env().Undefined();
  });
  // dispose(): frees the tensor if the handle is still its own (a copy's dispose may have come first).
  fns.Set("release", Napi::Function::New(
                         env,
                         [](const Napi::CallbackInfo& info) {
                           if (auto key = keyOf(info[0])) forget(info.Env(), AddonState::of(info.Env()), *key);
                         },
                         "release"));
  fns.Set("isLive", Napi::Function::New(
                        env,
                        [](const Napi::CallbackInfo& info) {
                          auto key = keyOf(info[0]);
                          return Napi::Boolean::New(info.Env(),
                                                    key && AddonState::of(info.Env()).table.find(*key) != nullptr);
                        },
                        "isLive"));
  return fns;
}

}  // namespace

void TensorWrap::Init(Napi::Env env, Napi::Object exports) { exports.Set("tensor", tensorFunctions(env)); }

Napi::Object TensorWrap::wrap(Napi::Env env, at::Tensor tensor) {
  AddonState& state = AddonState::of(env);
  if (state.tensorClass.IsEmpty()) throw Napi::Error::New(env, "lib/tensor has not registered the Tensor class");
  TensorTable::Key key = store(env, std::move(tensor));
  napi_value args[] = {state.tensorToken.Value(), Napi::Number::New(env, static_cast<double>(key.handle()))};
  napi_value object = nullptr;
  napi_status status = napi_new_instance(env, state.tensorClass.Value(), 2, args, &object);
  if (status != napi_ok) forget(env, state, key);
  NAPI_THROW_IF_FAILED(env, status, Napi::Object());
  tie(env, object, key);
  return Napi::Object(env, object);
}

Napi::Value TensorWrap::adopt(Napi::Env env, Napi::Value out, at::Tensor tensor) {
  if (!out.IsObject()) throw Napi::TypeError::New(env, "result holder must be a new Tensor");
  TensorTable::Key key = store(env, std::move(tensor));
  tie(env, out, key);
  return Napi::Number::New(env, static_cast<double>(key.handle()));
}

const at::Tensor& TensorWrap::unwrap(Napi::Value value, const Param& param) {
  Napi::Env env = value.Env();
  return checked(env, lookup(env, handleOf(value)), value, param);
}

std::vector<at::Tensor> TensorWrap::unwrapArray(Napi::Value value, const char* what) {
  if (!value.IsArray()) throw Napi::TypeError::New(value.Env(), std::string(what) + " must be an array of tensors");
  Napi::Array array = value.As<Napi::Array>();
  std::vector<at::Tensor> out;
  for (uint32_t i = 0; i < array.Length(); ++i) out.push_back(unwrap(array.Get(i), Param(what).at(i)));
  return out;
}

const at::Tensor& TensorWrap::fromHandle(Napi::Value handle, const Param& param) {
  Napi::Env env = handle.Env();
  return checked(env, lookup(env, handle), handle, param);
}

bool TensorWrap::isTensor(Napi::Value value) { return handleOf(value).IsNumber(); }

}  // namespace nodetorch
