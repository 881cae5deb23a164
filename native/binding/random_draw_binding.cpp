// `draw.uniform()` and `draw.int(low, high)`: what torch.rand(1).item() and
// torch.randint(low, high, (1,)).item() give, drawn the same way from LibTorch's default generator
// (so seeds reproduce them), without a JS tensor per draw. A random transform makes a few per image.
#include "binding/random_draw_binding.h"

#include <ATen/ATen.h>

#include "binding/errors.h"
#include "binding/js_convert.h"

namespace nodetorch {
namespace {

Napi::Value uniform(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, { return Napi::Number::New(info.Env(), at::rand({1}, at::kFloat).item<float>()); });
}

Napi::Value integer(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    const int64_t low = toInt(info[0], "low"), high = toInt(info[1], "high");
    const int64_t value = at::randint(low, high, {1}, at::kLong).item<int64_t>();
    return Napi::Number::New(info.Env(), static_cast<double>(value));
  });
}

}  // namespace

void initRandomDraws(Napi::Env env, Napi::Object exports) {
  Napi::Object draw = Napi::Object::New(env);
  draw.Set("uniform", Napi::Function::New<uniform>(env, "uniform"));
  draw.Set("int", Napi::Function::New<integer>(env, "int"));
  exports.Set("draw", draw);
}

}  // namespace nodetorch
