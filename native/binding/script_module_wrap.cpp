#include "binding/script_module_wrap.h"

#include <c10/core/InferenceMode.h>
#include <torch/csrc/jit/passes/inliner.h>
#include <torch/csrc/jit/serialization/import.h>

#include <optional>
#include <unordered_set>

#include "binding/addon_state.h"
#include "binding/async_claim.h"
#include "binding/errors.h"
#include "binding/generic_value.h"
#include "binding/graph_ir.h"
#include "binding/js_convert.h"
#include "binding/promise_worker.h"
#include "binding/tensor_wrap.h"
#include "core/dtype.h"
#include "core/tracing.h"

namespace nodetorch {
namespace {

// The extra files torch.jit.load reads back (LibTorch fills only the names asked for).
const char* const kKnownExtraFiles[] = {"signature.json"};

// What a NativeScriptModule object is constructed from.
struct ModuleAndFiles {
  torch::jit::Module module;
  ScriptModuleWrap::ExtraFiles extraFiles;
  bool inferenceOnly;
};

// The arguments of a method call: info[first..] as IValues (tensors, numbers, lists, dicts...).
std::vector<c10::IValue> methodInputs(const Napi::CallbackInfo& info, size_t first) {
  std::vector<c10::IValue> inputs;
  for (size_t i = first; i < info.Length(); ++i) inputs.push_back(genericToIValue(info[i]));
  return inputs;
}

class LoadWorker : public PromiseWorker {
 public:
  LoadWorker(Napi::Env env, std::string path, c10::optional<c10::Device> device)
      : PromiseWorker(env, "nodetorch:jit.load"), path_(std::move(path)), device_(device) {}

 protected:
  void Compute() override {
    torch::jit::ExtraFilesMap extra;
    for (const char* name : kKnownExtraFiles) extra[name] = "";
    module_ = torch::jit::load(path_, device_, extra);
    for (auto& [name, content] : extra) {
      if (!content.empty()) extraFiles_[name] = std::move(content);
    }
  }
  Napi::Value Result(Napi::Env env) override { return ScriptModuleWrap::wrap(env, module_, std::move(extraFiles_)); }

 private:
  std::string path_;
  c10::optional<c10::Device> device_;
  torch::jit::Module module_;
  ScriptModuleWrap::ExtraFiles extraFiles_;
};

// Runs a method on the libuv thread pool. The module's parameters, buffers and the inputs are
// claimed (JS may read but not change them), and the module counts as running, which keeps to()
// and train() from changing it under the method.
class MethodWorker : public PromiseWorker {
 public:
  MethodWorker(Napi::Env env, torch::jit::Module module, std::shared_ptr<int> running, std::string method,
               std::vector<c10::IValue> inputs)
      : PromiseWorker(env, "nodetorch:jit.run"),
        module_(std::move(module)),
        running_(std::move(running)),
        method_(std::move(method)),
        inputs_(std::move(inputs)),
        claim_(env) {
    for (const auto& parameter : module_.named_parameters()) claim_.reads(parameter.value);
    for (const auto& buffer : module_.named_buffers()) claim_.reads(buffer.value);
    for (const c10::IValue& input : inputs_) claim_.reads(input);
    ++*running_;
  }
  ~MethodWorker() override { --*running_; }

 protected:
  void Compute() override { output_ = module_.get_method(method_)(std::move(inputs_)); }
  Napi::Value Result(Napi::Env env) override { return fromIValue(env, output_); }

 private:
  torch::jit::Module module_;
  std::shared_ptr<int> running_;
  std::string method_;
  std::vector<c10::IValue> inputs_;
  c10::IValue output_;
  AsyncClaim claim_;
};

// jitLoad(path, device?) -> Promise<NativeScriptModule>
Napi::Value jitLoad(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    if (!info[0].IsString()) throw Napi::TypeError::New(info.Env(), "path must be a string");
    c10::optional<c10::Device> device;
    if (info[1].IsString()) device = parseDevice(info[1].As<Napi::String>());
    return PromiseWorker::start(new LoadWorker(info.Env(), info[0].As<Napi::String>(), device));
  });
}

