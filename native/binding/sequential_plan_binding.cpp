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

using Setter = std::function<void(PlanStep&, Napi::Value, const Param& field)>;

Setter tensorField(at::Tensor PlanStep::*member) {
  return [member](PlanStep& step, Napi::Value value, const Param& field) {
    step.*member = value.IsNull() || value.IsUndefined() ? at::Tensor() : TensorWrap::unwrap(value, field);
  };
}
Setter intsField(std::vector<int64_t> PlanStep::*member) {
  return [member](PlanStep& step, Napi::Value value, const Param& field) { step.*member = toIntVector(value, field); };
}
Setter intField(int64_t PlanStep::*member) {
  return [member](PlanStep& step, Napi::Value value, const Param& field) { step.*member = toInt(value, field); };
}
Setter doubleField(double PlanStep::*member) {
  return [member](PlanStep& step, Napi::Value value, const Param& field) {
    if (!value.IsNumber())
      throw Napi::TypeError::New(value.Env(), field.str() + " must be a number, got " + describeJsValue(value));
    step.*member = value.As<Napi::Number>().DoubleValue();
  };
}
Setter boolField(bool PlanStep::*member) {
  return [member](PlanStep& step, Napi::Value value, const Param& field) {
    if (!value.IsBoolean())
      throw Napi::TypeError::New(value.Env(), field.str() + " must be a boolean, got " + describeJsValue(value));
    step.*member = value.As<Napi::Boolean>().Value();
  };
}
Setter stringField(std::string PlanStep::*member) {
  return [member](PlanStep& step, Napi::Value value, const Param& field) {
    if (!value.IsString())
      throw Napi::TypeError::New(value.Env(), field.str() + " must be a string, got " + describeJsValue(value));
    step.*member = value.As<Napi::String>().Utf8Value();
  };
}

// Every field a step may have, by name.
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

// The fields each kind uses besides kind and name (lib/nn/sequential-plan.ts's PlanStep). Reading
// these by name, rather than enumerating each object's properties, is what keeps a plan cheap to
// read on every forward (about 0.5 us a step where enumeration took 2.5).
const std::unordered_map<std::string, std::vector<const char*>>& kindFieldNames() {
  static const std::unordered_map<std::string, std::vector<const char*>> table = {
      {"identity", {}},
      {"relu", {}},
      {"silu", {}},
      {"tanh", {}},
      {"sigmoid", {}},
      {"linear", {"weight", "bias"}},
      {"conv", {"weight", "bias", "stride", "padding", "dilation", "groups"}},
      {"leaky_relu", {"negativeSlope"}},
      {"gelu", {"approximate"}},
      {"softmax", {"dim"}},
      {"log_softmax", {"dim"}},
      {"dropout", {"p", "training"}},
      {"flatten", {"startDim", "endDim"}},
      {"max_pool2d", {"kernelSize", "stride", "padding", "dilation", "ceilMode"}},
      {"avg_pool2d", {"kernelSize", "stride", "padding", "ceilMode", "countIncludePad"}},
      {"adaptive_avg_pool2d", {"outputSize"}},
      {"batch_norm",
       {"weight", "bias", "runningMean", "runningVar", "numBatchesTracked", "momentum", "eps", "training",
        "inputDims"}},
      {"layer_norm", {"weight", "bias", "normalizedShape", "eps"}},
  };
  return table;
}

struct Field {
  const char* name;
  const Setter* set;
};

// kindFieldNames with each name's setter looked up once.
const std::unordered_map<std::string, std::vector<Field>>& kindFields() {
  static const std::unordered_map<std::string, std::vector<Field>> table = [] {
    std::unordered_map<std::string, std::vector<Field>> resolved;
    for (const auto& [kind, names] : kindFieldNames()) {
      std::vector<Field>& list = resolved[kind];
      for (const char* name : names) list.push_back({name, &fields().at(name)});
    }
    return resolved;
  }();
  return table;
}

void readField(PlanStep& step, Napi::Object object, const Field& field, const std::string& where) {
  Napi::Value value = object.Get(field.name);
  if (value.IsUndefined()) return;  // an absent setting keeps PlanStep's default
  (*field.set)(step, value, Param(where, field.name));
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
    static const Field kindField{"kind", &fields().at("kind")}, nameField{"name", &fields().at("name")};
    readField(steps[i], object, kindField, where);
    readField(steps[i], object, nameField, where);
    auto kind = kindFields().find(steps[i].kind);
    if (kind == kindFields().end())
      throw Napi::TypeError::New(env, where + ": unknown layer kind '" + steps[i].kind + "'");
    for (const Field& field : kind->second) readField(steps[i], object, field, where);
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
