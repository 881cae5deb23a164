#pragma once
#include "binding/node_api.h"

namespace nodetorch {
/** Registers compileSequential(steps) -> plan, runSequential(plan, input) -> Tensor and runSequentialAsync. */
void initSequential(Napi::Env env, Napi::Object exports);
}  // namespace nodetorch
