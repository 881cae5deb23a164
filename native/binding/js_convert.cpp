#include "binding/js_convert.h"

#include <ATen/ATen.h>
#include <ATen/ScalarOps.h>
#include <ATen/core/jit_type.h>

#include <cmath>

#include "binding/errors.h"
#include "binding/script_object_wrap.h"
#include "binding/tensor_wrap.h"
#include "core/dtype.h"

namespace nodetorch {
namespace {

using c10::TypeKind;

[[noreturn]] void typeError(Napi::Env env, const std::string& message) { throw Napi::TypeError::New(env, message); }

bool isNullish(Napi::Value value) { return value.IsNull() || value.IsUndefined(); }

std::string toStringArg(Napi::Value value, const Param& param) {
  if (!value.IsString()) typeError(value.Env(), param.str() + " must be a string, got " + describeJsValue(value));
  return value.As<Napi::String>().Utf8Value();
}

double toDouble(Napi::Value value, const Param& param) {
  if (value.IsNumber()) return value.As<Napi::Number>().DoubleValue();
  if (value.IsBoolean()) return value.As<Napi::Boolean>().Value() ? 1.0 : 0.0;
  typeError(value.Env(), param.str() + " must be a number, got " + describeJsValue(value));
}

bool toBool(Napi::Value value, const Param& param) {
  if (!value.IsBoolean()) typeError(value.Env(), param.str() + " must be a boolean, got " + describeJsValue(value));
  return value.As<Napi::Boolean>().Value();
}

// Parses a string naming a dtype, device, layout or memory format, reporting the parameter on failure.
template <typename Parse>
auto parseNamed(Napi::Value value, const Param& param, Parse parse) {
  std::string text = toStringArg(value, param);
  try {
    return parse(text);
  } catch (const std::invalid_argument& error) {
    throw torchError(value.Env(), param.str() + ": " + error.what());
  } catch (const c10::Error& error) {
    throw torchError(value.Env(), param.str() + ": " + error.what_without_backtrace());
  }
}

bool isWritten(const c10::Argument* argument) {
  return argument && argument->alias_info() && argument->alias_info()->isWrite();
}

at::Tensor tensorArg(Napi::Value value, const Param& param, bool written = false) {
  if (value.IsObject()) return TensorWrap::unwrap(value, param);  // throws unless it is one of ours
  // An argument the op writes (out=, self of an in-place op) must be the caller's own tensor.
  if (written)
    typeError(value.Env(), param.str() + " must be a Tensor (the op writes it), got " + describeJsValue(value));
  if (value.IsNumber() || value.IsBoolean() || value.IsBigInt()) {
    // Like a Python number: promotes as a "wrapped number", not as a 0-dim tensor of its own dtype.
    at::Tensor wrapped = c10::scalar_to_tensor(toScalar(value, param));
    wrapped.unsafeGetTensorImpl()->set_wrapped_number(true);
    return wrapped;
  }
  typeError(value.Env(), param.str() + " must be a Tensor or a number, got " + describeJsValue(value));
}

Napi::Array requireArray(Napi::Value value, const Param& param) {
  if (!value.IsArray()) typeError(value.Env(), param.str() + " must be an array, got " + describeJsValue(value));
  return value.As<Napi::Array>();
}

// An int[N] argument (N >= 2) gets N values: one value stands for all N (as a single int does),
// and none is allowed where the schema's default is the empty list (pooling's stride=[]). Kernels
// index such lists without checking their length. int[1] takes any length, as in Python
// (sum's dim=[0, 1]); bool[N] needs exactly N.
void fitFixedLength(std::vector<int64_t>& ints, const c10::Argument* argument, const Napi::Env& env,
                    const Param& param) {
  if (!argument || !argument->N() || *argument->N() < 2) return;
  auto n = static_cast<size_t>(*argument->N());
  if (ints.size() == 1) ints.assign(n, ints[0]);
  bool emptyDefault = argument->default_value() && argument->default_value()->isList() &&
                      argument->default_value()->toListRef().empty();
  if (ints.size() == n || (ints.empty() && emptyDefault)) return;
  throw Napi::TypeError::New(
      env, param.str() + " must have " + std::to_string(n) + " values, got " + std::to_string(ints.size()));
}

void requireFixedLength(size_t length, const c10::Argument* argument, const Napi::Env& env, const Param& param) {
  if (!argument || !argument->N() || length == static_cast<size_t>(*argument->N())) return;
  throw Napi::TypeError::New(
      env, param.str() + " must have " + std::to_string(*argument->N()) + " values, got " + std::to_string(length));
}

c10::IValue listToIValue(Napi::Value value, const c10::ListType& list, const c10::Argument* argument,
                         const Param& param) {
  const c10::TypePtr& element = list.getElementType();
  switch (element->kind()) {
    case TypeKind::IntType:
    case TypeKind::SymIntType: {
      // Python lets a single int stand for an int[N] (kernel_size=3 means (3, 3)).
      std::vector<int64_t> ints;
      if (value.IsNumber() || value.IsBigInt()) {
        int64_t n = argument && argument->N() ? *argument->N() : 1;
        ints.assign(static_cast<size_t>(n), toInt(value, param));
      } else {
        ints = toIntVector(value, param);
      }
      if (element->kind() == TypeKind::SymIntType) requireSymIntRange(ints, value.Env(), param);
      fitFixedLength(ints, argument, value.Env(), param);
      return c10::IValue(std::move(ints));
    }
    case TypeKind::FloatType: {
      if (value.IsNumber()) return c10::IValue(std::vector<double>{toDouble(value, param)});
      Napi::Array array = requireArray(value, param);
      std::vector<double> out;
      for (uint32_t i = 0; i < array.Length(); ++i) out.push_back(toDouble(array[i], param.at(i)));
      return c10::IValue(out);
    }
    case TypeKind::BoolType: {
      Napi::Array array = requireArray(value, param);
      c10::List<bool> out;
      for (uint32_t i = 0; i < array.Length(); ++i) out.push_back(toBool(array[i], param.at(i)));
      requireFixedLength(out.size(), argument, value.Env(), param);
      return c10::IValue(out);
    }
    case TypeKind::TensorType: {
      Napi::Array array = requireArray(value, param);
      c10::List<at::Tensor> out;
      for (uint32_t i = 0; i < array.Length(); ++i)
        out.push_back(tensorArg(array[i], param.at(i), isWritten(argument)));
      return c10::IValue(out);
    }
    case TypeKind::OptionalType: {
      Napi::Array array = requireArray(value, param);
      c10::List<c10::optional<at::Tensor>> out;
      for (uint32_t i = 0; i < array.Length(); ++i) {
        Napi::Value item = array[i];
        if (isNullish(item)) {
          out.push_back(c10::nullopt);
        } else {
          out.push_back(tensorArg(item, param.at(i)));
        }
      }
      return c10::IValue(out);
    }
    case TypeKind::ClassType: {
      // Lists of TorchScript objects, such as the packed cell parameters of quantized::quantized_lstm.
      Napi::Array array = requireArray(value, param);
      c10::impl::GenericList out(element);
      for (uint32_t i = 0; i < array.Length(); ++i)
        out.push_back(ScriptObjectWrap::unwrap(array[i], element, param.at(i).str()));
      return c10::IValue(out);
    }
    default:
      throw torchError(value.Env(),
                       param.str() + ": lists of " + element->str() + " are not supported from JavaScript");
  }
}

c10::IValue convert(Napi::Value value, const c10::TypePtr& type, const c10::Argument* argument, const Param& param) {
  switch (type->kind()) {
    case TypeKind::OptionalType:
      if (isNullish(value)) return c10::IValue();
      return convert(value, type->expectRef<c10::OptionalType>().getElementType(), argument, param);
    case TypeKind::TensorType: return tensorArg(value, param, isWritten(argument));
    case TypeKind::IntType: return toInt(value, param);
    case TypeKind::SymIntType: {
      int64_t n = toInt(value, param);
      requireSymIntRange({n}, value.Env(), param);
      return n;
    }
    case TypeKind::FloatType: return toDouble(value, param);
    case TypeKind::BoolType: return toBool(value, param);
    case TypeKind::NumberType: return toScalar(value, param);
    case TypeKind::StringType: return toStringArg(value, param);
    case TypeKind::ScalarTypeType: return parseNamed(value, param, parseDtype);
    case TypeKind::LayoutType: return parseNamed(value, param, parseLayout);
    case TypeKind::MemoryFormatType: return parseNamed(value, param, parseMemoryFormat);
    case TypeKind::DeviceObjType: return parseNamed(value, param, parseDevice);
    case TypeKind::ListType: return listToIValue(value, type->expectRef<c10::ListType>(), argument, param);
    case TypeKind::ClassType: return ScriptObjectWrap::unwrap(value, type, param.str());
    case TypeKind::GeneratorType:
      typeError(value.Env(),
                param.str() + ": custom generators are not supported; pass null and seed with torch.manualSeed");
    default:
      throw torchError(value.Env(),
                       param.str() + ": values of type " + type->str() + " are not supported from JavaScript");
  }
}

}  // namespace

std::string Param::str() const {
  std::string text = op_ ? *op_ + ": argument '" + name_ + "'" : std::string(name_);
  return index_ >= 0 ? text + "[" + std::to_string(index_) + "]" : text;
}

std::string describeJsValue(Napi::Value value) {
  switch (value.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "a boolean";
    case napi_number: return "a number";
    case napi_string: return "a string";
    case napi_symbol: return "a symbol";
    case napi_function: return "a function";
    case napi_bigint: return "a bigint";
    case napi_external: return "an external";
    default:
      if (value.IsArray()) return "an array";
      if (value.IsTypedArray()) return "a typed array";
      if (TensorWrap::isTensor(value)) return "a Tensor";
      return "an object";
  }
}

Napi::Array intList(Napi::Env env, c10::IntArrayRef values) {
  Napi::Array array = Napi::Array::New(env, values.size());
  for (size_t i = 0; i < values.size(); ++i) array.Set(static_cast<uint32_t>(i), static_cast<double>(values[i]));
  return array;
}

Napi::Value scalarToJs(Napi::Env env, const c10::Scalar& scalar) {
  if (scalar.isBoolean()) return Napi::Boolean::New(env, scalar.toBool());
  if (scalar.isIntegral(false)) return Napi::Number::New(env, static_cast<double>(scalar.toLong()));
  if (scalar.isFloatingPoint()) return Napi::Number::New(env, scalar.toDouble());
  throw torchError(env, "complex values cannot be returned as a JS number; use toTypedArray()");
}

c10::Scalar toScalar(Napi::Value value, const Param& param) {
  if (value.IsBoolean()) return c10::Scalar(value.As<Napi::Boolean>().Value());
  if (value.IsBigInt()) return c10::Scalar(toInt(value, param));
  if (value.IsNumber()) {
    double number = value.As<Napi::Number>().DoubleValue();
    if (std::isfinite(number) && number == std::trunc(number) && std::fabs(number) < 9007199254740992.0) {
      return c10::Scalar(static_cast<int64_t>(number));
    }
    return c10::Scalar(number);
  }
  typeError(value.Env(), param.str() + " must be a number, boolean or bigint, got " + describeJsValue(value));
}

int64_t toInt(Napi::Value value, const Param& param) {
  if (value.IsBigInt()) {
    bool lossless = true;
    int64_t result = value.As<Napi::BigInt>().Int64Value(&lossless);
    if (!lossless) typeError(value.Env(), param.str() + " does not fit in int64");
    return result;
  }
  if (value.IsNumber()) {
    double number = value.As<Napi::Number>().DoubleValue();
    if (!std::isfinite(number) || number != std::trunc(number)) {
      typeError(value.Env(), param.str() + " must be an integer, got " + value.ToString().Utf8Value());
    }
    if (std::fabs(number) > 9223372036854775807.0) typeError(value.Env(), param.str() + " does not fit in int64");
    return static_cast<int64_t>(number);
  }
  typeError(value.Env(), param.str() + " must be an integer, got " + describeJsValue(value));
}

void requireSymIntRange(c10::ArrayRef<int64_t> values, const Napi::Env& env, const Param& param) {
  constexpr int64_t lowest = -(int64_t(1) << 62);
  for (int64_t value : values) {
    if (value < lowest) {
      throw Napi::TypeError::New(env, param.str() + ": " + std::to_string(value) +
                                          " is out of range (LibTorch keeps symbolic sizes below -2^62)");
    }
  }
}

std::vector<int64_t> toIntVector(Napi::Value value, const Param& param) {
  Napi::Array array = requireArray(value, param);
  std::vector<int64_t> out(array.Length());
  for (uint32_t i = 0; i < array.Length(); ++i) out[i] = toInt(array[i], param.at(i));
  return out;
}

std::vector<at::indexing::TensorIndex> toTensorIndices(Napi::Value value, const Param& param) {
  using namespace at::indexing;
  Napi::Array items = requireArray(value, param);
  std::vector<TensorIndex> indices;
  indices.reserve(items.Length());
  for (uint32_t i = 0; i < items.Length(); ++i) {
    Napi::Value item = items[i];
    std::string name = "index " + std::to_string(i);
    if (item.IsNumber() || item.IsBigInt()) {
      indices.emplace_back(toInt(item, name));
    } else if (item.IsNull()) {
      indices.emplace_back(None);
    } else if (item.IsString()) {
      std::string text = item.As<Napi::String>().Utf8Value();
      if (text != "...") typeError(item.Env(), name + " must be '...' when a string, got '" + text + "'");
      indices.emplace_back(Ellipsis);
    } else if (item.IsBoolean()) {
      indices.emplace_back(item.As<Napi::Boolean>().Value());
    } else if (TensorWrap::isTensor(item)) {
      indices.emplace_back(TensorWrap::unwrap(item, name));
    } else if (item.IsArray()) {
      indices.emplace_back(at::tensor(toIntVector(item, name), at::kLong));
    } else if (item.IsObject()) {
      Napi::Object slice = item.As<Napi::Object>();
      auto bound = [&](const char* key) -> c10::optional<int64_t> {
        Napi::Value v = slice.Get(key);
        if (isNullish(v)) return c10::nullopt;
        return toInt(v, name + "." + key);
      };
      indices.emplace_back(Slice(bound("start"), bound("stop"), bound("step")));
    } else {
      typeError(item.Env(), name +
                                " must be a number, null, '...', a boolean, a Tensor, an integer array or a "
                                "slice, got " +
                                describeJsValue(item));
    }
  }
  return indices;
}

c10::IValue toIValue(Napi::Value value, const c10::Argument& argument, const std::string& op) {
  if (value.IsUndefined()) {
    if (argument.default_value()) return *argument.default_value();
    if (argument.type()->kind() == TypeKind::OptionalType) return c10::IValue();
    typeError(value.Env(), op + ": missing required argument '" + argument.name() + "'");
  }
  return convert(value, argument.real_type(), &argument, Param(op, argument.name()));
}

Napi::Value fromIValue(Napi::Env env, const c10::IValue& value) {
  if (value.isTensor()) {
    const at::Tensor& tensor = value.toTensor();
    return tensor.defined() ? Napi::Value(TensorWrap::wrap(env, tensor)) : env.Null();
  }
  if (value.isNone()) return env.Null();
  if (value.isInt()) return Napi::Number::New(env, static_cast<double>(value.toInt()));
  if (value.isDouble()) return Napi::Number::New(env, value.toDouble());
  if (value.isBool()) return Napi::Boolean::New(env, value.toBool());
  if (value.isString()) return Napi::String::New(env, value.toStringRef());
  if (value.isDevice()) return Napi::String::New(env, deviceName(value.toDevice()));
  if (value.isTuple() || value.isList()) {
    std::vector<c10::IValue> items;
    if (value.isTuple()) {
      const auto& elements = value.toTupleRef().elements();
      items.assign(elements.begin(), elements.end());
    } else {
      for (const c10::IValue& item : value.toListRef()) items.push_back(item);
    }
    Napi::Array array = Napi::Array::New(env, items.size());
    for (size_t i = 0; i < items.size(); ++i) array.Set(static_cast<uint32_t>(i), fromIValue(env, items[i]));
    return array;
  }
  if (value.isGenericDict()) {
    // TorchScript dicts: string keys become an object, other keys a Map.
    auto dict = value.toGenericDict();
    bool stringKeys = true;
    for (const auto& entry : dict) stringKeys = stringKeys && entry.key().isString();
    if (stringKeys) {
      Napi::Object object = Napi::Object::New(env);
      for (const auto& entry : dict) object.Set(entry.key().toStringRef(), fromIValue(env, entry.value()));
      return object;
    }
    Napi::Object map = env.Global().Get("Map").As<Napi::Function>().New({});
    Napi::Function set = map.Get("set").As<Napi::Function>();
    for (const auto& entry : dict) set.Call(map, {fromIValue(env, entry.key()), fromIValue(env, entry.value())});
    return map;
  }
  if (value.isObject() || value.isCapsule()) return ScriptObjectWrap::wrap(env, value);
  throw torchError(env, "cannot return a value of type " + value.tagKind() + " to JavaScript");
}

}  // namespace nodetorch
