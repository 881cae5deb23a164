#include "core/sequential_plan.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <unordered_map>

namespace nodetorch {
namespace {

using Run = std::function<at::Tensor(const PlanStep&, const at::Tensor&)>;

c10::IntArrayRef ints(const PlanStep& s, size_t from, size_t count) {
  return c10::IntArrayRef(s.ints).slice(from, count);
}

// kind -> (number of ints it needs, how it runs). Layouts of `ints`/`floats` mirror lib/nn/native-plan.ts.
const std::unordered_map<std::string, std::pair<size_t, Run>>& kinds() {
  static const std::unordered_map<std::string, std::pair<size_t, Run>> table = {
      {"identity", {0, [](const PlanStep&, const at::Tensor& x) { return x; }}},
      {"linear", {0, [](const PlanStep& s, const at::Tensor& x) { return at::linear(x, s.tensors[0], s.tensors[1]); }}},
      // ints: dims d, then stride[d], padding[d], dilation[d], groups
      {"conv",
       {1,
        [](const PlanStep& s, const at::Tensor& x) {
          auto d = static_cast<size_t>(s.ints[0]);
          auto stride = ints(s, 1, d), padding = ints(s, 1 + d, d), dilation = ints(s, 1 + 2 * d, d);
          int64_t groups = s.ints[1 + 3 * d];
          if (d == 1) return at::conv1d(x, s.tensors[0], s.tensors[1], stride, padding, dilation, groups);
          if (d == 2) return at::conv2d(x, s.tensors[0], s.tensors[1], stride, padding, dilation, groups);
          return at::conv3d(x, s.tensors[0], s.tensors[1], stride, padding, dilation, groups);
        }}},
      {"relu", {0, [](const PlanStep&, const at::Tensor& x) { return at::relu(x); }}},
      {"leaky_relu", {0, [](const PlanStep& s, const at::Tensor& x) { return at::leaky_relu(x, s.floats[0]); }}},
      {"gelu", {0, [](const PlanStep& s, const at::Tensor& x) { return at::gelu(x, s.flag ? "tanh" : "none"); }}},
      {"silu", {0, [](const PlanStep&, const at::Tensor& x) { return at::silu(x); }}},
      {"tanh", {0, [](const PlanStep&, const at::Tensor& x) { return at::tanh(x); }}},
      {"sigmoid", {0, [](const PlanStep&, const at::Tensor& x) { return at::sigmoid(x); }}},
      {"softmax", {1, [](const PlanStep& s, const at::Tensor& x) { return at::softmax(x, s.ints[0]); }}},
      {"log_softmax", {1, [](const PlanStep& s, const at::Tensor& x) { return at::log_softmax(x, s.ints[0]); }}},
      // floats: p; flag: training
      {"dropout", {0, [](const PlanStep& s, const at::Tensor& x) { return at::dropout(x, s.floats[0], s.flag); }}},
      {"flatten", {2, [](const PlanStep& s, const at::Tensor& x) { return x.flatten(s.ints[0], s.ints[1]); }}},
      // ints: kernel[2], stride[2], padding[2], dilation[2]; flag: ceil mode
      {"max_pool2d",
       {8,
        [](const PlanStep& s, const at::Tensor& x) {
          return at::max_pool2d(x, ints(s, 0, 2), ints(s, 2, 2), ints(s, 4, 2), ints(s, 6, 2), s.flag);
        }}},
      // ints: kernel[2], stride[2], padding[2]; flag: ceil mode; floats: count_include_pad (0/1)
      {"avg_pool2d",
       {6,
        [](const PlanStep& s, const at::Tensor& x) {
          return at::avg_pool2d(x, ints(s, 0, 2), ints(s, 2, 2), ints(s, 4, 2), s.flag, s.floats[0] != 0);
        }}},
      {"adaptive_avg_pool2d",
       {2, [](const PlanStep& s, const at::Tensor& x) { return at::adaptive_avg_pool2d(x, ints(s, 0, 2)); }}},
      // tensors: weight, bias, running_mean, running_var, num_batches_tracked; floats: momentum, eps;
      // flag: training; ints: the input dims the layer accepts
      {"batch_norm",
       {1,
        [](const PlanStep& s, const at::Tensor& x) {
          if (std::find(s.ints.begin(), s.ints.end(), x.dim()) == s.ints.end()) {
            throw std::invalid_argument(s.name + ": expected " + std::to_string(s.ints[0]) + "D" +
                                        (s.ints.size() > 1 ? " or " + std::to_string(s.ints[1]) + "D" : "") +
                                        " input, got " + std::to_string(x.dim()) + "D");
          }
          bool training = s.flag || !s.tensors[2].defined();
          if (s.flag && s.tensors[4].defined()) s.tensors[4].add_(1);  // PyTorch counts batches in training
          return at::batch_norm(x, s.tensors[0], s.tensors[1], s.tensors[2], s.tensors[3], training, s.floats[0],
                                s.floats[1], true);
        }}},
      // ints: normalized shape; floats: eps
      {"layer_norm",
       {0,
        [](const PlanStep& s, const at::Tensor& x) {
          return at::layer_norm(x, s.ints, s.tensors[0], s.tensors[1], s.floats[0], true);
        }}},
  };
  return table;
}

}  // namespace

void validatePlan(const std::vector<PlanStep>& steps) {
  for (size_t i = 0; i < steps.size(); ++i) {
    auto found = kinds().find(steps[i].kind);
    if (found == kinds().end())
      throw std::invalid_argument("step " + std::to_string(i) + ": unknown layer kind '" + steps[i].kind + "'");
    if (steps[i].ints.size() < found->second.first) {
      throw std::invalid_argument("step " + std::to_string(i) + " (" + steps[i].kind + "): expected at least " +
                                  std::to_string(found->second.first) + " integer settings");
    }
  }
}

at::Tensor runPlan(const std::vector<PlanStep>& steps, at::Tensor input) {
  for (const PlanStep& step : steps) input = kinds().at(step.kind).second(step, input);
  return input;
}

}  // namespace nodetorch
