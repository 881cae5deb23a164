// Reads the steps lib/nn/sequential-plan.ts builds (one object per layer, fields named as in
// core/sequential_plan.h) and runs them, here or on the libuv thread pool.
#include "binding/sequential_plan_binding.h"

#include <functional>
#include <unordered_map>

#include "binding/async_claim.h"
#include "binding/errors.h"
#include "binding/js_convert.h"
#include "binding/promise_worker.h"
#include "binding/tensor_wrap.h"
#include "core/sequential_plan.h"

namespace nodetorch {
namespace {

using Setter = std::function<void(PlanStep&, Napi::Value, const std::string& field)>;

Setter tensorField(at::Tensor PlanStep::*member) {
  return [member](PlanStep& step, Napi::Value value, const std::string& field) {
    step.*member = value.IsNull() || value.IsUndefined() ? at::Tensor() : TensorWrap::unwrap(value, field);
  };
}
Setter intsField(std::vector<int64_t> PlanStep::*member) {
  return [member](PlanStep& step, Napi::Value value, const std::string& field) {
    step.*member = toIntVector(value, field);
  };
}
Setter intField(int64_t PlanStep::*member) {
  return [member](PlanStep& step, Napi::Value value, const std::string& field) { step.*member = toInt(value, field); };
}
Setter doubleField(double PlanStep::*member) {
  return [member](PlanStep& step, Napi::Value value, const std::string& field) {
    if (!value.IsNumber())
      throw Napi::TypeError::New(value.Env(), field + " must be a number, got " + describeJsValue(value));
    step.*member = value.As<Napi::Number>().DoubleValue();
  };
}
Setter boolField(bool PlanStep::*member) {
  return [member](PlanStep& step, Napi::Value value, const std::string& field) {
    if (!value.IsBoolean())
      throw Napi::TypeError::New(value.Env(), field + " must be a boolean, got " + describeJsValue(value));
    step.*member = value.As<Napi::Boolean>().Value();
  };
}
Setter stringField(std::string PlanStep::*member) {
  return [member](PlanStep& step, Napi::Value value, const std::string& field) {
    if (!value.IsString())
      throw Napi::TypeError::New(value.Env(), field + " must be a string, got " + describeJsValue(value));
    step.*member = value.As<Napi::String>().Utf8Value();
  };
}

// Every field a step may have; the kinds' kernels say which they use.
const std::unordered_map<std::string, Setter>& fields() {
  static const std::unordered_map<std::string, Setter> table = {
      {"kind", stringField(&PlanStep::kind)},
      {"name", stringField(&PlanStep::name)},
      {"weight", tensorField(&PlanStep::weight)},
      {"bias", tensorField(&PlanStep::bias)},
      {"runningMean", tensorField(&PlanStep::runningMean)},
      {"runningVar", tensorField(&PlanStep::runningVar)},
      {"numBatchesTracked", tensorField(&PlanStep::numBatchesTracked)},
      {"kernelSize", intsField(&PlanStep::kernelSize)},
      {"stride", intsField(&PlanStep::stride)},
      {"padding", intsField(&PlanStep::padding)},
      {"dilation", intsField(&PlanStep::dilation)},
      {"outputSize", intsField(&PlanStep::outputSize)},
      {"normalizedShape", intsField(&PlanStep::normalizedShape)},
      {"inputDims", intsField(&PlanStep::inputDims)},
      {"groups", intField(&PlanStep::groups)},
      {"dim", intField(&PlanStep::dim)},
      {"startDim", intField(&PlanStep::startDim)},
      {"endDim", intField(&PlanStep::endDim)},
      {"negativeSlope", doubleField(&PlanStep::negativeSlope)},
      {"p", doubleField(&PlanStep::p)},
      {"momentum", doubleField(&PlanStep::momentum)},
      {"eps", doubleField(&PlanStep::eps)},
      {"training", boolField(&PlanStep::training)},
      {"ceilMode", boolField(&PlanStep::ceilMode)},
      {"countIncludePad", boolField(&PlanStep::countIncludePad)},
      {"approximate", stringField(&PlanStep::approximate)},
  };
  return table;
}

}  // namespace

std::vector<PlanStep> readPlanSteps(Napi::Value value) {
  Napi::Env env = value.Env();
  if (!value.IsArray()) throw Napi::TypeError::New(env, "steps must be an array, got " + describeJsValue(value));
  Napi::Array items = value.As<Napi::Array>();
  std::vector<PlanStep> steps(items.Length());
  for (uint32_t i = 0; i < items.Length(); ++i) {
    Napi::Value item = items.Get(i);
    std::string where = "step " + std::to_string(i);
    if (!item.IsObject()) throw Napi::TypeError::New(env, where + " must be an object, got " + describeJsValue(item));
    Napi::Object object = item.As<Napi::Object>();
    Napi::Array names = object.GetPropertyNames();
    for (uint32_t n = 0; n < names.Length(); ++n) {
      std::string name = names.Get(n).ToString();
      auto field = fields().find(name);
      if (field == fields().end()) throw Napi::TypeError::New(env, where + ": unknown field '" + name + "'");
      field->second(steps[i], object.Get(name), where + "." + name);
    }
  }
  validatePlan(steps);
  return steps;
}

namespace {

// Runs a plan on the libuv thread pool, holding the steps' tensors and the input (claimed: JS may
// read them meanwhile but not change them).
class PlanWorker : public PromiseWorker {
 public:
  PlanWorker(Napi::Env env, std::vector<PlanStep> steps, at::Tensor input, AsyncClaim claim)
      : PromiseWorker(env, "nodetorch:sequential"),
        steps_(std::move(steps)),
        input_(std::move(input)),
        claim_(std::move(claim)) {}

 protected:
  void Compute() override { output_ = runPlan(steps_, input_); }
  Napi::Value Result(Napi::Env env) override { return TensorWrap::wrap(env, output_); }

 private:
  std::vector<PlanStep> steps_;
  at::Tensor input_;
  at::Tensor output_;
  AsyncClaim claim_;
};

// runSequential(steps, input) -> Tensor
Napi::Value runSequential(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    std::vector<PlanStep> steps = readPlanSteps(info[0]);
    at::Tensor input = TensorWrap::unwrap(info[1], "input");
    return Napi::Value(TensorWrap::wrap(info.Env(), runPlan(steps, std::move(input))));
  });
}

// runSequentialAsync(steps, input) -> Promise<Tensor>
Napi::Value runSequentialAsync(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    std::vector<PlanStep> steps = readPlanSteps(info[0]);
    at::Tensor input = TensorWrap::unwrap(info[1], "input");
    AsyncClaim claim(info.Env());
    for (const PlanStep& step : steps) {
      for (const at::Tensor* tensor :
           {&step.weight, &step.bias, &step.runningMean, &step.runningVar, &step.numBatchesTracked})
        claim.reads(*tensor);
    }
    claim.reads(input);
    return PromiseWorker::start(new PlanWorker(info.Env(), std::move(steps), std::move(input), std::move(claim)));
  });
}

}  // namespace

void initSequentialPlan(Napi::Env env, Napi::Object exports) {
  exports.Set("runSequential", Napi::Function::New<runSequential>(env, "runSequential"));
  exports.Set("runSequentialAsync", Napi::Function::New<runSequentialAsync>(env, "runSequentialAsync"));
}

}  // namespace nodetorch
