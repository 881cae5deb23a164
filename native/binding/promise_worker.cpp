#include "binding/promise_worker.h"

#include <ATen/Parallel.h>
#include <c10/util/Exception.h>

#include "binding/errors.h"
#include "core/profiler.h"

namespace nodetorch {

PromiseWorker::PromiseWorker(Napi::Env env, const char* name)
    : Napi::AsyncWorker(env, name),
      gradEnabled_(at::GradMode::is_enabled()),
      deferred_(Napi::Promise::Deferred::New(env)) {}

void PromiseWorker::Execute() {
  try {
    // The intra-op thread count is per thread under OpenMP: apply the process-wide setting here too.
    at::init_num_threads();
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
