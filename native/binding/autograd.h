#pragma once
#include <napi.h>

namespace nodetorch {
/** Registers backward, grad, isGradEnabled and setGradEnabled. */
void initAutograd(Napi::Env env, Napi::Object exports);
}  // namespace nodetorch
