#include "core/optimizers.h"

#include <torch/optim/adagrad.h>
#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <torch/optim/rmsprop.h>
#include <torch/optim/sgd.h>

#include <functional>
#include <sstream>
#include <stdexcept>
#include <type_traits>

namespace nodetorch {
namespace {

using torch::optim::OptimizerOptions;
using torch::optim::OptimizerParamGroup;
using torch::optim::OptimizerParamState;

double option(const OptionMap& options, const char* name, const std::string& kind) {
  auto found = options.find(name);
  if (found == options.end()) throw std::invalid_argument(kind + ": missing option " + name);
  return found->second;
}

// One accessor per option: how to read it from and write it to the optimizer's options class.
template <typename Options>
struct OptionField {
  const char* name;
  std::function<double(const Options&)> get;
  std::function<void(Options&, double)> set;
};

#define NT_DOUBLE_FIELD(Options, field)                                                           \
  OptionField<Options> {                                                                          \
#field, [](const Options& o) { return o.field(); }, [](Options & o, double v) { o.field(v); } \
  }
#define NT_BOOL_FIELD(Options, field)                                                                              \
  OptionField<Options> {                                                                                           \
#field, [](const Options& o) { return o.field() ? 1.0 : 0.0; }, [](Options & o, double v) { o.field(v != 0); } \
  }
#define NT_BETA_FIELDS(Options)                                                                            \
  OptionField<Options>{"beta1", [](const Options& o) { return std::get<0>(o.betas()); },                   \
                       [](Options& o, double v) { o.betas(std::make_tuple(v, std::get<1>(o.betas()))); }}, \
      OptionField<Options> {                                                                               \
    "beta2", [](const Options& o) { return std::get<1>(o.betas()); },                                      \
        [](Options& o, double v) { o.betas(std::make_tuple(std::get<0>(o.betas()), v)); }                  \
  }

template <typename Options>
const std::vector<OptionField<Options>>& fields();

template <>
const std::vector<OptionField<torch::optim::SGDOptions>>& fields() {
  using O = torch::optim::SGDOptions;
  static const std::vector<OptionField<O>> f = {NT_DOUBLE_FIELD(O, lr), NT_DOUBLE_FIELD(O, momentum),
                                                NT_DOUBLE_FIELD(O, dampening), NT_DOUBLE_FIELD(O, weight_decay),
                                                NT_BOOL_FIELD(O, nesterov)};
  return f;
}
template <>
const std::vector<OptionField<torch::optim::AdamOptions>>& fields() {
  using O = torch::optim::AdamOptions;
  static const std::vector<OptionField<O>> f = {NT_DOUBLE_FIELD(O, lr), NT_BETA_FIELDS(O), NT_DOUBLE_FIELD(O, eps),
                                                NT_DOUBLE_FIELD(O, weight_decay), NT_BOOL_FIELD(O, amsgrad)};
  return f;
}
template <>
const std::vector<OptionField<torch::optim::AdamWOptions>>& fields() {
  using O = torch::optim::AdamWOptions;
  static const std::vector<OptionField<O>> f = {NT_DOUBLE_FIELD(O, lr), NT_BETA_FIELDS(O), NT_DOUBLE_FIELD(O, eps),
                                                NT_DOUBLE_FIELD(O, weight_decay), NT_BOOL_FIELD(O, amsgrad)};
  return f;
}
template <>
const std::vector<OptionField<torch::optim::RMSpropOptions>>& fields() {
  using O = torch::optim::RMSpropOptions;
  static const std::vector<OptionField<O>> f = {NT_DOUBLE_FIELD(O, lr),       NT_DOUBLE_FIELD(O, alpha),
                                                NT_DOUBLE_FIELD(O, eps),      NT_DOUBLE_FIELD(O, weight_decay),
                                                NT_DOUBLE_FIELD(O, momentum), NT_BOOL_FIELD(O, centered)};
  return f;
}
template <>
const std::vector<OptionField<torch::optim::AdagradOptions>>& fields() {
  using O = torch::optim::AdagradOptions;
  static const std::vector<OptionField<O>> f = {NT_DOUBLE_FIELD(O, lr), NT_DOUBLE_FIELD(O, lr_decay),
                                                NT_DOUBLE_FIELD(O, weight_decay),
                                                NT_DOUBLE_FIELD(O, initial_accumulator_value), NT_DOUBLE_FIELD(O, eps)};
  return f;
}

template <typename Options>
std::unique_ptr<OptimizerOptions> buildOptions(const OptionMap& given, const std::string& kind) {
  auto options = std::make_unique<Options>(option(given, "lr", kind));
  for (const auto& field : fields<Options>()) field.set(*options, option(given, field.name, kind));
  return options;
}

template <typename Options>
OptionMap readOptions(const OptimizerOptions& options) {
  OptionMap out;
  for (const auto& field : fields<Options>()) out[field.name] = field.get(static_cast<const Options&>(options));
  return out;
}

template <typename Options>
void writeOption(OptimizerOptions& options, const std::string& kind, const std::string& name, double value) {
  for (const auto& field : fields<Options>()) {
    if (name == field.name) return field.set(static_cast<Options&>(options), value);
  }
  throw std::invalid_argument(kind + " has no option '" + name + "'");
}

// Dispatches on the optimizer kind to the matching options class.
template <typename Visit>
auto withKind(const std::string& kind, Visit&& visit) {
  if (kind == "sgd") return visit(static_cast<torch::optim::SGDOptions*>(nullptr));
  if (kind == "adam") return visit(static_cast<torch::optim::AdamOptions*>(nullptr));
  if (kind == "adamw") return visit(static_cast<torch::optim::AdamWOptions*>(nullptr));
  if (kind == "rmsprop") return visit(static_cast<torch::optim::RMSpropOptions*>(nullptr));
  if (kind == "adagrad") return visit(static_cast<torch::optim::AdagradOptions*>(nullptr));
  throw std::invalid_argument("unknown optimizer '" + kind + "': expected sgd, adam, adamw, rmsprop or adagrad");
}

std::unique_ptr<OptimizerOptions> optionsFor(const std::string& kind, const OptionMap& given) {
  return withKind(kind, [&](auto* tag) {
    using Options = std::remove_pointer_t<decltype(tag)>;
    return buildOptions<Options>(given, kind);
  });
}

// LibTorch 1.13 keys optimizer state by the TensorImpl address as a string; 2.x by the pointer.
template <typename State>
auto stateKey(const at::Tensor& param) {
  using Key = typename std::decay_t<State>::key_type;
  if constexpr (std::is_same_v<Key, std::string>) {
    std::ostringstream key;  // what 1.13's c10::guts::to_string does with the pointer
    key << param.unsafeGetTensorImpl();
    return key.str();
  } else {
    return static_cast<Key>(param.unsafeGetTensorImpl());
  }
}

// The named buffers of each kind's per-parameter state class.
template <typename S>
struct StateBuffers;
#define NT_BUFFER(field)                                                            \
  {                                                                                 \
#field, [](S & s) -> at::Tensor& { return const_cast<at::Tensor&>(s.field()); } \
  }
template <>
struct StateBuffers<torch::optim::SGDParamState> {
  using S = torch::optim::SGDParamState;
  static constexpr bool hasStep = false;
  static std::vector<std::pair<const char*, at::Tensor& (*)(S&)>> list() { return {NT_BUFFER(momentum_buffer)}; }
};
template <>
struct StateBuffers<torch::optim::AdamParamState> {
  using S = torch::optim::AdamParamState;
  static constexpr bool hasStep = true;
  static std::vector<std::pair<const char*, at::Tensor& (*)(S&)>> list() {
    return {NT_BUFFER(exp_avg), NT_BUFFER(exp_avg_sq), NT_BUFFER(max_exp_avg_sq)};
  }
};
template <>
struct StateBuffers<torch::optim::AdamWParamState> {
  using S = torch::optim::AdamWParamState;
  static constexpr bool hasStep = true;
  static std::vector<std::pair<const char*, at::Tensor& (*)(S&)>> list() {
    return {NT_BUFFER(exp_avg), NT_BUFFER(exp_avg_sq), NT_BUFFER(max_exp_avg_sq)};
  }
};
template <>
struct StateBuffers<torch::optim::RMSpropParamState> {
  using S = torch::optim::RMSpropParamState;
  static constexpr bool hasStep = true;
  static std::vector<std::pair<const char*, at::Tensor& (*)(S&)>> list() {
    return {NT_BUFFER(square_avg), NT_BUFFER(momentum_buffer), NT_BUFFER(grad_avg)};
  }
};
template <>
struct StateBuffers<torch::optim::AdagradParamState> {
  using S = torch::optim::AdagradParamState;
  static constexpr bool hasStep = true;
  static std::vector<std::pair<const char*, at::Tensor& (*)(S&)>> list() { return {NT_BUFFER(sum)}; }
};

template <typename Visit>
auto withStateKind(const std::string& kind, Visit&& visit) {
  if (kind == "sgd") return visit(static_cast<torch::optim::SGDParamState*>(nullptr));
  if (kind == "adam") return visit(static_cast<torch::optim::AdamParamState*>(nullptr));
  if (kind == "adamw") return visit(static_cast<torch::optim::AdamWParamState*>(nullptr));
  if (kind == "rmsprop") return visit(static_cast<torch::optim::RMSpropParamState*>(nullptr));
  if (kind == "adagrad") return visit(static_cast<torch::optim::AdagradParamState*>(nullptr));
  throw std::invalid_argument("unknown optimizer '" + kind + "'");
}

}  // namespace

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const std::string& kind,
                                                       const std::vector<ParamGroupSpec>& groups) {
  if (groups.empty()) throw std::invalid_argument(kind + ": an optimizer needs at least one parameter group");
  std::vector<OptimizerParamGroup> built;
  for (const auto& group : groups) built.emplace_back(group.params, optionsFor(kind, group.options));
  // The constructor's defaults are only used for groups without options; every group has its own.
  auto defaults = optionsFor(kind, groups[0].options);
  if (kind == "sgd")
    return std::make_unique<torch::optim::SGD>(built, static_cast<torch::optim::SGDOptions&>(*defaults));
  if (kind == "adam")
    return std::make_unique<torch::optim::Adam>(built, static_cast<torch::optim::AdamOptions&>(*defaults));
  if (kind == "adamw")
    return std::make_unique<torch::optim::AdamW>(built, static_cast<torch::optim::AdamWOptions&>(*defaults));
  if (kind == "rmsprop")
    return std::make_unique<torch::optim::RMSprop>(built, static_cast<torch::optim::RMSpropOptions&>(*defaults));
  return std::make_unique<torch::optim::Adagrad>(built, static_cast<torch::optim::AdagradOptions&>(*defaults));
}

