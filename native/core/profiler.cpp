#include "core/profiler.h"

#include <ATen/record_function.h>
#include <c10/core/Allocator.h>
#include <c10/util/ThreadLocalDebugInfo.h>
#include <torch/version.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <unordered_map>

namespace nodetorch::profiler {
namespace {

// An event still running: owned by RecordFunction (as its ObserverContext) or by the span table.
struct OpenEvent : at::ObserverContext {
  uint64_t session = 0;
  Event event;
};

std::mutex mutex;                         // guards everything below but the atomics and the thread-local stacks
std::atomic<uint64_t> currentSession{0};  // 0: no session
std::atomic<int64_t> nextId{1};
std::atomic<uint64_t> nextThread{1};
Options sessionOptions;
uint64_t sessionThread = 0;
at::CallbackHandle callbackHandle = 0;
std::vector<Event> finished;
std::unordered_map<int64_t, std::unique_ptr<OpenEvent>> openSpans;

uint64_t threadId() {
  thread_local uint64_t id = nextThread.fetch_add(1);
  return id;
}

// This thread's running events, innermost last. An entry names its session so that entries left by
// an earlier session (whose events may be gone) are dropped without being dereferenced.
struct StackEntry {
  uint64_t session;
  OpenEvent* event;
};

std::vector<StackEntry>& openStack() {
  thread_local std::vector<StackEntry> stack;
  return stack;
}

OpenEvent* innermost(uint64_t session) {
  auto& stack = openStack();
  while (!stack.empty() && stack.back().session != session) stack.pop_back();
  return stack.empty() ? nullptr : stack.back().event;
}

void open(OpenEvent* event, uint64_t session) {
  OpenEvent* parent = innermost(session);
  event->session = session;
  event->event.id = nextId.fetch_add(1);
  event->event.parent = parent != nullptr ? parent->event.id : -1;
  event->event.thread = threadId();
  openStack().push_back({session, event});
  event->event.startNs = nowNs();
}

// Removes the event from this thread's stack (wherever it is: JS spans may close out of order) and
// keeps it if its session is still the active one.
void close(OpenEvent* event) {
  int64_t end = nowNs();
  auto& stack = openStack();
  auto it = std::find_if(stack.rbegin(), stack.rend(), [event](const StackEntry& entry) {
    return entry.event == event && entry.session == event->session;
  });
  if (it != stack.rend()) stack.erase(std::next(it).base());
  if (event->session != currentSession.load()) return;
  event->event.endNs = end;
  std::lock_guard<std::mutex> lock(mutex);
  if (event->session == currentSession.load()) finished.push_back(std::move(event->event));
}

std::string shapesOf(const at::RecordFunction& fn) {
  std::ostringstream out;
  auto writeSizes = [&out](const at::Tensor& tensor) {
    out << '[';
    if (tensor.defined() && !tensor.is_nested()) {
      auto sizes = tensor.sizes();
      for (size_t i = 0; i < sizes.size(); ++i) out << (i ? ", " : "") << sizes[i];
    }
    out << ']';
  };
  out << '[';
  auto inputs = fn.inputs();
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (i) out << ", ";
    const c10::IValue& value = inputs[i];
    if (value.isTensor()) {
      writeSizes(value.toTensor());
    } else if (value.isTensorList()) {
      auto list = value.toTensorList();
      out << '[';
      for (size_t j = 0; j < list.size(); ++j) {
        if (j) out << ", ";
        writeSizes(list.get(j));
      }
      out << ']';
    } else {
      out << "[]";
    }
  }
  out << ']';
  return out.str();
}

std::unique_ptr<at::ObserverContext> onOpStart(const at::RecordFunction& fn) {
  uint64_t session = currentSession.load();
  if (session == 0) return nullptr;
  auto event = std::make_unique<OpenEvent>();
  event->event.name = fn.name();
  event->event.sequenceNr = fn.seqNr();
  switch (fn.scope()) {
    case at::RecordScope::BACKWARD_FUNCTION: event->event.kind = EventKind::Backward; break;
    case at::RecordScope::USER_SCOPE: event->event.kind = EventKind::UserSpan; break;
    default: event->event.kind = EventKind::Op;
  }
  if (sessionOptions.recordShapes) event->event.inputShapes = shapesOf(fn);
  open(event.get(), session);
  return event;
}

void onOpEnd(const at::RecordFunction& /*fn*/, at::ObserverContext* context) {
  if (context != nullptr) close(static_cast<OpenEvent*>(context));
}

// The CPU allocator reports each allocation and free to the debug info of the thread doing it.
class MemoryReporter : public c10::MemoryReportingInfoBase {
 public:
#if TORCH_VERSION_MAJOR >= 2
  using Total = size_t;
#else
  using Total = int64_t;
#endif
  void reportMemoryUsage(void* /*ptr*/, int64_t bytes, Total totalAllocated, Total /*totalReserved*/,
                         c10::Device /*device*/) override {
    uint64_t session = currentSession.load();
    if (session == 0) return;
    OpenEvent* owner = innermost(session);
    if (owner != nullptr) owner->event.selfMemoryBytes += bytes;
    Event event;
    event.id = nextId.fetch_add(1);
    event.parent = owner != nullptr ? owner->event.id : -1;
    event.kind = EventKind::Memory;
    event.name = "[memory]";
    event.startNs = event.endNs = nowNs();
    event.thread = threadId();
    event.memoryBytes = bytes;
    event.totalAllocated = static_cast<int64_t>(totalAllocated);
    std::lock_guard<std::mutex> lock(mutex);
    if (session == currentSession.load()) finished.push_back(std::move(event));
  }
  bool memoryProfilingEnabled() const override { return currentSession.load() != 0; }
};

std::shared_ptr<MemoryReporter> memoryReporter() {
  static auto reporter = std::make_shared<MemoryReporter>();
  return reporter;
}

bool memoryActive() { return currentSession.load() != 0 && sessionOptions.profileMemory; }

}  // namespace

