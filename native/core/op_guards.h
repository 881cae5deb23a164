// Argument checks for ATen operators that crash (or never return) on some inputs instead of
// throwing, in Python's torch as much as here: the generated path runs the check first, so such a
// call throws a clear error. docs/ops.md lists them (scripts/op-guards.json feeds the generator; a
// test checks that both lists agree).
#pragma once
#include <ATen/core/dispatch/Dispatcher.h>

#include <string>
#include <vector>

namespace nodetorch {

/** Throws std::invalid_argument saying what is wrong; the stack holds the arguments in schema order. */
using OpGuard = void (*)(const c10::FunctionSchema& schema, const torch::jit::Stack& stack);

/** The guard for `op`, or nullptr for the operators that need none. */
OpGuard guardFor(const c10::OperatorHandle& op);

/** The names (without `aten::`) of every guarded operator, for the consistency test. */
std::vector<std::string> guardedOperators();

}  // namespace nodetorch
