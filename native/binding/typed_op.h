// Unboxed calls for the commonest operator signatures (Tensor, Tensor, Scalar) -> Tensor and the like,
// skipping the IValue stack of a boxed call. Autograd records through them like any dispatcher call.
#pragma once
#include <ATen/core/dispatch/Dispatcher.h>

#include <memory>
#include <string>

#include "binding/node_api.h"

namespace nodetorch {

class TypedOp;

/** An unboxed caller for `op` when its schema has one of the common shapes, else nullptr. */
std::shared_ptr<const TypedOp> makeTypedOp(const c10::OperatorHandle& op);

/** Bit i set when argument i is a Tensor (which callTyped takes as a handle). */
uint32_t tensorMask(const TypedOp& op);

/**
 * Calls `op` with the JS arguments info[first..] in schema order, every Tensor argument given as
 * its handle (lib/tensor/handle.ts): lib/tensor/op.ts sends typed calls only when every Tensor
 * argument is a Tensor, and the boxed path otherwise (a number promotes as a wrapped scalar there).
 */
at::Tensor callTyped(const TypedOp& op, const Napi::CallbackInfo& info, size_t first, const std::string& displayName);

}  // namespace nodetorch
