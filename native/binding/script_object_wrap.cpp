#include "binding/script_object_wrap.h"

#include "binding/addon_state.h"
#include "binding/errors.h"
#include "binding/js_convert.h"

namespace nodetorch {

void ScriptObjectWrap::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function cls =
      DefineClass(env, "NativeScriptObject", {InstanceMethod<&ScriptObjectWrap::typeName>("typeName")});
  AddonState::of(env).scriptObjectClass = Napi::Persistent(cls);
  exports.Set("NativeScriptObject", cls);
}

Napi::Object ScriptObjectWrap::wrap(Napi::Env env, c10::IValue object) {
  auto* owned = new c10::IValue(std::move(object));
  return AddonState::of(env).scriptObjectClass.New(
      {Napi::External<c10::IValue>::New(env, owned, [](Napi::Env, c10::IValue* v) { delete v; })});
}

bool ScriptObjectWrap::isScriptObject(Napi::Value value) {
  return value.IsObject() && value.As<Napi::Object>().InstanceOf(AddonState::of(value.Env()).scriptObjectClass.Value());
}

c10::IValue ScriptObjectWrap::unwrap(Napi::Value value) { return Unwrap(value.As<Napi::Object>())->object_; }

c10::IValue ScriptObjectWrap::unwrap(Napi::Value value, const c10::TypePtr& expected, const std::string& what) {
  if (!isScriptObject(value)) {
    throw Napi::TypeError::New(value.Env(),
                               what + ": expected a " + expected->str() + " object, got " + describeJsValue(value));
  }
  c10::IValue object = unwrap(value);
  if (!object.type()->isSubtypeOf(*expected)) {
    throw Napi::TypeError::New(value.Env(),
                               what + ": expected a " + expected->str() + " object, got a " + object.type()->str());
  }
  return object;
}

ScriptObjectWrap::ScriptObjectWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ScriptObjectWrap>(info) {
  if (!info[0].IsExternal()) throw Napi::TypeError::New(info.Env(), "script objects come from ops that return them");
  object_ = *info[0].As<Napi::External<c10::IValue>>().Data();
}

// typeName(): the TorchScript class, e.g. __torch__.torch.classes.quantized.LinearPackedParamsBase.
Napi::Value ScriptObjectWrap::typeName(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), object_.type()->str());
}

}  // namespace nodetorch
