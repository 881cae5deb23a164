// Reads the chunk lib/train/native-loop.ts describes, claims what the worker uses (the parameters
// and the optimizer for writing, the dataset and the plan's other tensors for reading), and runs it.
#include "binding/epoch_loop_binding.h"

#include <atomic>
#include <memory>

#include "binding/async_claim.h"
#include "binding/errors.h"
#include "binding/js_convert.h"
#include "binding/optimizer_wrap.h"
#include "binding/promise_worker.h"
#include "binding/sequential_plan_binding.h"
#include "binding/tensor_wrap.h"
#include "core/epoch_loop.h"

namespace nodetorch {
namespace {

double number(Napi::Object object, const char* name, double fallback) {
  Napi::Value value = object.Get(name);
  if (value.IsUndefined()) return fallback;
  if (!value.IsNumber()) throw Napi::TypeError::New(object.Env(), std::string(name) + " must be a number");
  return value.As<Napi::Number>().DoubleValue();
}

LossSpec readLoss(Napi::Value value) {
  if (!value.IsObject()) throw Napi::TypeError::New(value.Env(), "loss must be an object");
  Napi::Object object = value.As<Napi::Object>();
  LossSpec loss;
  if (!object.Get("kind").IsString()) throw Napi::TypeError::New(value.Env(), "loss.kind must be a string");
  loss.kind = object.Get("kind").As<Napi::String>().Utf8Value();
  loss.reduction = static_cast<int64_t>(number(object, "reduction", 1));
  loss.ignoreIndex = static_cast<int64_t>(number(object, "ignoreIndex", -100));
  loss.labelSmoothing = number(object, "labelSmoothing", 0);
  loss.beta = number(object, "beta", 1);
  Napi::Value weight = object.Get("weight");
  if (!weight.IsUndefined() && !weight.IsNull()) loss.weight = TensorWrap::unwrap(weight, "loss.weight");
  return loss;
}

std::vector<std::vector<int64_t>> readBatches(Napi::Value value) {
  if (!value.IsArray()) throw Napi::TypeError::New(value.Env(), "batches must be an array of index arrays");
  Napi::Array array = value.As<Napi::Array>();
  std::vector<std::vector<int64_t>> batches(array.Length());
  for (uint32_t i = 0; i < array.Length(); ++i) batches[i] = toIntVector(array.Get(i), Param("batches").at(i));
  return batches;
}

std::vector<bool> readFlags(Napi::Value value) {
  if (!value.IsArray()) throw Napi::TypeError::New(value.Env(), "stepAfter must be an array of booleans");
  Napi::Array array = value.As<Napi::Array>();
  std::vector<bool> flags(array.Length());
  for (uint32_t i = 0; i < array.Length(); ++i) flags[i] = array.Get(i).ToBoolean().Value();
  return flags;
}

ClipAlgorithm readClip(Napi::Value value) {
  std::string name = value.IsString() ? value.As<Napi::String>().Utf8Value() : "none";
  if (name == "norm") return ClipAlgorithm::Norm;
  if (name == "value") return ClipAlgorithm::Value;
  if (name == "none") return ClipAlgorithm::None;
  throw Napi::TypeError::New(value.Env(), "clip must be 'none', 'norm' or 'value', got '" + name + "'");
}

// Runs a chunk, reporting each batch through `onBatch_`; the optimizer is lent for the duration.
class EpochLoopWorker : public PromiseWorker {
 public:
  EpochLoopWorker(Napi::Env env, EpochChunk chunk, AsyncClaim claim, Napi::Object optimizer,
                  Napi::ThreadSafeFunction onBatch, std::shared_ptr<std::atomic<bool>> stop)
      : PromiseWorker(env, "nodetorch:epoch-loop", /* onWarmThread */ true),
        chunk_(std::move(chunk)),
        claim_(std::move(claim)),
        optimizer_(Napi::Persistent(optimizer)),
        onBatch_(std::move(onBatch)),
        stop_(std::move(stop)) {}

  ~EpochLoopWorker() override { OptimizerWrap::from(optimizer_.Value(), "optimizer").giveBack(Env()); }

 protected:
  void Compute() override {
    try {
      done_ = runEpochChunk(chunk_, *stop_, [this](const StepReport& report) {
        auto* copy = new StepReport(report);
        if (onBatch_.NonBlockingCall(copy, deliver) != napi_ok) delete copy;
      });
    } catch (...) {
      onBatch_.Release();
      throw;
    }
    onBatch_.Release();
  }

