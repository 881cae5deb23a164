#include "binding/promise_worker.h"

#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <c10/util/Exception.h>

#include <optional>

#include "binding/errors.h"
#include "core/profiler.h"
#include "core/runtime.h"
#include "core/trace_state.h"
#include "core/warm_threads.h"

#ifdef __linux__
#include <sched.h>
#endif

namespace nodetorch {

PromiseWorker::PromiseWorker(Napi::Env env, const char* name, bool onWarmThread)
    : Napi::AsyncWorker(env, name),
      name_(name),
      gradEnabled_(at::GradMode::is_enabled()),
      inferenceMode_(c10::InferenceMode::is_enabled()),
      onWarmThread_(onWarmThread),
      deferred_(Napi::Promise::Deferred::New(env)) {}

Napi::Promise PromiseWorker::start(PromiseWorker* worker) {
  if (tracing::isTracing()) {
    std::string name = worker->name_;
    Napi::Env env = worker->Env();
    delete worker;
    std::string message = "an async call (" + name +
                          ") inside torch.jit.trace: the trace records only the calling thread, so its result would "
                          "be baked in as a constant; use the synchronous form (forward, not forwardAsync)";
    tracing::refuseAsyncCall(message);
    throw torchError(env, message);
  }
  Napi::Promise promise = worker->deferred_.Promise();
  worker->Queue();
  return promise;
}

// The pool threads that run LibTorch work become batch threads on Linux: the scheduler then does not
// let a woken worker preempt the thread that woke it. Without this, queueing work from the event
// loop on a 2-core VM often handed the loop's CPU to the worker: the loop's futex wake took up to
// 1.7 ms, and the synchronous part of forwardAsync 140-1440 us instead of ~75 (docs/performance.md,
// section 6). Batch threads keep their full share of CPU. The libuv pool is shared, so a thread
// that ran LibTorch work stays a batch thread for the file-system work it takes later.
static void becomeBatchThread() {
#ifdef __linux__
  thread_local bool done = false;
  if (done) return;
  done = true;
  sched_param param{};
  param.sched_priority = 0;
  sched_setscheduler(0, SCHED_BATCH, &param);  // best effort: a refusal leaves the thread as it was
#endif
}

void PromiseWorker::Execute() {
  if (!onWarmThread_) return computeHere();
  try {
    runOnWarmThread([this] { computeHere(); });
  } catch (const std::exception& error) {  // a warm thread could not start
    SetError(error.what());
  }
}

void PromiseWorker::computeHere() {
  becomeBatchThread();
  try {
    // The intra-op thread count is per thread under OpenMP: apply the process-wide setting here too.
    adoptProcessThreads();
    std::optional<c10::InferenceMode> inferenceMode;
    if (inferenceMode_) inferenceMode.emplace(true);
    at::AutoGradMode gradMode(gradEnabled_);
    profiler::ThreadScope profiled;  // this thread's allocations reach an active memory profile
    Compute();
  } catch (const c10::Error& error) {
    SetError(error.what_without_backtrace());
  } catch (const std::exception& error) {
    SetError(error.what());
  }
}

void PromiseWorker::OnOK() {
  try {
    deferred_.Resolve(Result(Env()));
  } catch (const Napi::Error& error) {
    deferred_.Reject(error.Value());
  }
}

void PromiseWorker::OnError(const Napi::Error& error) { deferred_.Reject(torchError(Env(), error.Message()).Value()); }

}  // namespace nodetorch
