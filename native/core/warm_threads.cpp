#include "core/warm_threads.h"

#include <pthread.h>

#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>
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

// libuv's pool threads get 8 MiB of stack; std::thread would get the platform's default (as little
// as 128 KiB on musl), and the work moved here (autograd's backward, deep graphs' destruction) is
// the same.
constexpr size_t kStackBytes = 8 * 1024 * 1024;

bool startDetached(WarmThread* thread) {
  pthread_attr_t attributes;
  if (pthread_attr_init(&attributes) != 0) return false;
  pthread_attr_setstacksize(&attributes, kStackBytes);
  pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
  pthread_t id;
  int failed = pthread_create(
      &id, &attributes,
      [](void* self) -> void* {
        static_cast<WarmThread*>(self)->loop();
        return nullptr;
      },
      thread);
  pthread_attr_destroy(&attributes);
  return failed == 0;
}

struct Registry {
  std::mutex mutex;
  std::vector<WarmThread*> threads;  // never freed: each is its thread's for the process's life
};

// Never destroyed: the (detached) threads wait for work until the process exits, and a static
// destructor must not free what they wait on.
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
  if (!startDetached(fresh)) {
    delete fresh;
    throw std::runtime_error("could not start a thread for the epoch loop");
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
