// The native forward of a Sequential of built-in layers (lib/nn/native-plan.ts builds the steps).
#include "binding/sequential_binding.h"

#include "binding/errors.h"
#include "binding/js_convert.h"
#include "binding/promise_worker.h"
#include "binding/tensor_wrap.h"
#include "core/sequential_plan.h"

namespace nodetorch {
namespace {

std::vector<double> toDoubles(Napi::Value value) {
  std::vector<double> out;
  if (!value.IsArray()) return out;
  Napi::Array array = value.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); ++i) out.push_back(array.Get(i).ToNumber().DoubleValue());
  return out;
}

// compileSequential([{ kind, tensors, ints, floats, flag }]) -> an opaque plan
Napi::Value compileSequential(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    if (!info[0].IsArray()) throw Napi::TypeError::New(info.Env(), "steps must be an array");
    Napi::Array items = info[0].As<Napi::Array>();
    auto* steps = new std::vector<PlanStep>();
    try {
      for (uint32_t i = 0; i < items.Length(); ++i) {
        Napi::Object item = items.Get(i).As<Napi::Object>();
        PlanStep step;
        step.kind = item.Get("kind").ToString();
        step.name = item.Get("name").ToString();
        Napi::Array tensors = item.Get("tensors").As<Napi::Array>();
        for (uint32_t t = 0; t < tensors.Length(); ++t) {
          Napi::Value tensor = tensors.Get(t);
          step.tensors.push_back(tensor.IsNull() ? at::Tensor() : TensorWrap::unwrap(tensor, Param("tensors").at(t)));
        }
        step.ints = toIntVector(item.Get("ints"), "ints");
        step.floats = toDoubles(item.Get("floats"));
        step.flag = item.Get("flag").ToBoolean();
        steps->push_back(std::move(step));
      }
      validatePlan(*steps);
    } catch (...) {
      delete steps;
      throw;
    }
    return Napi::Value(Napi::External<std::vector<PlanStep>>::New(
        info.Env(), steps, [](Napi::Env, std::vector<PlanStep>* s) { delete s; }));
  });
}

const std::vector<PlanStep>& planOf(const Napi::Value& value) {
  if (!value.IsExternal()) throw Napi::TypeError::New(value.Env(), "plan must come from compileSequential()");
  return *value.As<Napi::External<std::vector<PlanStep>>>().Data();
}

// Runs a plan on the libuv thread pool. The steps are copied: their tensors are reference-counted
// handles to the same parameters, so the copy sees the same weights.
class PlanWorker : public PromiseWorker {
 public:
  PlanWorker(Napi::Env env, std::vector<PlanStep> steps, at::Tensor input)
      : PromiseWorker(env, "nodetorch:sequential"), steps_(std::move(steps)), input_(std::move(input)) {}

 protected:
  void Compute() override { output_ = runPlan(steps_, input_); }
  Napi::Value Result(Napi::Env env) override { return TensorWrap::wrap(env, output_); }

 private:
  std::vector<PlanStep> steps_;
  at::Tensor input_;
  at::Tensor output_;
};

Napi::Value runSequentialAsync(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    return PromiseWorker::start(new PlanWorker(info.Env(), planOf(info[0]), TensorWrap::unwrap(info[1], "input")));
  });
}

Napi::Value runSequential(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    return Napi::Value(TensorWrap::wrap(info.Env(), runPlan(planOf(info[0]), TensorWrap::unwrap(info[1], "input"))));
  });
}

}  // namespace

void initSequential(Napi::Env env, Napi::Object exports) {
  exports.Set("compileSequential", Napi::Function::New<compileSequential>(env, "compileSequential"));
  exports.Set("runSequential", Napi::Function::New<runSequential>(env, "runSequential"));
  exports.Set("runSequentialAsync", Napi::Function::New<runSequentialAsync>(env, "runSequentialAsync"));
}

}  // namespace nodetorch
