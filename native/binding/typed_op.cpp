#include "binding/typed_op.h"

#include <optional>
#include <variant>
#include <vector>

#include "binding/js_convert.h"
#include "binding/tensor_wrap.h"

namespace nodetorch {
namespace {

using T = const at::Tensor&;
using S = const at::Scalar&;
// The shapes covered, named by their arguments in schema order: T Tensor, S Scalar.
using ShapeT = at::Tensor(T);
using ShapeTT = at::Tensor(T, T);
using ShapeTTS = at::Tensor(T, T, S);
using ShapeTS = at::Tensor(T, S);
using ShapeTSS = at::Tensor(T, S, S);
using AnyHandle = std::variant<c10::TypedOperatorHandle<ShapeT>, c10::TypedOperatorHandle<ShapeTT>,
                               c10::TypedOperatorHandle<ShapeTTS>, c10::TypedOperatorHandle<ShapeTS>,
                               c10::TypedOperatorHandle<ShapeTSS>>;

// "TTS" for (Tensor self, Tensor other, *, Scalar alpha=1), or "" when an argument is of another kind.
std::string shapeOf(const c10::FunctionSchema& schema) {
  std::string shape;
  for (const auto& argument : schema.arguments()) {
    auto kind = argument.type()->kind();
    if (kind == c10::TypeKind::TensorType) {
      shape += 'T';
    } else if (kind == c10::TypeKind::NumberType) {
      shape += 'S';
    } else {
      return "";
    }
  }
  return shape;
}

template <typename Signature>
std::optional<AnyHandle> typedHandle(const c10::OperatorHandle& op) {
  try {
    return AnyHandle(op.typed<Signature>());
  } catch (const c10::Error&) {
    return std::nullopt;  // its kernels were registered with another C++ signature
  }
}

}  // namespace

class TypedOp {
 public:
  TypedOp(AnyHandle handle, const c10::FunctionSchema& schema) : handle_(std::move(handle)) {
    for (const auto& argument : schema.arguments()) {
      tensor_.push_back(argument.type()->kind() == c10::TypeKind::TensorType);
      names_.push_back(argument.name());
      const auto& value = argument.default_value();
      defaults_.push_back(value && value->isScalar() ? std::optional<at::Scalar>(value->toScalar()) : std::nullopt);
    }
  }

  /** Converts the arguments; false when they need the boxed path (only when `handles` is false). */
  template <bool handles>
  bool call(const Napi::CallbackInfo& info, size_t first, const std::string& displayName, at::Tensor& result) const {
    size_t given = info.Length() > first ? info.Length() - first : 0;
    if (given > tensor_.size()) {
      if (handles) {
        throw Napi::TypeError::New(info.Env(), displayName + " takes at most " + std::to_string(tensor_.size()) +
                                                   " arguments, got " + std::to_string(given));
      }
      return false;
    }
    // Copies, not references: they keep the tensors alive whatever the collector does meanwhile.
    at::Tensor tensors[2];
    at::Scalar scalars[2];
    size_t tensorCount = 0;
    size_t scalarCount = 0;
    for (size_t i = 0; i < tensor_.size(); ++i) {
      Napi::Value value = info[first + i];  // undefined past the end
      Param param(displayName, names_[i]);
      if (tensor_[i]) {
        if (handles) {
          tensors[tensorCount++] = TensorWrap::fromHandle(value, param);
        } else if (value.IsObject()) {
          tensors[tensorCount++] = TensorWrap::unwrap(value, param);
        } else {
          return false;  // a number promotes as a wrapped scalar: the boxed path does that
        }
      } else if (!value.IsUndefined()) {
        scalars[scalarCount++] = toScalar(value, param);
      } else if (defaults_[i]) {
        scalars[scalarCount++] = *defaults_[i];
      } else if (handles) {
        throw Napi::TypeError::New(info.Env(), displayName + ": missing required argument '" + names_[i] + "'");
      } else {
        return false;
      }
    }
    result = std::visit(
        [&](const auto& handle) -> at::Tensor {
          using Handle = std::decay_t<decltype(handle)>;
          if constexpr (std::is_same_v<Handle, c10::TypedOperatorHandle<ShapeT>>) {
            return handle.call(tensors[0]);
          } else if constexpr (std::is_same_v<Handle, c10::TypedOperatorHandle<ShapeTT>>) {
            return handle.call(tensors[0], tensors[1]);
          } else if constexpr (std::is_same_v<Handle, c10::TypedOperatorHandle<ShapeTTS>>) {
            return handle.call(tensors[0], tensors[1], scalars[0]);
          } else if constexpr (std::is_same_v<Handle, c10::TypedOperatorHandle<ShapeTS>>) {
            return handle.call(tensors[0], scalars[0]);
          } else {
            return handle.call(tensors[0], scalars[0], scalars[1]);
          }
        },
        handle_);
    return true;
  }

 private:
  AnyHandle handle_;
  std::vector<bool> tensor_;
  std::vector<std::string> names_;
  std::vector<std::optional<at::Scalar>> defaults_;
};

std::shared_ptr<const TypedOp> makeTypedOp(const c10::OperatorHandle& op) {
  const auto& schema = op.schema();
  // In-place and out= ops return the caller's tensor; they keep the boxed path.
  if (schema.is_mutable() || schema.returns().size() != 1 ||
      schema.returns()[0].type()->kind() != c10::TypeKind::TensorType) {
    return nullptr;
  }
  std::string shape = shapeOf(schema);
  std::optional<AnyHandle> handle;
  if (shape == "T") handle = typedHandle<ShapeT>(op);
  if (shape == "TT") handle = typedHandle<ShapeTT>(op);
  if (shape == "TTS") handle = typedHandle<ShapeTTS>(op);
  if (shape == "TS") handle = typedHandle<ShapeTS>(op);
  if (shape == "TSS") handle = typedHandle<ShapeTSS>(op);
  if (!handle) return nullptr;
  return std::make_shared<const TypedOp>(std::move(*handle), schema);
}

bool callTyped(const TypedOp& op, const Napi::CallbackInfo& info, size_t first, const std::string& displayName,
               at::Tensor& result) {
  return op.call<false>(info, first, displayName, result);
}

at::Tensor callTypedWithHandles(const TypedOp& op, const Napi::CallbackInfo& info, size_t first,
                                const std::string& displayName) {
  at::Tensor result;
  op.call<true>(info, first, displayName, result);
  return result;
}

}  // namespace nodetorch
