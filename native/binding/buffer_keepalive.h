// Keeps a JS ArrayBuffer alive while a tensor borrows its memory (zero-copy fromTypedArray).
// The tensor's storage may be freed on any thread (an async op can drop the last reference on a
// worker), but a JS reference may only be released on its own JS thread: off-thread releases are
// posted back through a thread-safe function.
#pragma once
#include <functional>

#include "binding/node_api.h"

namespace nodetorch {

/** Call once per environment, at addon init. */
void initBufferKeepAlive(Napi::Env env);

/** Holds `buffer` and returns the deleter to give the borrowing tensor (run exactly once). */
std::function<void(void*)> keepAlive(Napi::Env env, Napi::Value buffer);

}  // namespace nodetorch
