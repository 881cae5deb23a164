// runSequential / runSequentialAsync: the native forward of a Sequential (core/sequential_plan.h).
#pragma once
#include <vector>

#include "binding/node_api.h"
#include "core/sequential_plan.h"

namespace nodetorch {

/** Reads and validates the steps lib/nn/sequential-plan.ts builds; a TypeError names a malformed field. */
std::vector<PlanStep> readPlanSteps(Napi::Value value);

void initSequentialPlan(Napi::Env env, Napi::Object exports);

}  // namespace nodetorch
