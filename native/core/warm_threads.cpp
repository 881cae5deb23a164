#include "core/warm_threads.h"

#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace nodetorch {
namespace {

// One thread with a one-task mailbox. `busy` is guarded by the registry's mutex, the mailbox by the
// thread's own.
struct WarmThread {
  std::mutex mutex;
  std::condition_variable wake;
  std::condition_variable done;
  const std::function<void()>* task = nullptr;
  std::exception_ptr failure;
  bool finished = false;
  bool busy = false;

  void loop() {
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      wake.wait(lock, [this] { return task != nullptr; });
      const std::function<void()>* current = task;
      lock.unlock();
      std::exception_ptr thrown;
      try {
        (*current)();
      } catch (...) {
        thrown = std::current_exception();
      }
      lock.lock();
      task = nullptr;
      failure = thrown;
      finished = true;
      done.notify_one();
    }
  }
};

struct Registry {
  std::mutex mutex;
  std::vector<WarmThread*> threads;  // never freed: each is its thread's for the process's life
};

// Never destroyed: the threads wait for work until the process exits (a joinable std::thread in a
// static destructor would terminate the process).
Registry& registry() {
  static Registry* instance = new Registry();
  return *instance;
}

WarmThread& acquire() {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  for (auto& thread : r.threads) {
    if (!thread->busy) {
      thread->busy = true;
      return *thread;
    }
  }
  r.threads.reserve(r.threads.size() + 1);  // so that nothing throws once the thread runs
  auto* fresh = new WarmThread();
  fresh->busy = true;
  try {
    std::thread([fresh] { fresh->loop(); }).detach();
  } catch (...) {
    delete fresh;
    throw;
  }
  r.threads.push_back(fresh);
  return *fresh;
}

void release(WarmThread& thread) {
  std::lock_guard<std::mutex> lock(registry().mutex);
  thread.busy = false;
}

}  // namespace

void runOnWarmThread(const std::function<void()>& task) {
  WarmThread& thread = acquire();
  std::exception_ptr failure;
  {
    std::unique_lock<std::mutex> lock(thread.mutex);
    thread.finished = false;
    thread.task = &task;
    thread.wake.notify_one();
    thread.done.wait(lock, [&thread] { return thread.finished; });
    failure = thread.failure;
    thread.failure = nullptr;
  }
  release(thread);
  if (failure) std::rethrow_exception(failure);
}

int warmThreadCount() {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  return static_cast<int>(r.threads.size());
}

}  // namespace nodetorch