void addParamGroup(torch::optim::Optimizer& optimizer, const std::string& kind, const ParamGroupSpec& group) {
  optimizer.add_param_group(OptimizerParamGroup(group.params, optionsFor(kind, group.options)));
}

OptionMap groupOptions(const std::string& kind, const OptimizerParamGroup& group) {
  return withKind(kind, [&](auto* tag) {
    using Options = std::remove_pointer_t<decltype(tag)>;
    return readOptions<Options>(group.options());
  });
}

void setGroupOption(const std::string& kind, OptimizerParamGroup& group, const std::string& name, double value) {
  withKind(kind, [&](auto* tag) {
    using Options = std::remove_pointer_t<decltype(tag)>;
    writeOption<Options>(group.options(), kind, name, value);
    return 0;
  });
}

std::optional<ParamState> paramState(torch::optim::Optimizer& optimizer, const std::string& kind,
                                     const at::Tensor& param) {
  auto& states = optimizer.state();
  auto found = states.find(stateKey<decltype(states)>(param));
  if (found == states.end()) return std::nullopt;
  return withStateKind(kind, [&](auto* tag) {
    using S = std::remove_pointer_t<decltype(tag)>;
    auto& state = static_cast<S&>(*found->second);
    ParamState out;
    if constexpr (StateBuffers<S>::hasStep) out.step = state.step();
    for (auto& [name, get] : StateBuffers<S>::list()) {
      if (get(state).defined()) out.buffers[name] = get(state);
    }
    return std::optional<ParamState>(out);
  });
}