// The bytes of a module's parameters and buffers, each storage once.
int64_t moduleBytes(const torch::jit::Module& module) {
  std::unordered_set<const void*> seen;
  int64_t bytes = 0;
  auto count = [&](const at::Tensor& t) {
    if (t.has_storage() && seen.insert(t.storage().unsafeGetStorageImpl()).second)
      bytes += static_cast<int64_t>(t.storage().nbytes());
  };
  for (const auto& parameter : module.named_parameters()) count(parameter.value);
  for (const auto& buffer : module.named_buffers()) count(buffer.value);
  return bytes;
}

template <typename List>
Napi::Value namedTensors(Napi::Env env, const List& list) {
  Napi::Array out = Napi::Array::New(env);
  uint32_t i = 0;
  for (const auto& item : list) {
    Napi::Array pair = Napi::Array::New(env, 2);
    pair.Set(0u, item.name);
    pair.Set(1u, TensorWrap::wrap(env, item.value));
    out.Set(i++, pair);
  }
  return out;
}

}  // namespace

void ScriptModuleWrap::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function cls = DefineClass(env, "NativeScriptModule",
                                   {
                                       InstanceMethod<&ScriptModuleWrap::runMethod>("runMethod"),
                                       InstanceMethod<&ScriptModuleWrap::runMethodAsync>("runMethodAsync"),
                                       InstanceMethod<&ScriptModuleWrap::namedParameters>("namedParameters"),
                                       InstanceMethod<&ScriptModuleWrap::namedBuffers>("namedBuffers"),
                                       InstanceMethod<&ScriptModuleWrap::train>("train"),
                                       InstanceMethod<&ScriptModuleWrap::isTraining>("isTraining"),
                                       InstanceMethod<&ScriptModuleWrap::methodNames>("methodNames"),
                                       InstanceMethod<&ScriptModuleWrap::save>("save"),
                                       InstanceMethod<&ScriptModuleWrap::to>("to"),
                                       InstanceMethod<&ScriptModuleWrap::dispose>("dispose"),
                                       InstanceMethod<&ScriptModuleWrap::freeze>("freeze"),
                                       InstanceMethod<&ScriptModuleWrap::optimizeForInference>("optimizeForInference"),
                                       InstanceMethod<&ScriptModuleWrap::graphText>("graphText"),
                                       InstanceMethod<&ScriptModuleWrap::exportGraph>("exportGraph"),
                                       InstanceMethod<&ScriptModuleWrap::extraFile>("extraFile"),
                                   });
  AddonState::of(env).scriptModuleClass = Napi::Persistent(cls);
  exports.Set("jitLoad", Napi::Function::New<jitLoad>(env, "jitLoad"));
}

Napi::Object ScriptModuleWrap::wrap(Napi::Env env, torch::jit::Module module, ExtraFiles extraFiles,
                                    bool inferenceOnly) {
  auto* owned = new ModuleAndFiles{std::move(module), std::move(extraFiles), inferenceOnly};
  return AddonState::of(env).scriptModuleClass.New(
      {Napi::External<ModuleAndFiles>::New(env, owned, [](Napi::Env, ModuleAndFiles* m) { delete m; })});
}

torch::jit::Module& ScriptModuleWrap::unwrap(Napi::Value value) {
  Napi::Env env = value.Env();
  if (!value.IsObject() || !value.As<Napi::Object>().InstanceOf(AddonState::of(env).scriptModuleClass.Value()))
    throw torchError(env, "expected a TorchScript module");
  return Unwrap(value.As<Napi::Object>())->live(env);
}

