#pragma once
#include "binding/node_api.h"

namespace nodetorch {
/** Registers backward, grad, isGradEnabled and setGradEnabled. */
void initAutograd(Napi::Env env, Napi::Object exports);
}  // namespace nodetorch
