// Keeps a JS ArrayBuffer alive while a tensor borrows its memory (zero-copy fromTypedArray).
// The tensor's storage may be freed on any thread (an async op can drop the last reference on a
// worker), but a JS reference may only be released on its own JS thread: off-thread releases are
// posted back through a thread-safe function.
#pragma once
#include <functional>

#include "binding/node_api.h"

namespace nodetorch {

/**
 * Marks the current thread as running a finalizer inside the garbage collector while it lives: a
 * buffer released then goes back through the event loop, since no N-API call may run in the collector.
 */
class InsideCollector {
 public:
  InsideCollector() { ++depth(); }
  ~InsideCollector() { --depth(); }
  InsideCollector(const InsideCollector&) = delete;
  InsideCollector& operator=(const InsideCollector&) = delete;
  static bool active() { return depth() > 0; }

 private:
  static int& depth() {
    thread_local int value = 0;
    return value;
  }
};

/** Call once per environment, at addon init. */
void initBufferKeepAlive(Napi::Env env);

/** Holds `buffer` and returns the deleter to give the borrowing tensor (run exactly once). */
std::function<void(void*)> keepAlive(Napi::Env env, Napi::Value buffer);

}  // namespace nodetorch
