#include "binding/jit_trace_binding.h"

#include <string>
#include <vector>

#include "binding/errors.h"
#include "binding/js_convert.h"
#include "binding/script_module_wrap.h"
#include "binding/script_object_wrap.h"
#include "binding/tensor_wrap.h"
#include "core/tracing.h"

namespace nodetorch {
namespace {

constexpr int kMaxDepth = 64;

std::vector<std::pair<std::string, at::Tensor>> namedTensors(Napi::Value list, const std::string& what) {
  std::vector<std::pair<std::string, at::Tensor>> out;
  if (!list.IsArray()) return out;
  Napi::Array pairs = list.As<Napi::Array>();
  for (uint32_t i = 0; i < pairs.Length(); ++i) {
    Napi::Array pair = pairs.Get(i).As<Napi::Array>();
    std::string name = pair.Get(0u).ToString();
    out.emplace_back(name, TensorWrap::unwrap(pair.Get(1u), what + " " + name));
  }
  return out;
}

// { className, training, parameters: [[name, tensor]], buffers: [...], children: [[name, spec]] }
tracing::ModuleSpec readSpec(Napi::Value value, int depth) {
  if (depth > kMaxDepth || !value.IsObject()) throw torchError(value.Env(), "invalid module tree for torch.jit.trace");
  Napi::Object object = value.As<Napi::Object>();
  tracing::ModuleSpec spec;
  spec.className = object.Get("className").ToString();
  spec.training = object.Get("training").ToBoolean();
  spec.parameters = namedTensors(object.Get("parameters"), "parameter");
  spec.buffers = namedTensors(object.Get("buffers"), "buffer");
  Napi::Value objects = object.Get("objects");
  if (objects.IsArray()) {
    Napi::Array pairs = objects.As<Napi::Array>();
    for (uint32_t i = 0; i < pairs.Length(); ++i) {
      Napi::Array pair = pairs.Get(i).As<Napi::Array>();
      std::string name = pair.Get(0u).ToString();
      if (!ScriptObjectWrap::isScriptObject(pair.Get(1u)))
        throw torchError(value.Env(), "module attribute " + name + " is not a TorchScript object");
      spec.objects.emplace_back(name, ScriptObjectWrap::unwrap(pair.Get(1u)));
    }
  }
  Napi::Value children = object.Get("children");
  if (children.IsArray()) {
    Napi::Array pairs = children.As<Napi::Array>();
    for (uint32_t i = 0; i < pairs.Length(); ++i) {
      Napi::Array pair = pairs.Get(i).As<Napi::Array>();
      spec.children.emplace_back(pair.Get(0u).ToString(), readSpec(pair.Get(1u), depth + 1));
    }
  }
  return spec;
}

// Trace inputs and outputs: tensors, arrays of them (TorchScript tuples) and plain objects (dicts).
c10::IValue toTraced(Napi::Value value, int depth, const std::string& path) {
  Napi::Env env = value.Env();
  if (depth > kMaxDepth) throw torchError(env, path + " is nested more than 64 levels (a cycle?)");
  if (TensorWrap::isTensor(value)) return TensorWrap::unwrap(value, path);
  if (value.IsArray()) {
    Napi::Array array = value.As<Napi::Array>();
    std::vector<c10::IValue> items;
    for (uint32_t i = 0; i < array.Length(); ++i)
      items.push_back(toTraced(array.Get(i), depth + 1, path + "[" + std::to_string(i) + "]"));
    return c10::ivalue::Tuple::create(std::move(items));
  }
  if (value.IsObject() && !value.IsFunction() && !value.IsTypedArray() && !value.IsPromise()) {
    Napi::Object object = value.As<Napi::Object>();
    Napi::Array keys = object.GetPropertyNames();
    if (keys.Length() > 0) {
      std::string first = keys.Get(0u).ToString();
      c10::IValue sample = toTraced(object.Get(first), depth + 1, path + "." + first);
      c10::impl::GenericDict dict(c10::StringType::get(), sample.type());
      for (uint32_t i = 0; i < keys.Length(); ++i) {
        std::string key = keys.Get(i).ToString();
        dict.insert(key, i == 0 ? sample : toTraced(object.Get(key), depth + 1, path + "." + key));
      }
      return dict;
    }
  }
  if (value.IsPromise()) {
    throw torchError(env, path +
                              " is a Promise: torch.jit.trace records synchronous calls only (the trace state belongs "
                              "to the calling thread), so trace a function that does not await");
  }
  throw torchError(env, path + " is " + describeJsValue(value) +
                            ": a traced function takes and returns tensors, arrays of tensors or objects of them");
}

// jitTrace(tree, methods: [{ name, fn, inputs, argumentNames }], { strict })
//   -> { module, outputs: [one per method], warnings: string[] }
Napi::Value jitTrace(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return NT_GUARD(info, {
    torch::jit::Module module = tracing::buildModule(readSpec(info[0], 0));
    Napi::Array methods = info[1].As<Napi::Array>();
    bool strict = !info[2].IsObject() || info[2].As<Napi::Object>().Get("strict").ToBoolean();
    Napi::Array outputs = Napi::Array::New(env);
    Napi::Array warnings = Napi::Array::New(env);
    tracing::takeWarnings();  // start clean
    for (uint32_t m = 0; m < methods.Length(); ++m) {
      Napi::Object method = methods.Get(m).As<Napi::Object>();
      std::string name = method.Get("name").ToString();
      Napi::Function fn = method.Get("fn").As<Napi::Function>();
      Napi::Array inputs = method.Get("inputs").As<Napi::Array>();
      c10::Stack stack;
      std::vector<std::string> argumentNames;
      Napi::Array names = method.Get("argumentNames").As<Napi::Array>();
      for (uint32_t i = 0; i < inputs.Length(); ++i) {
        stack.push_back(toTraced(inputs.Get(i), 0, "input " + std::to_string(i)));
        argumentNames.push_back(names.Get(i).ToString());
      }
      Napi::Value result;
      auto call = [&](c10::Stack traced) -> c10::Stack {
        std::vector<napi_value> args;
        for (const c10::IValue& input : traced) args.push_back(fromIValue(env, input));
        result = fn.Call(args);
        return {toTraced(result, 0, "the traced function's result")};
      };
      try {
        tracing::traceMethod(module, name, std::move(stack), call, strict, argumentNames);
      } catch (...) {
        tracing::takeWarnings();
        throw;
      }
      outputs.Set(m, result);
      for (const std::string& warning : tracing::takeWarnings()) warnings.Set(warnings.Length(), warning);
      for (const std::string& warning : tracing::capturedTensorWarnings(*module.get_method(name).graph()))
        warnings.Set(warnings.Length(), warning);
    }
    Napi::Object out = Napi::Object::New(env);
    out.Set("module", ScriptModuleWrap::wrap(env, module));
    out.Set("outputs", outputs);
    out.Set("warnings", warnings);
    return out;
  });
}

Napi::Value jitTracePushScope(const Napi::CallbackInfo& info) {
  tracing::pushScope(info[0].ToString());
  return info.Env().Undefined();
}

Napi::Value jitTracePopScope(const Napi::CallbackInfo& info) {
  tracing::popScope();
  return info.Env().Undefined();
}

Napi::Value jitIsTracing(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), tracing::isTracing());
}

}  // namespace

void initJitTrace(Napi::Env env, Napi::Object exports) {
  exports.Set("jitTrace", Napi::Function::New<jitTrace>(env, "jitTrace"));
  exports.Set("jitTracePushScope", Napi::Function::New<jitTracePushScope>(env, "jitTracePushScope"));
  exports.Set("jitTracePopScope", Napi::Function::New<jitTracePopScope>(env, "jitTracePopScope"));
  exports.Set("jitIsTracing", Napi::Function::New<jitIsTracing>(env, "jitIsTracing"));
}

}  // namespace nodetorch
