// Boxed calls of any ATen operator by schema: torch.ops.aten.* and the Tensor methods stand on these.
#pragma once
#include "binding/node_api.h"

namespace nodetorch {

/** Registers opHandle(name, overload), opSchema(handle), callOp(handle, ...args) and callOpAsync(handle, ...args). */
void initOpCall(Napi::Env env, Napi::Object exports);

}  // namespace nodetorch
