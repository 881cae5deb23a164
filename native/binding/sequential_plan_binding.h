// runSequential / runSequentialAsync: the native forward of a Sequential (core/sequential_plan.h).
#pragma once
#include "binding/node_api.h"

namespace nodetorch {

void initSequentialPlan(Napi::Env env, Napi::Object exports);

}  // namespace nodetorch