ScriptModuleWrap::ScriptModuleWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ScriptModuleWrap>(info) {
  if (!info[0].IsExternal())
    throw Napi::TypeError::New(info.Env(), "script modules come from torch.jit.load() or torch.jit.trace()");
  const ModuleAndFiles& source = *info[0].As<Napi::External<ModuleAndFiles>>().Data();
  module_ = source.module;
  extraFiles_ = source.extraFiles;
  inferenceOnly_ = source.inferenceOnly;
  reportedBytes_ = moduleBytes(*module_);
  AddonState::of(info.Env()).reportExternal(info.Env(), reportedBytes_);
}

// runMethod(name, ...inputs)
Napi::Value ScriptModuleWrap::runMethod(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    std::string name = info[0].ToString();
    auto method = live(info.Env()).find_method(name);
    if (!method) throw torchError(info.Env(), "this TorchScript module has no method '" + name + "'");
    // An inference-only module's calls run in InferenceMode (async workers made here take it along).
    std::optional<c10::InferenceMode> inference;
    if (inferenceOnly_) inference.emplace(true);
    return fromIValue(info.Env(), (*method)(methodInputs(info, 1)));
  });
}

Napi::Value ScriptModuleWrap::runMethodAsync(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    std::string name = info[0].ToString();
    if (!live(info.Env()).find_method(name))
      throw torchError(info.Env(), "this TorchScript module has no method '" + name + "'");
    // An inference-only module's calls run in InferenceMode (async workers made here take it along).
    std::optional<c10::InferenceMode> inference;
    if (inferenceOnly_) inference.emplace(true);
    return PromiseWorker::start(new MethodWorker(info.Env(), live(info.Env()), running_, name, methodInputs(info, 1)));
  });
}

Napi::Value ScriptModuleWrap::namedParameters(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, { return namedTensors(info.Env(), live(info.Env()).named_parameters()); });
}

Napi::Value ScriptModuleWrap::namedBuffers(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, { return namedTensors(info.Env(), live(info.Env()).named_buffers()); });
}

ScriptModuleWrap::~ScriptModuleWrap() {
  // Possibly from a finalizer: only record the change (the next JS call reports it).
  if (reportedBytes_ == 0) return;
  if (auto* state = Env().GetInstanceData<AddonState>()) state->recordExternal(-reportedBytes_);
}

torch::jit::Module& ScriptModuleWrap::live(Napi::Env env) {
  if (!module_) throw torchError(env, "this TorchScript module has been disposed and can no longer be used");
  return *module_;
}

// dispose(): drops this wrapper's module (running async calls keep their own reference).
Napi::Value ScriptModuleWrap::dispose(const Napi::CallbackInfo& info) {
  if (!module_) return info.Env().Undefined();
  AddonState::of(info.Env()).reportExternal(info.Env(), -reportedBytes_);
  reportedBytes_ = 0;
  module_.reset();
  return info.Env().Undefined();
}

void ScriptModuleWrap::requireIdle(Napi::Env env, const char* what) const {
  if (*running_ > 0) {
    throw torchError(
        env, std::string("cannot ") + what + " this TorchScript module while an async call of it runs: await it first");
  }
}

Napi::Value ScriptModuleWrap::train(const Napi::CallbackInfo& info) {
  NT_GUARD(info, {
    requireIdle(info.Env(), "change the training mode of");
    live(info.Env()).train(info[0].ToBoolean().Value());
  });
  return info.Env().Undefined();
}

Napi::Value ScriptModuleWrap::isTraining(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), live(info.Env()).is_training());
}

Napi::Value ScriptModuleWrap::methodNames(const Napi::CallbackInfo& info) {
  Napi::Array out = Napi::Array::New(info.Env());
  uint32_t i = 0;
  for (const auto& method : live(info.Env()).get_methods()) out.Set(i++, method.name());
  return out;
}

