#pragma once
#include "binding/node_api.h"

namespace nodetorch {
/** Registers compileSequential(steps) -> plan and runSequential(plan, input) -> Tensor. */
void initSequential(Napi::Env env, Napi::Object exports);
}  // namespace nodetorch
