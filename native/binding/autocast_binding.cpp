// torch.autocast's native half: this thread's autocast state, which lib/amp sets around a region.
#include "binding/autocast_binding.h"

#include "binding/errors.h"
#include "core/autocast.h"
#include "core/dtype.h"

namespace nodetorch {
namespace {

std::string stringArg(const Napi::CallbackInfo& info, size_t index, const char* what) {
  if (!info[index].IsString()) throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a string");
  return info[index].As<Napi::String>().Utf8Value();
}

Napi::Value autocastGet(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    AutocastState state = autocastState(parseAutocastDevice(stringArg(info, 0, "device type")));
    Napi::Object out = Napi::Object::New(info.Env());
    out.Set("enabled", state.enabled);
    out.Set("dtype", dtypeName(state.dtype));
    return out;
  });
}

Napi::Value autocastSet(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    c10::DeviceType device = parseAutocastDevice(stringArg(info, 0, "device type"));
    c10::ScalarType dtype = parseDtype(stringArg(info, 2, "dtype"));
    setAutocastState(device, {info[1].ToBoolean().Value(), dtype});
    return info.Env().Undefined();
  });
}

Napi::Value autocastEnterJs(const Napi::CallbackInfo& info) {
  autocastEnter();
  return info.Env().Undefined();
}

Napi::Value autocastExitJs(const Napi::CallbackInfo& info) {
  autocastExit();
  return info.Env().Undefined();
}

Napi::Value hasBackendKernelJs(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    bool has = hasBackendKernel(stringArg(info, 0, "operator name"), stringArg(info, 1, "overload"),
                                parseAutocastDevice(stringArg(info, 2, "device type")));
    return Napi::Boolean::New(info.Env(), has);
  });
}

}  // namespace

void initAutocast(Napi::Env env, Napi::Object exports) {
  exports.Set("autocastGet", Napi::Function::New<autocastGet>(env, "autocastGet"));
  exports.Set("autocastSet", Napi::Function::New<autocastSet>(env, "autocastSet"));
  exports.Set("autocastEnter", Napi::Function::New<autocastEnterJs>(env, "autocastEnter"));
  exports.Set("autocastExit", Napi::Function::New<autocastExitJs>(env, "autocastExit"));
  exports.Set("hasBackendKernel", Napi::Function::New<hasBackendKernelJs>(env, "hasBackendKernel"));
}

}  // namespace nodetorch
