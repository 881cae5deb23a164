#include "binding/optimizer_wrap.h"

// clip_grad.h uses torch:: ops without including them, so types.h must come first.
// clang-format off
#include <torch/types.h>
#include <torch/nn/utils/clip_grad.h>
// clang-format on

#include "binding/addon_state.h"
#include "binding/errors.h"
#include "binding/js_convert.h"
#include "binding/tensor_wrap.h"
#include "core/optimizers.h"

namespace nodetorch {
namespace {

// { params: Tensor[], options: { lr: number, ... } } with numbers and booleans only.
ParamGroupSpec groupSpec(Napi::Value value) {
  if (!value.IsObject()) throw Napi::TypeError::New(value.Env(), "a parameter group must be an object");
  Napi::Object object = value.As<Napi::Object>();
  ParamGroupSpec spec{TensorWrap::unwrapArray(object.Get("params"), "params"), {}};
  Napi::Object options = object.Get("options").As<Napi::Object>();
  Napi::Array names = options.GetPropertyNames();
  for (uint32_t i = 0; i < names.Length(); ++i) {
    std::string name = names.Get(i).ToString();
    Napi::Value option = options.Get(name);
    spec.options[name] =
        option.IsBoolean() ? (option.As<Napi::Boolean>().Value() ? 1.0 : 0.0) : option.ToNumber().DoubleValue();
  }
  return spec;
}

}  // namespace

void OptimizerWrap::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function constructor = DefineClass(env, "NativeOptimizer",
                                           {
                                               InstanceMethod<&OptimizerWrap::step>("step"),
                                               InstanceMethod<&OptimizerWrap::zeroGrad>("zeroGrad"),
                                               InstanceMethod<&OptimizerWrap::addParamGroup>("addParamGroup"),
                                               InstanceMethod<&OptimizerWrap::groupOptions>("groupOptions"),
                                               InstanceMethod<&OptimizerWrap::setGroupOption>("setGroupOption"),
                                               InstanceMethod<&OptimizerWrap::paramState>("paramState"),
                                               InstanceMethod<&OptimizerWrap::setParamState>("setParamState"),
                                               InstanceMethod<&OptimizerWrap::dispose>("dispose"),
                                               InstanceMethod<&OptimizerWrap::stateBytes>("stateBytes"),
                                           });
  AddonState::of(env).optimizerClass = Napi::Persistent(constructor);
  exports.Set("NativeOptimizer", constructor);
}

OptimizerWrap& OptimizerWrap::from(Napi::Value value, const char* what) {
  Napi::Env env = value.Env();
  if (!value.IsObject() || !value.As<Napi::Object>().InstanceOf(AddonState::of(env).optimizerClass.Value()))
    throw Napi::TypeError::New(env, std::string(what) + " must be a NativeOptimizer");
  return *Unwrap(value.As<Napi::Object>());
}

torch::optim::Optimizer& OptimizerWrap::borrow(Napi::Env env) {
  torch::optim::Optimizer& optimizer = live(env);
  borrowed_ = true;
  return optimizer;
}

void OptimizerWrap::giveBack(Napi::Env env) {
  borrowed_ = false;
  if (optimizer_) reportState(env);
}

OptimizerWrap::~OptimizerWrap() {
  // Possibly from a finalizer: only record the change (the next JS call reports it).
  if (reportedBytes_ == 0) return;
  if (auto* state = Env().GetInstanceData<AddonState>()) state->recordExternal(-reportedBytes_);
}

torch::optim::Optimizer& OptimizerWrap::live(Napi::Env env) {
  if (!optimizer_) throw torchError(env, "this optimizer has been disposed and can no longer be used");
  if (borrowed_)
    throw torchError(env, "this optimizer is in use by a running native epoch loop; wait for it to finish");
  return *optimizer_;
}

void OptimizerWrap::reportState(Napi::Env env, bool force) {
  size_t entries = optimizer_->state().size();
  if (!force && entries == stateEntries_) return;
  stateEntries_ = entries;
  int64_t bytes = nodetorch::stateBytes(*optimizer_, kind_);
  AddonState::of(env).reportExternal(env, bytes - reportedBytes_);
  reportedBytes_ = bytes;
}

Napi::Value OptimizerWrap::dispose(const Napi::CallbackInfo& info) {
  if (!optimizer_) return info.Env().Undefined();
  live(info.Env());  // throws while borrowed
  AddonState::of(info.Env()).reportExternal(info.Env(), -reportedBytes_);
  reportedBytes_ = 0;
  optimizer_.reset();
  return info.Env().Undefined();
}

Napi::Value OptimizerWrap::stateBytes(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(reportedBytes_));
}

// new NativeOptimizer(kind, groups)
OptimizerWrap::OptimizerWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<OptimizerWrap>(info) {
  NT_GUARD(info, {
    kind_ = info[0].ToString().Utf8Value();
    if (!info[1].IsArray()) throw Napi::TypeError::New(info.Env(), "parameter groups must be an array");
    Napi::Array groups = info[1].As<Napi::Array>();
    std::vector<ParamGroupSpec> specs;
    for (uint32_t i = 0; i < groups.Length(); ++i) specs.push_back(groupSpec(groups.Get(i)));
    optimizer_ = makeOptimizer(kind_, specs);
  });
}

