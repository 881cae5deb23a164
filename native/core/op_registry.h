// Finds ATen operators in the c10 dispatcher by name and overload, for boxed calls by schema.
#pragma once
#include <ATen/core/dispatch/Dispatcher.h>

#include <string>

namespace nodetorch {

/** The operator `aten::<name>.<overload>`; throws std::invalid_argument naming it when this LibTorch lacks it. */
c10::OperatorHandle findOperator(const std::string& name, const std::string& overload);

/** Runs the operator on a stack of arguments (filled per its schema); the stack then holds the outputs. */
void callOperator(const c10::OperatorHandle& op, torch::jit::Stack& stack);

}  // namespace nodetorch