  Napi::Value Result(Napi::Env env) override { return Napi::Number::New(env, static_cast<double>(done_)); }

 private:
  static void deliver(Napi::Env env, Napi::Function callback, StepReport* report) {
    std::unique_ptr<StepReport> owned(report);
    if (env == nullptr) return;  // the environment is going away
    callback.Call({Napi::Number::New(env, static_cast<double>(owned->batch)), Napi::Number::New(env, owned->loss),
                   Napi::Number::New(env, static_cast<double>(owned->batchSize)),
                   Napi::Boolean::New(env, owned->stepped)});
  }

  EpochChunk chunk_;
  AsyncClaim claim_;
  Napi::ObjectReference optimizer_;
  Napi::ThreadSafeFunction onBatch_;
  std::shared_ptr<std::atomic<bool>> stop_;
  int64_t done_ = 0;
};

// runEpochChunk({ steps, loss, optimizer, params, inputs, targets, batches, stepAfter, accumulate,
//                 clip, clipValue }, onBatch(batch, loss, batchSize, stepped)) -> { promise, stop }
Napi::Value runEpochChunkJs(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    Napi::Env env = info.Env();
    if (!info[0].IsObject()) throw Napi::TypeError::New(env, "the epoch chunk must be an object");
    if (!info[1].IsFunction()) throw Napi::TypeError::New(env, "onBatch must be a function");
    Napi::Object spec = info[0].As<Napi::Object>();
    EpochChunk chunk;
    chunk.plan = readPlanSteps(spec.Get("steps"));
    chunk.loss = readLoss(spec.Get("loss"));
    chunk.params = TensorWrap::unwrapArray(spec.Get("params"), "params");
    chunk.inputs = TensorWrap::unwrap(spec.Get("inputs"), "inputs");
    chunk.targets = TensorWrap::unwrap(spec.Get("targets"), "targets");
    chunk.batches = readBatches(spec.Get("batches"));
    chunk.stepAfter = readFlags(spec.Get("stepAfter"));
    chunk.accumulate = static_cast<int64_t>(number(spec, "accumulate", 1));
    chunk.clip = readClip(spec.Get("clip"));
    chunk.clipValue = number(spec, "clipValue", 0);
    Napi::Value optimizerValue = spec.Get("optimizer");
    OptimizerWrap& optimizer = OptimizerWrap::from(optimizerValue, "optimizer");
    try {
      validateChunk(chunk);
    } catch (const std::invalid_argument& error) {
      throw Napi::TypeError::New(env, error.what());
    }
    // Writes first: the parameters (and, through them, their gradients) and the plan's buffers.
    AsyncClaim claim(env);
    for (const at::Tensor& param : chunk.params) claim.writes(param);
    for (const PlanStep& step : chunk.plan) {
      for (const at::Tensor* tensor : {&step.runningMean, &step.runningVar, &step.numBatchesTracked})
        if (tensor->defined()) claim.writes(*tensor);
    }
    claim.reads(chunk.inputs);
    claim.reads(chunk.targets);
    if (chunk.loss.weight.defined()) claim.reads(chunk.loss.weight);
    auto stop = std::make_shared<std::atomic<bool>>(false);
    chunk.optimizer = &optimizer.borrow(env);
    // Made last: once it exists, only the worker's Release lets the process exit.
    Napi::ThreadSafeFunction onBatch;
    try {
      onBatch = Napi::ThreadSafeFunction::New(env, info[1].As<Napi::Function>(), "nodetorch:epoch-loop-progress", 0, 1);
    } catch (...) {
      optimizer.giveBack(env);
      throw;
    }
    auto* worker = new EpochLoopWorker(env, std::move(chunk), std::move(claim), optimizerValue.As<Napi::Object>(),
                                       std::move(onBatch), stop);
    Napi::Object out = Napi::Object::New(env);
    out.Set("promise", PromiseWorker::start(worker));
    out.Set("stop", Napi::Function::New(
                        env, [stop](const Napi::CallbackInfo& call) { stop->store(true); }, "stop"));
    return out;
  });
}

}  // namespace

void initEpochLoop(Napi::Env env, Napi::Object exports) {
  exports.Set("runEpochChunk", Napi::Function::New<runEpochChunkJs>(env, "runEpochChunk"));
}

}  // namespace nodetorch
