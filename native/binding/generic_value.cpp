#include "binding/generic_value.h"

#include <cmath>
#include <string>

#include "binding/errors.h"
#include "binding/js_convert.h"
#include "binding/script_object_wrap.h"
#include "binding/tensor_wrap.h"

namespace nodetorch {
namespace {

constexpr int kMaxDepth = 64;  // nesting deeper than this is almost surely a cycle

c10::IValue convert(Napi::Value value, int depth, const std::string& path) {
  if (depth > kMaxDepth)
    throw torchError(value.Env(), "cannot pass " + path + ": nested more than 64 levels (a cycle?)");
  if (value.IsNull() || value.IsUndefined()) return c10::IValue();
  if (value.IsBoolean()) return value.As<Napi::Boolean>().Value();
  if (value.IsNumber()) {
    double number = value.As<Napi::Number>().DoubleValue();
    if (std::isfinite(number) && number == std::trunc(number) && std::fabs(number) < 9007199254740992.0) {
      return static_cast<int64_t>(number);
    }
    return number;
  }
  if (value.IsBigInt()) return toInt(value, path);
  if (value.IsString()) return value.As<Napi::String>().Utf8Value();
  if (TensorWrap::isTensor(value)) return TensorWrap::unwrap(value, path);
  if (ScriptObjectWrap::isScriptObject(value)) return ScriptObjectWrap::unwrap(value);
  if (value.IsArray()) {
    Napi::Array array = value.As<Napi::Array>();
    c10::impl::GenericList list(c10::AnyType::get());
    list.reserve(array.Length());
    for (uint32_t i = 0; i < array.Length(); ++i)
      list.push_back(convert(array[i], depth + 1, path + "[" + std::to_string(i) + "]"));
    return list;
  }
  if (value.IsObject() && !value.IsFunction() && !value.IsTypedArray() && !value.IsArrayBuffer()) {
    Napi::Object object = value.As<Napi::Object>();
    c10::impl::GenericDict dict(c10::StringType::get(), c10::AnyType::get());
    Napi::Array keys = object.GetPropertyNames();
    for (uint32_t i = 0; i < keys.Length(); ++i) {
      std::string key = keys.Get(i).ToString().Utf8Value();
      dict.insert(key, convert(object.Get(key), depth + 1, path + "." + key));
    }
    return dict;
  }
  throw torchError(value.Env(),
                   "cannot pass " + path + ": " + describeJsValue(value) +
                       " (tensors, numbers, strings, booleans, null, arrays and plain objects can be passed)");
}

}  // namespace

c10::IValue genericToIValue(Napi::Value value) { return convert(value, 0, "value"); }

}  // namespace nodetorch