torch::optim::OptimizerParamGroup& OptimizerWrap::group(const Napi::Value& index) {
  int64_t i = toInt(index, "group");
  auto& groups = live(index.Env()).param_groups();
  if (i < 0 || i >= static_cast<int64_t>(groups.size()))
    throw torchError(index.Env(), "no parameter group " + std::to_string(i));
  return groups[static_cast<size_t>(i)];
}

Napi::Value OptimizerWrap::step(const Napi::CallbackInfo& info) {
  NT_GUARD(info, {
    live(info.Env()).step();
    reportState(info.Env());
  });
  return info.Env().Undefined();
}

// zeroGrad(setToNone)
Napi::Value OptimizerWrap::zeroGrad(const Napi::CallbackInfo& info) {
  bool setToNone = info[0].IsBoolean() && info[0].As<Napi::Boolean>().Value();
  NT_GUARD(info, { nodetorch::zeroGrad(live(info.Env()), setToNone); });
  return info.Env().Undefined();
}

Napi::Value OptimizerWrap::addParamGroup(const Napi::CallbackInfo& info) {
  NT_GUARD(info, { nodetorch::addParamGroup(live(info.Env()), kind_, groupSpec(info[0])); });
  return info.Env().Undefined();
}

Napi::Value OptimizerWrap::groupOptions(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    Napi::Object out = Napi::Object::New(info.Env());
    for (const auto& [name, value] : nodetorch::groupOptions(kind_, group(info[0]))) out.Set(name, value);
    return Napi::Value(out);
  });
}

// setGroupOption(group, name, value)
Napi::Value OptimizerWrap::setGroupOption(const Napi::CallbackInfo& info) {
  NT_GUARD(info, {
    double value =
        info[2].IsBoolean() ? (info[2].As<Napi::Boolean>().Value() ? 1.0 : 0.0) : info[2].ToNumber().DoubleValue();
    nodetorch::setGroupOption(kind_, group(info[0]), info[1].ToString(), value);
  });
  return info.Env().Undefined();
}

const at::Tensor& OptimizerWrap::param(const Napi::CallbackInfo& info) { return TensorWrap::unwrap(info[0], "param"); }

// paramState(param) -> { step?, buffers: { name: Tensor } } | null
Napi::Value OptimizerWrap::paramState(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    auto state = nodetorch::paramState(live(info.Env()), kind_, param(info));
    if (!state) return info.Env().Null();
    Napi::Object out = Napi::Object::New(info.Env());
    if (state->step) out.Set("step", static_cast<double>(*state->step));
    Napi::Object buffers = Napi::Object::New(info.Env());
    for (const auto& [name, tensor] : state->buffers) buffers.Set(name, TensorWrap::wrap(info.Env(), tensor));
    out.Set("buffers", buffers);
    return Napi::Value(out);
  });
}

// setParamState(param, { step?, buffers })
Napi::Value OptimizerWrap::setParamState(const Napi::CallbackInfo& info) {
  NT_GUARD(info, {
    Napi::Object given = info[1].As<Napi::Object>();
    ParamState state;
    if (given.Has("step") && !given.Get("step").IsUndefined()) state.step = toInt(given.Get("step"), "step");
    Napi::Object buffers = given.Get("buffers").As<Napi::Object>();
    Napi::Array names = buffers.GetPropertyNames();
    for (uint32_t i = 0; i < names.Length(); ++i) {
      std::string name = names.Get(i).ToString();
      state.buffers[name] = TensorWrap::unwrap(buffers.Get(name), name);
    }
    nodetorch::setParamState(live(info.Env()), kind_, param(info), state);
    reportState(info.Env(), true);
  });
  return info.Env().Undefined();
}

namespace {

// clipGradNorm(params, maxNorm, normType, errorIfNonfinite) -> total norm
Napi::Value clipGradNorm(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    double norm = torch::nn::utils::clip_grad_norm_(TensorWrap::unwrapArray(info[0], "parameters"),
                                                    info[1].ToNumber().DoubleValue(), info[2].ToNumber().DoubleValue(),
                                                    info[3].ToBoolean().Value());
    return Napi::Value(Napi::Number::New(info.Env(), norm));
  });
}

// clipGradValue(params, clipValue)
Napi::Value clipGradValue(const Napi::CallbackInfo& info) {
  NT_GUARD(info, {
    torch::nn::utils::clip_grad_value_(TensorWrap::unwrapArray(info[0], "parameters"),
                                       info[1].ToNumber().DoubleValue());
  });
  return info.Env().Undefined();
}

}  // namespace

void initGradClipping(Napi::Env env, Napi::Object exports) {
  exports.Set("clipGradNorm", Napi::Function::New<clipGradNorm>(env, "clipGradNorm"));
  exports.Set("clipGradValue", Napi::Function::New<clipGradValue>(env, "clipGradValue"));
}

}  // namespace nodetorch
