// The addon's single registration point.
#include <mutex>

#include "binding/addon_state.h"
#include "binding/autocast_binding.h"
#include "binding/autograd.h"
#include "binding/buffer_keepalive.h"
#include "binding/epoch_loop_binding.h"
#include "binding/factory.h"
#include "binding/hot_ops.h"
#include "binding/image_transform_binding.h"
#include "binding/jit_trace_binding.h"
#include "binding/node_api.h"
#include "binding/op_call.h"
#include "binding/optimizer_wrap.h"
#include "binding/profiler_binding.h"
#include "binding/random_draw_binding.h"
#include "binding/runtime_binding.h"
#include "binding/script_module_wrap.h"
#include "binding/script_object_wrap.h"
#include "binding/sequential_plan_binding.h"
#include "binding/tensor_wrap.h"
#include "core/caching_cpu_allocator.h"
#include "core/runtime.h"

namespace nodetorch {
namespace {

void requireFunction(Napi::Value value, const char* what) {
  if (!value.IsFunction()) throw Napi::TypeError::New(value.Env(), std::string(what) + " must be a class");
}

// lib/tensor registers what native code needs to make its objects: the Tensor class, the token its
// constructor checks, the symbol tensors keep their handle under, and TorchError.
Napi::Value setClasses(const Napi::CallbackInfo& info) {
  requireFunction(info[0], "tensor class");
  requireFunction(info[1], "error class");
  if (!info[2].IsSymbol()) throw Napi::TypeError::New(info.Env(), "handle key must be a symbol");
  if (!info[3].IsObject()) throw Napi::TypeError::New(info.Env(), "tensor token must be an object");
  AddonState& state = AddonState::of(info.Env());
  state.tensorClass = Napi::Persistent(info[0].As<Napi::Function>());
  state.tensorPrototype = Napi::Persistent(info[0].As<Napi::Function>().Get("prototype").As<Napi::Object>());
  state.torchErrorClass = Napi::Persistent(info[1].As<Napi::Function>());
  state.handleKey = Napi::Persistent(info[2].As<Napi::Symbol>());
  state.tensorToken = Napi::Persistent(info[3].As<Napi::Object>());
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  static std::once_flag processSetup;
  std::call_once(processSetup, [] {
    tuneMalloc();
    installCachingCpuAllocator();
    setNumThreads(defaultNumThreads());
    selectBestQuantizedEngine();
    disableTensorExprFuser();
  });
  env.SetInstanceData(new AddonState());
  initBufferKeepAlive(env);
  TensorWrap::Init(env, exports);
  initOpCall(env, exports);
  initFactory(env, exports);
  initAutograd(env, exports);
  initAutocast(env, exports);
  initRuntime(env, exports);
  initHotOps(env, exports);
  initImageTransforms(env, exports);
  initRandomDraws(env, exports);
  OptimizerWrap::Init(env, exports);
  initGradClipping(env, exports);
  ScriptModuleWrap::Init(env, exports);
  ScriptObjectWrap::Init(env, exports);
  initJitTrace(env, exports);
  initSequentialPlan(env, exports);
  initEpochLoop(env, exports);
  initProfiler(env, exports);
  exports.Set("setClasses", Napi::Function::New<setClasses>(env, "setClasses"));
  return exports;
}

}  // namespace
}  // namespace nodetorch

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return nodetorch::Init(env, exports); }
NODE_API_MODULE(nodetorch, InitAddon)
