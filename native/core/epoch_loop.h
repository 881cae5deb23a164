// The native epoch loop: a run of training batches done entirely in C++ (gather the batch from the
// dataset's tensors, forward through a Sequential plan, loss, backward, clipping, optimizer step),
// on a worker thread, with no N-API. The Trainer hands it what its JS loop would do for the same
// batches (the order drawn from the DataLoader's sampler, where to step), so both give the same numbers.
#pragma once
#include <ATen/core/Tensor.h>
#include <torch/optim/optimizer.h>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "core/sequential_plan.h"

namespace nodetorch {

/** A built-in loss, with the arguments its ATen op takes (as lib/nn/functional.ts passes them). */
struct LossSpec {
  /** 'cross_entropy', 'nll', 'mse', 'l1' or 'smooth_l1'. */
  std::string kind;
  int64_t reduction = 1;  // at::Reduction: 1 mean, 2 sum (a loop needs a scalar loss)
  int64_t ignoreIndex = -100;
  double labelSmoothing = 0;
  double beta = 1;
  at::Tensor weight;
};

enum class ClipAlgorithm { None, Norm, Value };

struct EpochChunk {
  std::vector<PlanStep> plan;
  LossSpec loss;
  /** Borrowed: the caller keeps it alive and unused elsewhere while the chunk runs. */
  torch::optim::Optimizer* optimizer = nullptr;
  /** The parameters gradients are clipped over. */
  std::vector<at::Tensor> params;
  /** The dataset: samples along dimension 0. */
  at::Tensor inputs, targets;
  /** Each batch's sample indices, in order. */
  std::vector<std::vector<int64_t>> batches;
  /** Whether the optimizer steps (and gradients are cleared) after each batch. */
  std::vector<bool> stepAfter;
  /** The loss is divided by this before backward (gradient accumulation), when above 1. */
  int64_t accumulate = 1;
  ClipAlgorithm clip = ClipAlgorithm::None;
  double clipValue = 0;
};

/** What one batch did. */
struct StepReport {
  int64_t batch;
  double loss;
  int64_t batchSize;
  bool stepped;
};

/** Throws std::invalid_argument naming what is wrong (loss kind, shapes, indices out of range); the optimizer is the
 * caller's to set. */
void validateChunk(const EpochChunk& chunk);
/** The loss of `output` against `target`. */
at::Tensor computeLoss(const LossSpec& loss, const at::Tensor& output, const at::Tensor& target);
/**
 * Runs the batches in order, reporting each; after a batch, stops early when `stop` is set.
 * Returns how many batches ran. A failing batch throws (the batches before it stay done).
 */
int64_t runEpochChunk(const EpochChunk& chunk, const std::atomic<bool>& stop,
                      const std::function<void(const StepReport&)>& report);

}  // namespace nodetorch
