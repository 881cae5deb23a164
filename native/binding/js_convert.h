// Conversions between JS values and LibTorch values (IValues by schema, Scalars, index lists).
#pragma once
#include <ATen/TensorIndexing.h>
#include <ATen/core/function_schema.h>
#include <ATen/core/ivalue.h>

#include <string>
#include <vector>

#include "binding/node_api.h"

namespace nodetorch {

/**
 * Names a parameter in error messages: "shape", or "aten::add.Tensor: argument 'other'", with an
 * optional list index. The text is built only when an error needs it (calls are hot); the strings
 * it points to must outlive it, which holds for the full expression of a call.
 */
class Param {
 public:
  Param(const char* name) : name_(name) {}                 // NOLINT(google-explicit-constructor)
  Param(const std::string& name) : name_(name.c_str()) {}  // NOLINT(google-explicit-constructor)
  Param(const std::string& op, const std::string& argument) : op_(&op), name_(argument.c_str()) {}
  /** The same parameter's element `index`. */
  Param at(size_t index) const {
    Param element = *this;
    element.index_ = static_cast<int64_t>(index);
    return element;
  }
  std::string str() const;

 private:
  const std::string* op_ = nullptr;
  const char* name_;
  int64_t index_ = -1;
};

/** "a string", "an array", "undefined", ... for error messages. */
std::string describeJsValue(Napi::Value value);
Napi::Array intList(Napi::Env env, c10::IntArrayRef values);
Napi::Value scalarToJs(Napi::Env env, const c10::Scalar& scalar);
/** A number, boolean or bigint as a Scalar (integers stay integral, like Python ints). */
c10::Scalar toScalar(Napi::Value value, const Param& param);
int64_t toInt(Napi::Value value, const Param& param);
std::vector<int64_t> toIntVector(Napi::Value value, const Param& param);
/** SymInt keeps its symbolic values in the most negative int64s: a plain int there would be read as one. */
void requireSymIntRange(c10::ArrayRef<int64_t> values, const Napi::Env& env, const Param& param);
/** Items of t.index(...): number, null (new axis), '...', boolean, Tensor, int array, {start, stop, step}. */
std::vector<at::indexing::TensorIndex> toTensorIndices(Napi::Value value, const Param& param);

/** A JS value as the IValue `argument` of `op` expects; undefined takes the schema default. */
c10::IValue toIValue(Napi::Value value, const c10::Argument& argument, const std::string& op);
/** An operator output as JS: Tensor, array for tuples and lists, number, boolean, string or null. */
Napi::Value fromIValue(Napi::Env env, const c10::IValue& value);

}  // namespace nodetorch