// save(path, extraFiles?): PyTorch's TorchScript archive, loadable by torch.jit.load in Python;
// extraFiles ({ name: text }) replace the module's own by name.
Napi::Value ScriptModuleWrap::save(const Napi::CallbackInfo& info) {
  NT_GUARD(info, {
    torch::jit::ExtraFilesMap extra(extraFiles_.begin(), extraFiles_.end());
    if (info[1].IsObject()) {
      Napi::Object files = info[1].As<Napi::Object>();
      Napi::Array names = files.GetPropertyNames();
      for (uint32_t i = 0; i < names.Length(); ++i) {
        std::string name = names.Get(i).ToString();
        extra[name] = files.Get(name).ToString().Utf8Value();
      }
    }
    live(info.Env()).save(info[0].ToString().Utf8Value(), extra);
  });
  return info.Env().Undefined();
}

// extraFile(name): the text of an extra file the module was loaded or traced with, or null.
Napi::Value ScriptModuleWrap::extraFile(const Napi::CallbackInfo& info) {
  auto found = extraFiles_.find(info[0].ToString().Utf8Value());
  return found == extraFiles_.end() ? info.Env().Null() : Napi::String::New(info.Env(), found->second);
}

// freeze(preservedAttrs): torch.jit.freeze; a new module (throws on a module in training mode).
Napi::Value ScriptModuleWrap::freeze(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    std::vector<std::string> preserved;
    if (info[0].IsArray()) {
      Napi::Array names = info[0].As<Napi::Array>();
      for (uint32_t i = 0; i < names.Length(); ++i) preserved.push_back(names.Get(i).ToString());
    }
    return wrap(info.Env(), torch::jit::freeze(live(info.Env()), preserved, /*optimize_numerics=*/true), extraFiles_,
                inferenceOnly_);
  });
}

// optimizeForInference(otherMethods): freezes (when not frozen) and runs LibTorch's inference passes.
Napi::Value ScriptModuleWrap::optimizeForInference(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    std::vector<std::string> others;
    if (info[0].IsArray()) {
      Napi::Array names = info[0].As<Napi::Array>();
      for (uint32_t i = 0; i < names.Length(); ++i) others.push_back(names.Get(i).ToString());
    }
    torch::jit::Module& module = live(info.Env());
    if (module.type()->hasAttribute("training") && module.is_training())
      throw torchError(info.Env(), "optimizeForInference needs a module in eval mode: call eval() first");
    return wrap(info.Env(), torch::jit::optimize_for_inference(module, others), extraFiles_, /*inferenceOnly=*/true);
  });
}

// graphText(method, inlined): the method's TorchScript graph as text (with submodule calls inlined).
Napi::Value ScriptModuleWrap::graphText(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    std::string name = info[0].IsString() ? info[0].ToString().Utf8Value() : "forward";
    auto method = live(info.Env()).find_method(name);
    if (!method) throw torchError(info.Env(), "this TorchScript module has no method '" + name + "'");
    if (!info[1].ToBoolean()) return Napi::String::New(info.Env(), method->graph()->toString());
    auto graph = method->graph()->copy();  // inlined: submodule calls replaced by their bodies
    torch::jit::Inline(*graph);
    return Napi::String::New(info.Env(), graph->toString());
  });
}

// exportGraph(method, constantFolding): the frozen, lowered graph an exporter reads (graph_ir.h).
Napi::Value ScriptModuleWrap::exportGraph(const Napi::CallbackInfo& info) {
  return NT_GUARD(info, {
    std::string name = info[0].IsString() ? info[0].ToString().Utf8Value() : "forward";
    bool folding = info[1].IsBoolean() ? info[1].As<Napi::Boolean>().Value() : true;
    return graphToJs(info.Env(), *tracing::exportGraph(live(info.Env()), name, folding));
  });
}

// to(device or dtype): moves parameters and buffers in place.
Napi::Value ScriptModuleWrap::to(const Napi::CallbackInfo& info) {
  NT_GUARD(info, {
    requireIdle(info.Env(), "move");
    std::string target = info[0].ToString();
    if (target.rfind("cpu", 0) == 0 || target.rfind("cuda", 0) == 0) {
      live(info.Env()).to(parseDevice(target));
    } else {
      live(info.Env()).to(parseDtype(target));
    }
  });
  return info.Env().Undefined();
}

}  // namespace nodetorch