void setParamState(torch::optim::Optimizer& optimizer, const std::string& kind, const at::Tensor& param,
                   const ParamState& given) {
  withStateKind(kind, [&](auto* tag) {
    using S = std::remove_pointer_t<decltype(tag)>;
    auto state = std::make_unique<S>();
    if constexpr (StateBuffers<S>::hasStep) state->step(given.step.value_or(0));
    for (auto& [name, get] : StateBuffers<S>::list()) {
      auto buffer = given.buffers.find(name);
      if (buffer == given.buffers.end()) continue;
      if (!buffer->second.sizes().equals(param.sizes())) {
        throw std::invalid_argument(std::string("optimizer state '") + name + "' has shape " +
                                    c10::str(buffer->second.sizes()) + " but its parameter has shape " +
                                    c10::str(param.sizes()));
      }
      get(*state) = buffer->second.to(param.options());
    }
    auto& states = optimizer.state();
    states[stateKey<decltype(states)>(param)] = std::move(state);
    return 0;
  });
}

int64_t stateBytes(torch::optim::Optimizer& optimizer, const std::string& kind) {
  int64_t bytes = 0;
  for (auto& group : optimizer.param_groups()) {
    for (const at::Tensor& param : group.params()) {
      auto state = paramState(optimizer, kind, param);
      if (!state) continue;
      for (const auto& entry : state->buffers) {
        if (entry.second.has_storage()) bytes += static_cast<int64_t>(entry.second.storage().nbytes());
      }
    }
  }
  return bytes;
}

void zeroGrad(torch::optim::Optimizer& optimizer, bool setToNone) {
  for (auto& group : optimizer.param_groups()) {
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      if (setToNone) {
        p.mutable_grad().reset();
      } else {
        p.mutable_grad().detach_();
        p.mutable_grad().zero_();
      }
    }
  }
}

}  // namespace nodetorch
