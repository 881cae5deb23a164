#pragma once
#include "binding/node_api.h"

namespace nodetorch {
/** Registers fromTypedArray(array, shape, dtype?, copy?) and manualSeed(seed). */
void initFactory(Napi::Env env, Napi::Object exports);
}  // namespace nodetorch
