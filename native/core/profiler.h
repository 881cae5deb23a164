// torch.profiler's collector: a global RecordFunction callback that records every ATen op (and
// autograd node) on every thread while a session is active, JS spans on the same clock, and, when
// asked, the CPU allocator's memory reports. LibTorch's own profilers register thread-local
// callbacks, which would miss ops run on the libuv pool (async ops, the native epoch loop).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace nodetorch::profiler {

struct Options {
  bool recordShapes = false;
  bool profileMemory = false;
};

enum class EventKind : uint8_t { Op = 0, Backward = 1, UserSpan = 2, Memory = 3 };

/** One finished event. Times are nanoseconds on the steady clock; `parent` is an event id or -1. */
struct Event {
  int64_t id = 0;
  int64_t parent = -1;
  EventKind kind = EventKind::Op;
  std::string name;
  int64_t startNs = 0;
  int64_t endNs = 0;
  uint64_t thread = 0;
  int64_t sequenceNr = -1;
  std::string inputShapes;      // "[[64, 784], [256, 784], []]" when recordShapes
  int64_t selfMemoryBytes = 0;  // bytes allocated minus freed by this event itself
  int64_t memoryBytes = 0;      // a Memory event's allocation (negative for a free)
  int64_t totalAllocated = 0;   // a Memory event's allocator total after it
};

/** Starts a session; throws if one is active. The calling thread's memory reports are captured. */
void start(const Options& options);
/** Ends the session started on this thread and returns its events, sorted by start time. */
std::vector<Event> stop();
bool active();
/** The thread that started the last session (the ids events name in `thread`). */
uint64_t sessionThreadId();
/** The profiler clock, in nanoseconds (steady, the clock events use). */
int64_t nowNs();

/** Opens a JS span on this thread (ops run on it nest under it); returns its id, or -1 if no session. */
int64_t beginSpan(const std::string& name);
/** Closes a span opened by beginSpan (in any order). */
void endSpan(int64_t id);

/** While alive on a worker thread, that thread's allocations are reported to the active session. */
class ThreadScope {
 public:
  ThreadScope();
  ~ThreadScope();
  ThreadScope(const ThreadScope&) = delete;
  ThreadScope& operator=(const ThreadScope&) = delete;

 private:
  bool pushed_ = false;
};

}  // namespace nodetorch::profiler
