#include "core/sequential_plan.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <unordered_map>

namespace nodetorch {
namespace {

struct Kind {
  /** Throws std::invalid_argument with what is wrong with the step's settings. */
  std::function<void(const PlanStep&)> validate;
  std::function<at::Tensor(const PlanStep&, const at::Tensor&)> run;
};

void requireLength(const std::vector<int64_t>& values, size_t length, const char* field) {
  if (values.size() != length) {
    throw std::invalid_argument(std::string(field) + " must have " + std::to_string(length) + " values, got " +
                                std::to_string(values.size()));
  }
}

void requireWeight(const PlanStep& s) {
  if (!s.weight.defined()) throw std::invalid_argument("weight is missing");
}

void none(const PlanStep&) {}

const std::unordered_map<std::string, Kind>& kinds() {
  static const std::unordered_map<std::string, Kind> table = {
      {"identity", {none, [](const PlanStep&, const at::Tensor& x) { return x; }}},
      {"linear",
       {requireWeight, [](const PlanStep& s, const at::Tensor& x) { return at::linear(x, s.weight, s.bias); }}},
      {"conv",
       {[](const PlanStep& s) {
          requireWeight(s);
          size_t d = s.stride.size();
          if (d < 1 || d > 3) throw std::invalid_argument("stride must have 1, 2 or 3 values");
          requireLength(s.padding, d, "padding");
          requireLength(s.dilation, d, "dilation");
        },
        [](const PlanStep& s, const at::Tensor& x) {
          switch (s.stride.size()) {
            case 1: return at::conv1d(x, s.weight, s.bias, s.stride, s.padding, s.dilation, s.groups);
            case 2: return at::conv2d(x, s.weight, s.bias, s.stride, s.padding, s.dilation, s.groups);
            default: return at::conv3d(x, s.weight, s.bias, s.stride, s.padding, s.dilation, s.groups);
          }
        }}},
      {"relu", {none, [](const PlanStep&, const at::Tensor& x) { return at::relu(x); }}},
      {"leaky_relu", {none, [](const PlanStep& s, const at::Tensor& x) { return at::leaky_relu(x, s.negativeSlope); }}},
      {"gelu",
       {[](const PlanStep& s) {
          if (s.approximate != "none" && s.approximate != "tanh")
            throw std::invalid_argument("approximate must be 'none' or 'tanh', got '" + s.approximate + "'");
        },
        [](const PlanStep& s, const at::Tensor& x) { return at::gelu(x, s.approximate); }}},
      {"silu", {none, [](const PlanStep&, const at::Tensor& x) { return at::silu(x); }}},
      {"tanh", {none, [](const PlanStep&, const at::Tensor& x) { return at::tanh(x); }}},
      {"sigmoid", {none, [](const PlanStep&, const at::Tensor& x) { return at::sigmoid(x); }}},
      {"softmax", {none, [](const PlanStep& s, const at::Tensor& x) { return at::softmax(x, s.dim); }}},
      {"log_softmax", {none, [](const PlanStep& s, const at::Tensor& x) { return at::log_softmax(x, s.dim); }}},
      {"dropout", {none, [](const PlanStep& s, const at::Tensor& x) { return at::dropout(x, s.p, s.training); }}},
      {"flatten", {none, [](const PlanStep& s, const at::Tensor& x) { return x.flatten(s.startDim, s.endDim); }}},
      {"max_pool2d",
       {[](const PlanStep& s) {
          requireLength(s.kernelSize, 2, "kernelSize");
          requireLength(s.stride, 2, "stride");
          requireLength(s.padding, 2, "padding");
          requireLength(s.dilation, 2, "dilation");
        },
        [](const PlanStep& s, const at::Tensor& x) {
          return at::max_pool2d(x, s.kernelSize, s.stride, s.padding, s.dilation, s.ceilMode);
        }}},
      {"avg_pool2d",
       {[](const PlanStep& s) {
          requireLength(s.kernelSize, 2, "kernelSize");
          requireLength(s.stride, 2, "stride");
          requireLength(s.padding, 2, "padding");
        },
        [](const PlanStep& s, const at::Tensor& x) {
          return at::avg_pool2d(x, s.kernelSize, s.stride, s.padding, s.ceilMode, s.countIncludePad);
        }}},
      {"adaptive_avg_pool2d",
       {[](const PlanStep& s) { requireLength(s.outputSize, 2, "outputSize"); },
        [](const PlanStep& s, const at::Tensor& x) { return at::adaptive_avg_pool2d(x, s.outputSize); }}},
      {"batch_norm",
       {[](const PlanStep& s) {
          if (s.inputDims.empty()) throw std::invalid_argument("inputDims must not be empty");
        },
        [](const PlanStep& s, const at::Tensor& x) {
          if (std::find(s.inputDims.begin(), s.inputDims.end(), x.dim()) == s.inputDims.end()) {
            throw std::invalid_argument(s.name + ": expected " + std::to_string(s.inputDims[0]) + "D" +
                                        (s.inputDims.size() > 1 ? " or " + std::to_string(s.inputDims[1]) + "D" : "") +
                                        " input, got " + std::to_string(x.dim()) + "D");
          }
          bool training = s.training || !s.runningMean.defined();
          if (s.training && s.numBatchesTracked.defined()) {
            at::Tensor counter = s.numBatchesTracked;
            counter.add_(1);  // PyTorch counts batches in training
          }
          return at::batch_norm(x, s.weight, s.bias, s.runningMean, s.runningVar, training, s.momentum, s.eps, true);
        }}},
      {"layer_norm",
       {[](const PlanStep& s) {
          if (s.normalizedShape.empty()) throw std::invalid_argument("normalizedShape must not be empty");
        },
        [](const PlanStep& s, const at::Tensor& x) {
          return at::layer_norm(x, s.normalizedShape, s.weight, s.bias, s.eps, true);
        }}},
  };
  return table;
}

}  // namespace

void validatePlan(const std::vector<PlanStep>& steps) {
  for (size_t i = 0; i < steps.size(); ++i) {
    const PlanStep& step = steps[i];
    auto found = kinds().find(step.kind);
    if (found == kinds().end())
      throw std::invalid_argument("step " + std::to_string(i) + ": unknown layer kind '" + step.kind + "'");
    try {
      found->second.validate(step);
    } catch (const std::invalid_argument& error) {
      throw std::invalid_argument("step " + std::to_string(i) + " (" + step.name + "): " + error.what());
    }
  }
}

at::Tensor runPlan(const std::vector<PlanStep>& steps, at::Tensor input) {
  for (const PlanStep& step : steps) input = kinds().at(step.kind).run(step, input);
  return input;
}

}  // namespace nodetorch
