// A Sequential of built-in layers as one native plan: forward runs every layer in C++ with one
// call from JavaScript (autograd records each ATen call as usual).
#pragma once
#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

namespace nodetorch {

/** One layer: its kind, tensors (weights; undefined for absent ones) and numeric settings. */
struct PlanStep {
  std::string kind;
  /** The layer's class name, for error messages. */
  std::string name;
  std::vector<at::Tensor> tensors;
  std::vector<int64_t> ints;
  std::vector<double> floats;
  bool flag = false;
};

/** Throws std::invalid_argument naming the step when a kind is unknown or its settings are malformed. */
void validatePlan(const std::vector<PlanStep>& steps);
at::Tensor runPlan(const std::vector<PlanStep>& steps, at::Tensor input);

}  // namespace nodetorch
