#pragma once
#include "binding/node_api.h"

namespace nodetorch {
/** Registers config, setNumThreads, getNumThreads, memory, cudaIsAvailable and cudaDeviceCount. */
void initRuntime(Napi::Env env, Napi::Object exports);
}  // namespace nodetorch
