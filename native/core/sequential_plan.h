// A Sequential of built-in layers as one native plan: forward runs every layer in C++ with one
// call from JavaScript (autograd records each ATen call as usual). The steps are made afresh for
// every run from the layers' current state (lib/nn/sequential-plan.ts builds them, and
// binding/sequential_plan_binding.cpp reads them), so a plan holds no tensor between runs.
#pragma once
#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

namespace nodetorch {

/**
 * One layer. Each kind uses the fields its functional form takes (names as in
 * lib/nn/sequential-plan.ts); absent tensors are undefined.
 */
struct PlanStep {
  std::string kind;
  /** The layer's class name, for error messages. */
  std::string name;
  at::Tensor weight, bias, runningMean, runningVar, numBatchesTracked;
  std::vector<int64_t> kernelSize, stride, padding, dilation, outputSize, normalizedShape, inputDims;
  int64_t groups = 1, dim = -1, startDim = 1, endDim = -1;
  double negativeSlope = 0.01, p = 0.5, momentum = 0.1, eps = 1e-5;
  bool training = false, ceilMode = false, countIncludePad = true;
  std::string approximate = "none";
};

/** Throws std::invalid_argument naming the step when a kind is unknown or its settings are malformed. */
void validatePlan(const std::vector<PlanStep>& steps);
at::Tensor runPlan(const std::vector<PlanStep>& steps, at::Tensor input);

}  // namespace nodetorch
