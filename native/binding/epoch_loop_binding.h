// runEpochChunk: the native epoch loop (core/epoch_loop.h) on the libuv thread pool, reporting each
// batch to JS through a thread-safe function.
#pragma once
#include "binding/node_api.h"

namespace nodetorch {
/** Registers runEpochChunk(spec, onBatch) -> { promise, stop }. */
void initEpochLoop(Napi::Env env, Napi::Object exports);
}  // namespace nodetorch
