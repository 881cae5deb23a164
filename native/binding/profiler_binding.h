#pragma once
#include "binding/node_api.h"

namespace nodetorch {
/** Registers profilerStart, profilerStop, profilerBeginSpan, profilerEndSpan and profilerNow. */
void initProfiler(Napi::Env env, Napi::Object exports);
}  // namespace nodetorch
