#pragma once
#include "binding/node_api.h"

namespace nodetorch {
/** Registers `image`: the one-call kernels of lib/data's crop, affine and normalize transforms. */
void initImageTransforms(Napi::Env env, Napi::Object exports);
}  // namespace nodetorch
