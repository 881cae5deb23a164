#pragma once
#include "binding/node_api.h"

namespace nodetorch {
/** Registers `hot`: add, sub, mul and matmul of two tensors, bound directly. */
void initHotOps(Napi::Env env, Napi::Object exports);
}  // namespace nodetorch
