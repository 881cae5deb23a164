// NativeScriptObject: an opaque TorchScript object (a custom-class instance such as the packed
// weights quantized::linear_prepack returns) that JS can hold and pass back to ops and traces.
#pragma once
#include <ATen/core/ivalue.h>

#include <string>

#include "binding/node_api.h"

namespace nodetorch {

class ScriptObjectWrap : public Napi::ObjectWrap<ScriptObjectWrap> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  static Napi::Object wrap(Napi::Env env, c10::IValue object);
  static bool isScriptObject(Napi::Value value);
  /** The object, checked against the type an op or attribute expects (a TypeError naming `what` otherwise). */
  static c10::IValue unwrap(Napi::Value value, const c10::TypePtr& expected, const std::string& what);
  /** The object, unchecked (its own type goes along). */
  static c10::IValue unwrap(Napi::Value value);
  explicit ScriptObjectWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value typeName(const Napi::CallbackInfo& info);
  c10::IValue object_;
};

}  // namespace nodetorch
