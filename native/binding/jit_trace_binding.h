// torch.jit.trace's native half: builds the TorchScript module from the JS module tree, calls the
// JS forward under LibTorch's tracer on the JS thread, and opens module scopes for the recorded nodes.
#pragma once
#include "binding/node_api.h"

namespace nodetorch {

void initJitTrace(Napi::Env env, Napi::Object exports);

}  // namespace nodetorch
