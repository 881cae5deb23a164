// Long LibTorch work on the libuv thread pool, settled as a Promise. Subclasses copy their inputs to
// plain C++ on the JS thread (constructor), compute on a worker (Compute, which may throw), and
// build the JS result back on the JS thread (Result). The caller's grad mode and inference mode go
// with the work: LibTorch keeps them per thread. Long, repeated work (the epoch loop) can ask for a
// warm thread (core/warm_threads.h): the pool thread then waits while one of those computes.
#pragma once
#include <ATen/core/grad_mode.h>

#include "binding/node_api.h"

namespace nodetorch {

class PromiseWorker : public Napi::AsyncWorker {
 public:
  PromiseWorker(Napi::Env env, const char* name, bool onWarmThread = false);

  /**
   * Queues a newly allocated worker (which deletes itself when done) and returns its Promise.
   * Refused inside torch.jit.trace: the trace records the calling thread only, so the work's
   * result would be baked into the trace as a constant.
   */
  static Napi::Promise start(PromiseWorker* worker);

 protected:
  virtual void Compute() = 0;
  virtual Napi::Value Result(Napi::Env env) = 0;

 private:
  void Execute() final;
  void computeHere();
  void OnOK() final;
  void OnError(const Napi::Error& error) final;

  const char* name_;
  bool gradEnabled_;
  bool inferenceMode_;
  bool onWarmThread_;
  Napi::Promise::Deferred deferred_;
};

}  // namespace nodetorch
