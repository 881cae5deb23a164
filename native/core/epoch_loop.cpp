#include "core/epoch_loop.h"

// clip_grad.h uses torch:: ops without including them, so types.h must come first.
// clang-format off
#include <torch/types.h>
#include <torch/nn/utils/clip_grad.h>
// clang-format on

#include <ATen/ATen.h>

#include <algorithm>
#include <stdexcept>

#include "core/optimizers.h"

namespace nodetorch {

void validateChunk(const EpochChunk& chunk) {
  static const std::vector<std::string> kinds = {"cross_entropy", "nll", "mse", "l1", "smooth_l1"};
  if (std::find(kinds.begin(), kinds.end(), chunk.loss.kind) == kinds.end())
    throw std::invalid_argument("epoch loop: unknown loss '" + chunk.loss.kind + "'");
  if (chunk.loss.reduction != 1 && chunk.loss.reduction != 2)
    throw std::invalid_argument("epoch loop: the loss must reduce to a scalar ('mean' or 'sum')");
  if (!chunk.inputs.defined() || !chunk.targets.defined() || chunk.inputs.dim() == 0 || chunk.targets.dim() == 0)
    throw std::invalid_argument("epoch loop: the dataset needs an inputs and a targets tensor, at least 1-D");
  int64_t samples = chunk.inputs.size(0);
  if (chunk.targets.size(0) != samples)
    throw std::invalid_argument("epoch loop: inputs have " + std::to_string(samples) + " samples, targets " +
                                std::to_string(chunk.targets.size(0)));
  if (chunk.batches.size() != chunk.stepAfter.size())
    throw std::invalid_argument("epoch loop: one stepAfter flag per batch is needed");
  for (const auto& batch : chunk.batches) {
    if (batch.empty()) throw std::invalid_argument("epoch loop: an empty batch");
    for (int64_t index : batch) {
      if (index < 0 || index >= samples)
        throw std::invalid_argument("epoch loop: sample index " + std::to_string(index) + " is out of range for " +
                                    std::to_string(samples) + " samples");
    }
  }
  if (chunk.accumulate < 1) throw std::invalid_argument("epoch loop: accumulate must be >= 1");
  validatePlan(chunk.plan);
}

at::Tensor computeLoss(const LossSpec& loss, const at::Tensor& output, const at::Tensor& target) {
  if (loss.kind == "cross_entropy")
    return at::cross_entropy_loss(output, target, loss.weight, loss.reduction, loss.ignoreIndex, loss.labelSmoothing);
  if (loss.kind == "nll") return at::nll_loss_nd(output, target, loss.weight, loss.reduction, loss.ignoreIndex);
  if (loss.kind == "mse") return at::mse_loss(output, target, loss.reduction);
  if (loss.kind == "l1") return at::l1_loss(output, target, loss.reduction);
  return at::smooth_l1_loss(output, target, loss.reduction, loss.beta);
}

int64_t runEpochChunk(const EpochChunk& chunk, const std::atomic<bool>& stop,
                      const std::function<void(const StepReport&)>& report) {
  int64_t done = 0;
  for (size_t b = 0; b < chunk.batches.size(); ++b) {
    const std::vector<int64_t>& indices = chunk.batches[b];
    at::Tensor index = at::tensor(indices, at::TensorOptions().dtype(at::kLong)).to(chunk.inputs.device());
    at::Tensor input = chunk.inputs.index_select(0, index);
    at::Tensor target = chunk.targets.index_select(0, index);
    at::Tensor loss = computeLoss(chunk.loss, runPlan(chunk.plan, input), target);
    if (loss.dim() != 0) throw std::invalid_argument("epoch loop: the loss is not a scalar");
    double value = loss.item<double>();
    (chunk.accumulate > 1 ? loss.div(chunk.accumulate) : loss).backward();
    bool step = chunk.stepAfter[b];
    if (step) {
      if (chunk.clip == ClipAlgorithm::Norm)
        torch::nn::utils::clip_grad_norm_(chunk.params, chunk.clipValue, 2.0, false);
      if (chunk.clip == ClipAlgorithm::Value) torch::nn::utils::clip_grad_value_(chunk.params, chunk.clipValue);
      chunk.optimizer->step();
      zeroGrad(*chunk.optimizer, /*setToNone=*/true);
    }
    ++done;
    report({static_cast<int64_t>(b), value, static_cast<int64_t>(indices.size()), step});
    if (stop.load()) break;
  }
  return done;
}

}  // namespace nodetorch