int64_t nowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool active() { return currentSession.load() != 0; }

uint64_t sessionThreadId() {
  std::lock_guard<std::mutex> lock(mutex);
  return sessionThread;
}

void start(const Options& options) {
  static std::atomic<uint64_t> sessions{0};
  std::lock_guard<std::mutex> lock(mutex);
  if (currentSession.load() != 0) throw std::runtime_error("a profiler session is already active; stop it first");
  sessionOptions = options;
  sessionThread = threadId();
  finished.clear();
  openSpans.clear();
  callbackHandle = at::addGlobalCallback(
      at::RecordFunctionCallback(onOpStart, onOpEnd).needsInputs(options.recordShapes).needsIds(true));
  currentSession.store(sessions.fetch_add(1) + 1);
  if (options.profileMemory) c10::ThreadLocalDebugInfo::_push(c10::DebugInfoKind::PROFILER_STATE, memoryReporter());
}

std::vector<Event> stop() {
  std::vector<Event> events;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (currentSession.load() == 0) throw std::runtime_error("no profiler session is active");
    if (threadId() != sessionThread) throw std::runtime_error("a profiler session must be stopped on its own thread");
    at::removeCallback(callbackHandle);
    if (sessionOptions.profileMemory) c10::ThreadLocalDebugInfo::_pop(c10::DebugInfoKind::PROFILER_STATE);
    // Spans still open end now, as PyTorch closes record_function scopes when its profiler exits.
    int64_t end = nowNs();
    for (auto& [id, span] : openSpans) {
      span->event.endNs = end;
      finished.push_back(std::move(span->event));
    }
    openSpans.clear();
    currentSession.store(0);
    events.swap(finished);
  }
  openStack().clear();
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return a.startNs != b.startNs ? a.startNs < b.startNs : a.id < b.id;
  });
  return events;
}

int64_t beginSpan(const std::string& name) {
  uint64_t session = currentSession.load();
  if (session == 0) return -1;
  auto span = std::make_unique<OpenEvent>();
  span->event.name = name;
  span->event.kind = EventKind::UserSpan;
  open(span.get(), session);
  int64_t id = span->event.id;
  std::lock_guard<std::mutex> lock(mutex);
  openSpans.emplace(id, std::move(span));
  return id;
}

void endSpan(int64_t id) {
  std::unique_ptr<OpenEvent> span;
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = openSpans.find(id);
    if (it == openSpans.end()) return;  // its session ended already
    span = std::move(it->second);
    openSpans.erase(it);
  }
  close(span.get());
}

ThreadScope::ThreadScope() {
  if (!memoryActive()) return;
  c10::ThreadLocalDebugInfo::_push(c10::DebugInfoKind::PROFILER_STATE, memoryReporter());
  pushed_ = true;
}

ThreadScope::~ThreadScope() {
  if (pushed_) c10::ThreadLocalDebugInfo::_pop(c10::DebugInfoKind::PROFILER_STATE);
}

}  // namespace nodetorch::profiler
