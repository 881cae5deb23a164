#include "binding/runtime_binding.h"

#include <torch/cuda.h>

#include "binding/addon_state.h"
#include "binding/errors.h"
#include "binding/js_convert.h"
#include "binding/promise_worker.h"
#include "core/caching_cpu_allocator.h"
#include "core/runtime.h"
#include "core/warm_threads.h"

namespace nodetorch {
namespace {

Napi::Value config(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    Napi::Env env = info.Env();
    RuntimeConfig config = runtimeConfig();
    Napi::Object out = Napi::Object::New(env);
    out.Set("torchVersion", config.torchVersion);
    out.Set("cudaAvailable", config.cudaAvailable);
    out.Set("cudaDeviceCount", config.cudaDeviceCount);
    out.Set("blas", config.blas);
    out.Set("blasCore", config.blasCore);
    out.Set("numThreads", config.numThreads);
    out.Set("blasThreads",
            config.blasThreads >= 0 ? Napi::Value(Napi::Number::New(env, config.blasThreads)) : env.Null());
    Napi::Array engines = Napi::Array::New(env, config.quantizedEngines.size());
    for (size_t i = 0; i < config.quantizedEngines.size(); ++i)
      engines.Set(static_cast<uint32_t>(i), config.quantizedEngines[i]);
    out.Set("quantizedEngines", engines);
    out.Set("mallocTuned", config.mallocTuned);
    out.Set("mkldnn", config.mkldnn);
    return Napi::Value(out);
  });
}

Napi::Value setNumThreadsJs(const Napi::CallbackInfo& info) {
  int64_t threads = toInt(info[0], "threads");
  NT_GUARD(info, { setNumThreads(static_cast<int>(threads)); });
  return info.Env().Undefined();
}

Napi::Value setThreadIntraOpThreadsJs(const Napi::CallbackInfo& info) {
  int64_t threads = toInt(info[0], "threads");
  NT_GUARD(info, { setThreadIntraOpThreads(static_cast<int>(threads)); });
  return info.Env().Undefined();
}

Napi::Value getNumThreadsJs(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), getNumThreads()); }

// How many warm threads the epoch loop has started (for tests).
Napi::Value warmThreadCountJs(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), warmThreadCount());
}

// The intra-op thread count that async work sees, read on a pool thread (for tests).
class PoolNumThreadsWorker : public PromiseWorker {
 public:
  explicit PoolNumThreadsWorker(Napi::Env env) : PromiseWorker(env, "poolNumThreads") {}
  void Compute() override { threads_ = getNumThreads(); }
  Napi::Value Result(Napi::Env env) override { return Napi::Number::New(env, threads_); }

 private:
  int threads_ = 0;
};

Napi::Value poolNumThreads(const Napi::CallbackInfo& info) {
  return PromiseWorker::start(new PoolNumThreadsWorker(info.Env()));
}

Napi::Value memory(const Napi::CallbackInfo& info) {
  const StorageAccounting& accounting = AddonState::of(info.Env()).accounting;
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("liveTensors", static_cast<double>(accounting.liveTensors()));
  out.Set("liveStorages", static_cast<double>(accounting.liveStorages()));
  out.Set("bytes", static_cast<double>(accounting.liveBytes()));
  CpuCacheStats cache = cpuCacheStats();
  out.Set("cpuAllocatedBytes", static_cast<double>(cache.allocatedBytes));
  out.Set("cpuCachedBytes", static_cast<double>(cache.cachedBytes));
  return out;
}

Napi::Value emptyCache(const Napi::CallbackInfo& info) {
  emptyCpuCache();
  return info.Env().Undefined();
}

Napi::Value cudaIsAvailable(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), torch::cuda::is_available());
}

Napi::Value cudaDeviceCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(),
                           torch::cuda::is_available() ? static_cast<double>(torch::cuda::device_count()) : 0);
}

Napi::Value quantizedEngineJs(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), quantizedEngine());
}

// setQuantizedEngine(name): as torch.backends.quantized.engine = name.
Napi::Value setQuantizedEngineJs(const Napi::CallbackInfo& info) {
  if (!info[0].IsString()) throw Napi::TypeError::New(info.Env(), "the engine must be a string");
  NT_GUARD(info, { setQuantizedEngine(info[0].As<Napi::String>()); });
  return info.Env().Undefined();
}

}  // namespace

void initRuntime(Napi::Env env, Napi::Object exports) {
  exports.Set("quantizedEngine", Napi::Function::New<quantizedEngineJs>(env, "quantizedEngine"));
  exports.Set("setQuantizedEngine", Napi::Function::New<setQuantizedEngineJs>(env, "setQuantizedEngine"));
  exports.Set("config", Napi::Function::New<config>(env, "config"));
  exports.Set("setNumThreads", Napi::Function::New<setNumThreadsJs>(env, "setNumThreads"));
  exports.Set("setThreadIntraOpThreads",
              Napi::Function::New<setThreadIntraOpThreadsJs>(env, "setThreadIntraOpThreads"));
  exports.Set("getNumThreads", Napi::Function::New<getNumThreadsJs>(env, "getNumThreads"));
  exports.Set("poolNumThreads", Napi::Function::New<poolNumThreads>(env, "poolNumThreads"));
  exports.Set("warmThreadCount", Napi::Function::New<warmThreadCountJs>(env, "warmThreadCount"));
  exports.Set("memory", Napi::Function::New<memory>(env, "memory"));
  exports.Set("emptyCache", Napi::Function::New<emptyCache>(env, "emptyCache"));
  exports.Set("cudaIsAvailable", Napi::Function::New<cudaIsAvailable>(env, "cudaIsAvailable"));
  exports.Set("cudaDeviceCount", Napi::Function::New<cudaDeviceCount>(env, "cudaDeviceCount"));
}

}  // namespace nodetorch
