// `image.crop`, `image.affine` and `image.normalize`, called by lib/data's transforms with the
// parameters they drew. affine and normalize return -1 for inputs their kernels do not take
// (another dtype or device, autograd, a trace), and the transform composes ATen ops instead.
#include "binding/image_transform_binding.h"

#include <ATen/ATen.h>

#include "binding/errors.h"
#include "binding/js_convert.h"
#include "binding/tensor_wrap.h"
#include "core/image_transforms.h"
#include "core/trace_state.h"

namespace nodetorch {
namespace {

double number(const Napi::CallbackInfo& info, size_t index, const char* what) {
  if (!info[index].IsNumber()) throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a number");
  return info[index].As<Napi::Number>().DoubleValue();
}

std::vector<double> numbers(Napi::Value value, const char* what) {
  if (!value.IsArray()) throw Napi::TypeError::New(value.Env(), std::string(what) + " must be an array of numbers");
  auto array = value.As<Napi::Array>();
  std::vector<double> out(array.Length());
  for (uint32_t i = 0; i < array.Length(); i++) {
    Napi::Value item = array.Get(i);
    if (!item.IsNumber()) throw Napi::TypeError::New(value.Env(), std::string(what) + " must be an array of numbers");
    out[i] = item.As<Napi::Number>().DoubleValue();
  }
  return out;
}

bool takesKernel(const at::Tensor& input) { return takesImageKernel(input) && !tracing::isTracing(); }

// crop(out, handle, top, left, height, width, fill) -> the handle `out` now has.
Napi::Value crop(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    at::Tensor input = TensorWrap::fromHandle(info[1], "input");
    const int64_t top = toInt(info[2], "top"), left = toInt(info[3], "left");
    const int64_t height = toInt(info[4], "height"), width = toInt(info[5], "width");
    return TensorWrap::adopt(info.Env(), info[0],
                             cropWithFill(input, top, left, height, width, number(info, 6, "fill")));
  });
}

// affine(out, handle, theta (6 numbers), nearest, fill) -> a handle, or -1.
Napi::Value affine(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    at::Tensor input = TensorWrap::fromHandle(info[1], "input");
    if (!takesKernel(input) || input.dim() < 2) return Napi::Value::From(info.Env(), -1);
    std::vector<double> values = numbers(info[2], "theta");
    if (values.size() != 6) throw Napi::TypeError::New(info.Env(), "theta must hold 6 numbers");
    std::array<double, 6> theta{};
    std::copy(values.begin(), values.end(), theta.begin());
    at::Tensor out = affineSample(input, theta, info[3].ToBoolean().Value(), number(info, 4, "fill"));
    return TensorWrap::adopt(info.Env(), info[0], std::move(out));
  });
}

// normalize(out, handle, means, stds) -> a handle, or -1.
Napi::Value normalize(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    at::Tensor input = TensorWrap::fromHandle(info[1], "input");
    std::vector<double> means = numbers(info[2], "mean"), stds = numbers(info[3], "std");
    const bool fits = [&] {
      if (!takesKernel(input) || input.dim() < 3 || !input.is_contiguous()) return false;
      const auto channels = static_cast<size_t>(input.size(-3));
      return (means.size() == 1 || means.size() == channels) && (stds.size() == 1 || stds.size() == channels);
    }();
    if (!fits) return Napi::Value::From(info.Env(), -1);
    return TensorWrap::adopt(info.Env(), info[0], normalizeChannels(input, means, stds));
  });
}

}  // namespace

void initImageTransforms(Napi::Env env, Napi::Object exports) {
  Napi::Object image = Napi::Object::New(env);
  image.Set("crop", Napi::Function::New<crop>(env, "crop"));
  image.Set("affine", Napi::Function::New<affine>(env, "affine"));
  image.Set("normalize", Napi::Function::New<normalize>(env, "normalize"));
  exports.Set("image", image);
}

}  // namespace nodetorch
