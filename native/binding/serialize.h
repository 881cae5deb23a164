#pragma once
#include "binding/node_api.h"

namespace nodetorch {
/** Registers serialize(value) -> Promise<Buffer>: torch.save's bytes (PyTorch's zip format). */
void initSerialize(Napi::Env env, Napi::Object exports);
}  // namespace nodetorch
