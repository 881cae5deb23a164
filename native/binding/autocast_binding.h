#pragma once
#include "binding/node_api.h"

namespace nodetorch {
/** Registers autocastGet, autocastSet, autocastEnter, autocastExit and hasBackendKernel. */
void initAutocast(Napi::Env env, Napi::Object exports);
}  // namespace nodetorch
