// Long-lived threads for long, repeated work (the native epoch loop's chunks). A thread's first
// parallel LibTorch op pays a one-time cost: LibTorch's lazy per-thread initialization rebuilds
// XNNPACK's pthreadpool (whose new workers spin before they sleep), OpenMP starts the thread's
// team, and the allocator's memory for it is touched for the first time. On libuv's pool each
// chunk may land on another thread and pay it again; here the same threads serve every chunk.
#pragma once
#include <functional>

namespace nodetorch {

/**
 * Runs `task` on an idle warm thread (started the first time none is idle; they live until the
 * process exits) and waits for it; rethrows what the task threw. Safe to call from any thread.
 */
void runOnWarmThread(const std::function<void()>& task);

/** How many warm threads exist (for tests). */
int warmThreadCount();

}  // namespace nodetorch
