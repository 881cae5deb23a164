#pragma once
#include "binding/node_api.h"

namespace nodetorch {
/** Registers `draw`: single values from LibTorch's default generator, for lib/data's random transforms. */
void initRandomDraws(Napi::Env env, Napi::Object exports);
}  // namespace nodetorch
