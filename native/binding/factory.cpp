// Tensors from JS memory, and the global random seed.
#include "binding/factory.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>

#include <mutex>

#include "binding/buffer_keepalive.h"
#include "binding/errors.h"
#include "binding/js_convert.h"
#include "binding/tensor_wrap.h"
#include "core/dtype.h"

namespace nodetorch {
namespace {

// The dtype whose elements a typed array holds; Uint16Array holds raw float16/bfloat16 bits.
c10::optional<at::ScalarType> elementDtype(napi_typedarray_type type) {
  switch (type) {
    case napi_float32_array: return at::kFloat;
    case napi_float64_array: return at::kDouble;
    case napi_int8_array: return at::kChar;
    case napi_uint8_array:
    case napi_uint8_clamped_array: return at::kByte;
    case napi_int16_array: return at::kShort;
    case napi_int32_array: return at::kInt;
    case napi_bigint64_array: return at::kLong;
    default: return c10::nullopt;
  }
}

int64_t product(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t size : shape) n *= size;
  return n;
}

// fromTypedArray(array, shape, dtype | undefined, copy): borrows the array's memory when it can.
Napi::Value fromTypedArray(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return NT_GUARD(info, {
    if (!info[0].IsTypedArray())
      throw Napi::TypeError::New(env, "data must be a typed array, got " + describeJsValue(info[0]));
    auto array = info[0].As<Napi::TypedArray>();
    std::vector<int64_t> shape = toIntVector(info[1], "shape");
    for (int64_t size : shape) {
      if (size < 0) throw torchError(env, "shape must not hold negative sizes, got " + std::to_string(size));
    }
    bool copy = info[3].IsBoolean() && info[3].As<Napi::Boolean>().Value();

    c10::optional<at::ScalarType> source = elementDtype(array.TypedArrayType());
    c10::optional<at::ScalarType> target;
    if (info[2].IsString()) target = parseDtype(info[2].As<Napi::String>());
    if (array.TypedArrayType() == napi_uint16_array && target && (*target == at::kHalf || *target == at::kBFloat16)) {
      source = target;
    }
    if (!source) {
      throw Napi::TypeError::New(env,
                                 "data: this typed array type has no matching dtype (use Float32Array, "
                                 "Float64Array, Int8/16/32Array, BigInt64Array, Uint8Array, or Uint16Array "
                                 "with dtype 'float16'/'bfloat16')");
    }
    if (product(shape) != static_cast<int64_t>(array.ElementLength())) {
      throw torchError(env, "shape " + c10::str(c10::IntArrayRef(shape)) + " needs " + std::to_string(product(shape)) +
                                " elements, but the typed array holds " + std::to_string(array.ElementLength()));
    }
    // The view's memory and the buffer under it, ArrayBuffer or SharedArrayBuffer (node-addon-api's
    // ArrayBuffer() refuses the latter). lib/tensor/creation.ts has made a shared buffer untransferable.
    void* start = nullptr;
    napi_value buffer = nullptr;
    NAPI_THROW_IF_FAILED(env, napi_get_typedarray_info(env, array, nullptr, nullptr, &start, &buffer, nullptr),
                         Napi::Value());
    auto* data = static_cast<uint8_t*>(start);
    auto options = at::TensorOptions().dtype(*source);
    bool aligned = reinterpret_cast<uintptr_t>(data) % c10::elementSize(*source) == 0;
    if (!copy && aligned && (!target || *target == *source)) {
      at::Tensor borrowed = at::from_blob(data, shape, keepAlive(env, Napi::Value(env, buffer)), options);
      return Napi::Value(TensorWrap::wrap(env, borrowed));
    }
    at::Tensor copied = at::empty(shape, options);
    if (copied.numel() > 0) std::memcpy(copied.data_ptr(), data, copied.nbytes());
    if (target && *target != *source) copied = copied.to(*target);
    return Napi::Value(TensorWrap::wrap(env, copied));
  });
}

Napi::Value manualSeed(const Napi::CallbackInfo& info) {
  int64_t seed = toInt(info[0], "seed");
  NT_GUARD(info, { at::manual_seed(static_cast<uint64_t>(seed)); });
  return info.Env().Undefined();
}

// The default CPU generator's state as a uint8 tensor (torch.get_rng_state), and back.
Napi::Value getRngState(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    return Napi::Value(TensorWrap::wrap(info.Env(), generator.get_state()));
  });
}

Napi::Value setRngState(const Napi::CallbackInfo& info) {
  const at::Tensor& state = TensorWrap::unwrap(info[0], "state");
  NT_GUARD(info, {
    TORCH_CHECK(state.scalar_type() == at::kByte && state.dim() == 1,
                "torch.setRngState: expected a 1-D uint8 tensor from torch.getRngState, got ", state.scalar_type(),
                " with shape ", state.sizes());
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(state.contiguous());
  });
  return info.Env().Undefined();
}

// torch.use_deterministic_algorithms(mode) and its query.
Napi::Value useDeterministicAlgorithms(const Napi::CallbackInfo& info) {
  bool mode = info[0].ToBoolean().Value();
  NT_GUARD(info, { at::globalContext().setDeterministicAlgorithms(mode, /*warn_only=*/false); });
  return info.Env().Undefined();
}

Napi::Value areDeterministicAlgorithmsEnabled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), at::globalContext().deterministicAlgorithms());
}

}  // namespace

void initFactory(Napi::Env env, Napi::Object exports) {
  exports.Set("fromTypedArray", Napi::Function::New<fromTypedArray>(env, "fromTypedArray"));
  exports.Set("manualSeed", Napi::Function::New<manualSeed>(env, "manualSeed"));
  exports.Set("getRngState", Napi::Function::New<getRngState>(env, "getRngState"));
  exports.Set("setRngState", Napi::Function::New<setRngState>(env, "setRngState"));
  exports.Set("useDeterministicAlgorithms",
              Napi::Function::New<useDeterministicAlgorithms>(env, "useDeterministicAlgorithms"));
  exports.Set("areDeterministicAlgorithmsEnabled",
              Napi::Function::New<areDeterministicAlgorithmsEnabled>(env, "areDeterministicAlgorithmsEnabled"));
}

}  // namespace nodetorch
