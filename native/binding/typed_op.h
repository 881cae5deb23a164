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

/** Bit i set when argument i is a Tensor (which callTypedWithHandles takes as a handle). */
uint32_t tensorMask(const TypedOp& op);

/**
 * Calls `op` with the JS arguments info[first..] in schema order. Returns false, having done nothing,
 * when the arguments need the boxed path (a number where a Tensor goes, too many arguments).
 */
bool callTyped(const TypedOp& op, const Napi::CallbackInfo& info, size_t first, const std::string& displayName,
               at::Tensor& result);

/**
 * The same with every Tensor argument given as its handle (lib/tensor/handle.ts), which saves a
 * property read per tensor; lib/ops passes handles only when every Tensor argument is a Tensor.
 */
at::Tensor callTypedWithHandles(const TypedOp& op, const Napi::CallbackInfo& info, size_t first,
                                const std::string& displayName);

}  // namespace nodetorch
