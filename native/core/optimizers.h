// LibTorch's optimizers (torch::optim) built from plain option maps, with access to each group's
// options and each parameter's state, so the TypeScript side can expose PyTorch's API and state dicts.
#pragma once
#include <ATen/core/Tensor.h>
#include <torch/optim/optimizer.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nodetorch {

/** Numeric and boolean options of one parameter group, by PyTorch's snake_case names (betas as beta1/beta2). */
using OptionMap = std::map<std::string, double>;

struct ParamGroupSpec {
  std::vector<at::Tensor> params;
  OptionMap options;
};

/** 'sgd', 'adam', 'adamw', 'rmsprop' or 'adagrad'; throws std::invalid_argument for another name or option. */
std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const std::string& kind,
                                                       const std::vector<ParamGroupSpec>& groups);
void addParamGroup(torch::optim::Optimizer& optimizer, const std::string& kind, const ParamGroupSpec& group);

OptionMap groupOptions(const std::string& kind, const torch::optim::OptimizerParamGroup& group);
/** Changes one option of a group (lr, momentum, beta1, ...); throws for a name the optimizer lacks. */
void setGroupOption(const std::string& kind, torch::optim::OptimizerParamGroup& group, const std::string& name,
                    double value);

/** A parameter's optimizer state: its step count (when the optimizer keeps one) and named buffers. */
struct ParamState {
  std::optional<int64_t> step;
  std::map<std::string, at::Tensor> buffers;
};
std::optional<ParamState> paramState(torch::optim::Optimizer& optimizer, const std::string& kind,
                                     const at::Tensor& param);
void setParamState(torch::optim::Optimizer& optimizer, const std::string& kind, const at::Tensor& param,
                   const ParamState& state);
/** Clears the gradients of every parameter: to undefined (`setToNone`, PyTorch 2's default) or to zeros. */
void zeroGrad(torch::optim::Optimizer& optimizer, bool setToNone);

/** Bytes of every parameter's state buffers (Adam's exp_avg and exp_avg_sq, SGD's momentum, ...). */
int64_t stateBytes(torch::optim::Optimizer& optimizer, const std::string& kind);

}  // namespace nodetorch
