#include "binding/typed_op.h"

#include <c10/core/SymIntArrayRef.h>
#include <c10/util/OptionalArrayRef.h>

#include <optional>
#include <variant>
#include <vector>

#include "binding/js_convert.h"
#include "binding/tensor_wrap.h"

namespace nodetorch {
namespace {

using T = const at::Tensor&;
using S = const at::Scalar&;
using I = int64_t;
using L = at::IntArrayRef;
using Y = c10::SymIntArrayRef;
using D = c10::optional<at::ScalarType>;
using M = c10::optional<at::MemoryFormat>;
using F = double;
using B = bool;
using O = const c10::optional<at::Tensor>&;
using P = c10::OptionalArrayRef<int64_t>;

// The shapes covered, named by their arguments in schema order: T Tensor, S Scalar, I int,
// L int[], Y SymInt[], D ScalarType?, M MemoryFormat?, F float, B bool, O Tensor?, P int[]?. Each
// returns one Tensor.
template <typename Signature>
using Handle = c10::TypedOperatorHandle<Signature>;
using AnyHandle = std::variant<Handle<at::Tensor(T)>,        // relu, neg, exp, t, ...
                               Handle<at::Tensor(T, T)>,     // mul.Tensor, div.Tensor, matmul, ...
                               Handle<at::Tensor(T, T, S)>,  // add.Tensor, sub.Tensor
                               Handle<at::Tensor(T, S)>,     // mul.Scalar, pow.Tensor_Scalar, ...
                               Handle<at::Tensor(T, S, S)>,  // add.Scalar, sub.Scalar
                               Handle<at::Tensor(T, I)>,     // unsqueeze, squeeze.dim
                               Handle<at::Tensor(T, I, I)>,  // transpose.int, flatten.using_ints
                               Handle<at::Tensor(T, L)>,     // permute
                               Handle<at::Tensor(T, Y)>,     // view, reshape
                               Handle<at::Tensor(T, D)>,     // sum, mean
                               Handle<at::Tensor(T, M)>,     // clone
                               Handle<at::Tensor(T, I, D)>,  // softmax.int, log_softmax.int
                               Handle<at::Tensor(T, F, B)>,  // dropout, feature_dropout, alpha_dropout
                               Handle<at::Tensor(T, T, O)>,  // linear
                               Handle<at::Tensor(T, Y, B)>,  // expand
                               Handle<at::Tensor(T, L, B, D)>,
                               // sum.dim_IntList, mean.dim: int[1] dim in 1.13's schema (but an optional list
                               // in its C++ signature), int[1]? dim in 2.x
                               Handle<at::Tensor(T, P, B, D)>>;

bool isIntList(const c10::TypePtr& list) {
  return list->expectRef<c10::ListType>().getElementType()->kind() == c10::TypeKind::IntType;
}

// "TTS" for (Tensor self, Tensor other, *, Scalar alpha=1), or "" when an argument is of another kind.
std::string shapeOf(const c10::FunctionSchema& schema) {
  using c10::TypeKind;
  std::string shape;
  for (const auto& argument : schema.arguments()) {
    // real_type(): type() says int for ScalarType and MemoryFormat, and int[] for SymInt[].
    const auto& type = argument.real_type();
    switch (type->kind()) {
      case TypeKind::TensorType: shape += 'T'; break;
      case TypeKind::NumberType: shape += 'S'; break;
      case TypeKind::IntType: shape += 'I'; break;
      case TypeKind::FloatType: shape += 'F'; break;
      case TypeKind::BoolType: shape += 'B'; break;
      case TypeKind::ListType: {
        auto element = type->expectRef<c10::ListType>().getElementType()->kind();
        if (element == TypeKind::IntType) {
          shape += 'L';
        } else if (element == TypeKind::SymIntType) {
          shape += 'Y';
        } else {
          return "";
        }
        break;
      }
      case TypeKind::OptionalType: {
        auto element = type->expectRef<c10::OptionalType>().getElementType()->kind();
        if (element == TypeKind::ScalarTypeType) {
          shape += 'D';
        } else if (element == TypeKind::TensorType) {
          shape += 'O';
        } else if (element == TypeKind::ListType && isIntList(type->expectRef<c10::OptionalType>().getElementType())) {
          shape += 'P';
        } else if (element == TypeKind::MemoryFormatType) {
          shape += 'M';
        } else {
          return "";
        }
        break;
      }
      default: return "";
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

std::optional<AnyHandle> handleFor(const std::string& shape, const c10::OperatorHandle& op) {
  if (shape == "T") return typedHandle<at::Tensor(T)>(op);
  if (shape == "TT") return typedHandle<at::Tensor(T, T)>(op);
  if (shape == "TTS") return typedHandle<at::Tensor(T, T, S)>(op);
  if (shape == "TS") return typedHandle<at::Tensor(T, S)>(op);
  if (shape == "TSS") return typedHandle<at::Tensor(T, S, S)>(op);
  if (shape == "TI") return typedHandle<at::Tensor(T, I)>(op);
  if (shape == "TII") return typedHandle<at::Tensor(T, I, I)>(op);
  if (shape == "TL") return typedHandle<at::Tensor(T, L)>(op);
  if (shape == "TY") return typedHandle<at::Tensor(T, Y)>(op);
  if (shape == "TD") return typedHandle<at::Tensor(T, D)>(op);
  if (shape == "TM") return typedHandle<at::Tensor(T, M)>(op);
  if (shape == "TID") return typedHandle<at::Tensor(T, I, D)>(op);
  if (shape == "TFB") return typedHandle<at::Tensor(T, F, B)>(op);
  if (shape == "TTO") return typedHandle<at::Tensor(T, T, O)>(op);
  if (shape == "TYB") return typedHandle<at::Tensor(T, Y, B)>(op);
  if (shape == "TLBD") {
    auto handle = typedHandle<at::Tensor(T, L, B, D)>(op);
    return handle ? handle : typedHandle<at::Tensor(T, P, B, D)>(op);
  }
  if (shape == "TPBD") return typedHandle<at::Tensor(T, P, B, D)>(op);
  return std::nullopt;
}

/** The converted arguments of one call, by kind in schema order. */
struct Arguments {
  // Copies, not references: they keep the tensors alive whatever the collector does meanwhile.
  at::Tensor tensors[2];
  at::Scalar scalars[2];
  int64_t ints[2] = {0, 0};
  std::vector<int64_t> list;
  bool hasList = false;  // a 'P' argument may be None
  D dtype;
  M memoryFormat;
  double real = 0;
  bool flag = false;
  c10::optional<at::Tensor> optionalTensor;
};

}  // namespace

class TypedOp {
 public:
  TypedOp(AnyHandle handle, std::string shape, const c10::FunctionSchema& schema)
      : handle_(std::move(handle)), shape_(std::move(shape)), arguments_(schema.arguments()) {}

  /** Converts the arguments (tensors given as handles) and calls the op. */
  at::Tensor call(const Napi::CallbackInfo& info, size_t first, const std::string& displayName) const {
    size_t given = info.Length() > first ? info.Length() - first : 0;
    if (given > arguments_.size()) {
      throw Napi::TypeError::New(info.Env(), displayName + " takes at most " + std::to_string(arguments_.size()) +
                                                 " arguments, got " + std::to_string(given));
    }
    Arguments args;
    size_t tensors = 0;
    size_t scalars = 0;
    size_t ints = 0;
    for (size_t i = 0; i < arguments_.size(); ++i) {
      Napi::Value value = info[first + i];  // undefined past the end
      const c10::Argument& argument = arguments_[i];
      if (shape_[i] == 'T') {
        args.tensors[tensors++] = TensorWrap::fromHandle(value, Param(displayName, argument.name()));
        continue;
      }
      // The boxed path's conversion: the same defaults, checks and messages.
      c10::IValue converted = toIValue(value, argument, displayName);
      switch (shape_[i]) {
        case 'S': args.scalars[scalars++] = converted.toScalar(); break;
        case 'I': args.ints[ints++] = converted.toInt(); break;
        case 'L':
          args.list = converted.toIntVector();
          args.hasList = true;
          break;
        case 'P':
          args.hasList = !converted.isNone();
          if (args.hasList) args.list = converted.toIntVector();
          break;
        case 'Y':
          args.list = converted.toIntVector();
          requireSymIntRange(args.list, info.Env(), Param(displayName, argument.name()));
          break;
        case 'D': args.dtype = converted.toOptional<at::ScalarType>(); break;
        case 'M': args.memoryFormat = converted.toOptional<at::MemoryFormat>(); break;
        case 'F': args.real = converted.toDouble(); break;
        case 'B': args.flag = converted.toBool(); break;
        case 'O': args.optionalTensor = converted.toOptional<at::Tensor>(); break;
      }
    }
    return run(args);
  }

  uint32_t tensorMask() const {
    uint32_t mask = 0;
    for (size_t i = 0; i < shape_.size(); ++i) mask |= shape_[i] == 'T' ? (1u << i) : 0u;
    return mask;
  }

 private:
  at::Tensor run(const Arguments& a) const {
    return std::visit(
        [&](const auto& handle) -> at::Tensor {
          using H = std::decay_t<decltype(handle)>;
          const auto& t = a.tensors;
          if constexpr (std::is_same_v<H, Handle<at::Tensor(T)>>) {
            return handle.call(t[0]);
          } else if constexpr (std::is_same_v<H, Handle<at::Tensor(T, T)>>) {
            return handle.call(t[0], t[1]);
          } else if constexpr (std::is_same_v<H, Handle<at::Tensor(T, T, S)>>) {
            return handle.call(t[0], t[1], a.scalars[0]);
          } else if constexpr (std::is_same_v<H, Handle<at::Tensor(T, S)>>) {
            return handle.call(t[0], a.scalars[0]);
          } else if constexpr (std::is_same_v<H, Handle<at::Tensor(T, S, S)>>) {
            return handle.call(t[0], a.scalars[0], a.scalars[1]);
          } else if constexpr (std::is_same_v<H, Handle<at::Tensor(T, I)>>) {
            return handle.call(t[0], a.ints[0]);
          } else if constexpr (std::is_same_v<H, Handle<at::Tensor(T, I, I)>>) {
            return handle.call(t[0], a.ints[0], a.ints[1]);
          } else if constexpr (std::is_same_v<H, Handle<at::Tensor(T, L)>>) {
            return handle.call(t[0], a.list);
          } else if constexpr (std::is_same_v<H, Handle<at::Tensor(T, Y)>>) {
            return handle.call(t[0], c10::fromIntArrayRefUnchecked(a.list));
          } else if constexpr (std::is_same_v<H, Handle<at::Tensor(T, D)>>) {
            return handle.call(t[0], a.dtype);
          } else if constexpr (std::is_same_v<H, Handle<at::Tensor(T, M)>>) {
            return handle.call(t[0], a.memoryFormat);
          } else if constexpr (std::is_same_v<H, Handle<at::Tensor(T, I, D)>>) {
            return handle.call(t[0], a.ints[0], a.dtype);
          } else if constexpr (std::is_same_v<H, Handle<at::Tensor(T, F, B)>>) {
            return handle.call(t[0], a.real, a.flag);
          } else if constexpr (std::is_same_v<H, Handle<at::Tensor(T, T, O)>>) {
            return handle.call(t[0], t[1], a.optionalTensor);
          } else if constexpr (std::is_same_v<H, Handle<at::Tensor(T, Y, B)>>) {
            return handle.call(t[0], c10::fromIntArrayRefUnchecked(a.list), a.flag);
          } else if constexpr (std::is_same_v<H, Handle<at::Tensor(T, L, B, D)>>) {
            return handle.call(t[0], a.list, a.flag, a.dtype);
          } else {
            static_assert(std::is_same_v<H, Handle<at::Tensor(T, P, B, D)>>, "every shape is called");
            return handle.call(t[0], a.hasList ? P(a.list) : P(), a.flag, a.dtype);
          }
        },
        handle_);
  }

  AnyHandle handle_;
  std::string shape_;
  std::vector<c10::Argument> arguments_;
};

std::shared_ptr<const TypedOp> makeTypedOp(const c10::OperatorHandle& op) {
  const auto& schema = op.schema();
  // In-place and out= ops return the caller's tensor; they keep the boxed path.
  if (schema.is_mutable() || schema.returns().size() != 1 ||
      schema.returns()[0].type()->kind() != c10::TypeKind::TensorType) {
    return nullptr;
  }
  std::string shape = shapeOf(schema);
  std::optional<AnyHandle> handle = handleFor(shape, op);
  if (!handle) return nullptr;
  return std::make_shared<const TypedOp>(std::move(*handle), std::move(shape), schema);
}

uint32_t tensorMask(const TypedOp& op) { return op.tensorMask(); }

at::Tensor callTyped(const TypedOp& op, const Napi::CallbackInfo& info, size_t first, const std::string& displayName) {
  return op.call(info, first, displayName);
}

}  // namespace nodetorch
