#pragma once
#include "binding/node_api.h"

namespace nodetorch {
/** Registers fromTypedArray(array, shape, dtype?, copy?), manualSeed(seed) and get/setRngState. */
void initFactory(Napi::Env env, Napi::Object exports);
}  // namespace nodetorch
