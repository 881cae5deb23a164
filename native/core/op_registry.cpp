#include "core/op_registry.h"

#include <torch/version.h>

#include <stdexcept>

namespace nodetorch {

c10::OperatorHandle findOperator(const std::string& name, const std::string& overload) {
  std::string qualified = name.find("::") == std::string::npos ? "aten::" + name : name;
  auto op = c10::Dispatcher::singleton().findSchema({qualified, overload});
  if (!op) {
    throw std::invalid_argument("operator " + qualified + (overload.empty() ? "" : "." + overload) +
                                " does not exist in this LibTorch (" + TORCH_VERSION + ")");
  }
  return *op;
}

void callOperator(const c10::OperatorHandle& op, torch::jit::Stack& stack) { op.callBoxed(&stack); }

}  // namespace nodetorch
