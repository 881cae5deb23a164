#include "core/op_guards.h"

#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>
#include <unordered_map>

namespace nodetorch {
namespace {

const c10::IValue& arg(const c10::FunctionSchema& schema, const torch::jit::Stack& stack, const char* name) {
  auto index = schema.argumentIndexWithName(name);
  if (!index || static_cast<size_t>(*index) >= stack.size()) throw std::logic_error(std::string("no argument ") + name);
  return stack[*index];
}

[[noreturn]] void refuse(const std::string& why) { throw std::invalid_argument(why); }

void nonEmptyList(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  const c10::IValue& tensors = arg(schema, stack, "tensors");
  if (tensors.isTensorList() && tensors.toTensorList().empty()) refuse("expected a non-empty list of Tensors");
}

// _stack is stack's fast path: it assumes what stack checks first (contiguous tensors of one shape and dtype).
void stackFastPath(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  nonEmptyList(schema, stack);
  std::vector<at::Tensor> tensors = arg(schema, stack, "tensors").toTensorVector();
  const at::Tensor& first = tensors[0];
  int64_t dim = arg(schema, stack, "dim").toInt();
  if (dim < -(first.dim() + 1) || dim > first.dim()) refuse("dim is out of range");
  for (const at::Tensor& t : tensors) {
    if (!t.is_contiguous() || t.sizes() != first.sizes() || t.scalar_type() != first.scalar_type())
      refuse("expected contiguous tensors of one shape and dtype (use stack)");
  }
  auto out = schema.argumentIndexWithName("out");
  if (out && stack[*out].toTensor().scalar_type() != first.scalar_type()) refuse("out must have the tensors' dtype");
}

// Internal out= kernels that their public op calls only after checking out's dtype.
void outDtypeOfSelf(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  auto out = schema.argumentIndexWithName("out");
  if (!out) return;
  if (stack[*out].toTensor().scalar_type() != arg(schema, stack, "self").toTensor().scalar_type())
    refuse("out must have self's dtype");
}

void pixelShuffle(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  const at::Tensor& self = arg(schema, stack, "self").toTensor();
  bool up = schema.name().find("unshuffle") == std::string::npos;
  int64_t factor = arg(schema, stack, up ? "upscale_factor" : "downscale_factor").toInt();
  if (self.dim() < 3) refuse("expected an input of at least 3 dimensions");
  if (factor < 1 || factor > (int64_t(1) << 20))
    refuse("the factor must be in [1, 2^20], got " + std::to_string(factor));
  if (up && self.size(-3) % (factor * factor) != 0) refuse("the channels must be divisible by the factor squared");
  if (!up && (self.size(-1) % factor != 0 || self.size(-2) % factor != 0))
    refuse("height and width must be divisible by the factor");
}

void quantizationParams(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  const at::Tensor& input = arg(schema, stack, "input").toTensor();
  int64_t numel = arg(schema, stack, "numel").toInt();
  int64_t bins = arg(schema, stack, "n_bins").toInt();
  int64_t bits = arg(schema, stack, "bit_width").toInt();
  double ratio = arg(schema, stack, "ratio").toDouble();
  if (numel != input.numel() || numel == 0) refuse("numel must be the input's (non-zero) number of elements");
  if (bins < 1 || bins > (int64_t(1) << 20) || bits < 1 || bits > 16 || !(ratio > 0 && ratio <= 1))
    refuse("n_bins must be in [1, 2^20], bit_width in [1, 16] and ratio in (0, 1]");
}

void rreluNoise(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  const at::Tensor& self = arg(schema, stack, "self").toTensor();
  const at::Tensor& noise = arg(schema, stack, "noise").toTensor();
  if (noise.numel() != self.numel()) {
    refuse("noise must have as many elements as self (" + std::to_string(self.numel()) + "), got " +
           std::to_string(noise.numel()));
  }
}

// The _fft_* primitives take dims already wrapped into [0, dim): negative or repeated ones read past the shape.
void fftDims(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  const at::Tensor& self = arg(schema, stack, "self").toTensor();
  std::vector<bool> seen(static_cast<size_t>(std::max<int64_t>(self.dim(), 0)), false);
  for (int64_t d : arg(schema, stack, "dim").toIntVector()) {
    if (d < 0 || d >= self.dim()) {
      refuse("dim " + std::to_string(d) + " is out of range for a " + std::to_string(self.dim()) +
             "-dimensional tensor (these primitives take wrapped, non-negative dims)");
    }
    if (seen[d]) refuse("dim " + std::to_string(d) + " is repeated");
    seen[d] = true;
  }
}

void channelShuffle(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  const at::Tensor& self = arg(schema, stack, "self").toTensor();
  int64_t groups = arg(schema, stack, "groups").toInt();
  if (self.dim() < 3) refuse("expected an input of at least 3 dimensions, got " + std::to_string(self.dim()));
  if (self.numel() == 0) refuse("expected a non-empty input");
  int64_t channels = self.size(1);
  if (groups < 1 || groups > std::max<int64_t>(channels, 1) || (channels > 0 && channels % groups != 0)) {
    refuse("groups must be positive and divide the " + std::to_string(channels) + " channels, got " +
           std::to_string(groups));
  }
}

void weightNormBackward(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  const at::Tensor& gradW = arg(schema, stack, "grad_w").toTensor();
  const at::Tensor& savedV = arg(schema, stack, "saved_v").toTensor();
  const at::Tensor& savedG = arg(schema, stack, "saved_g").toTensor();
  const at::Tensor& savedNorms = arg(schema, stack, "saved_norms").toTensor();
  int64_t dim = arg(schema, stack, "dim").toInt();
  if (savedV.dim() == 0 || savedV.numel() == 0)
    refuse("saved_v must be a non-empty tensor with at least one dimension");
  if (gradW.sizes() != savedV.sizes()) refuse("grad_w must have the shape of saved_v");
  if (dim != 0 && dim != savedV.dim() - 1) refuse("dim must be the first or the last dimension of saved_v");
  int64_t size = savedV.size(dim);
  if (savedG.numel() != size || savedNorms.numel() != size)
    refuse("saved_g and saved_norms must hold one value per slice of saved_v along dim (" + std::to_string(size) + ")");
}

// The slow convolutions index their kernel, stride and padding lists and the input's dims without checking them all.
void slowConvolution(const c10::FunctionSchema& schema, const torch::jit::Stack& stack, size_t spatial) {
  const at::Tensor& self = arg(schema, stack, "self").toTensor();
  const at::Tensor& weight = arg(schema, stack, "weight").toTensor();
  auto d = static_cast<int64_t>(spatial);
  if (self.dim() != d + 1 && self.dim() != d + 2)
    refuse("expected a " + std::to_string(d + 1) + "D or " + std::to_string(d + 2) + "D input, got " +
           std::to_string(self.dim()) + "D");
  if (weight.dim() != d + 2)
    refuse("expected a " + std::to_string(d + 2) + "D weight, got " + std::to_string(weight.dim()) + "D");
  for (const char* name : {"kernel_size", "stride", "padding"}) {
    std::vector<int64_t> values = arg(schema, stack, name).toIntVector();
    if (values.size() != spatial) refuse(std::string(name) + " must have " + std::to_string(spatial) + " values");
    for (int64_t v : values) {
      if (v < (std::string(name) == "padding" ? 0 : 1))
        refuse(std::string(name) + " values must be positive (padding non-negative)");
    }
  }
}
void slowConv2d(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  slowConvolution(schema, stack, 2);
}
void slowConv3d(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  slowConvolution(schema, stack, 3);
}

void batchDims(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  const at::Tensor& self = arg(schema, stack, "self").toTensor();
  int64_t dims = arg(schema, stack, "self_num_batch_dims").toInt();
  if (dims < 0 || dims > self.dim())
    refuse("self_num_batch_dims must be in [0, " + std::to_string(self.dim()) + "], got " + std::to_string(dims));
}

void functorchInternal(const c10::FunctionSchema&, const torch::jit::Stack&) {
  refuse(
      "this functorch internal expects batched tensors, which JavaScript cannot make; it is not callable from "
      "nodetorch");
}

void singleElement(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  const at::Tensor& self = arg(schema, stack, "self").toTensor();
  if (self.numel() != 1) refuse("expected a tensor with one element, got " + std::to_string(self.numel()));
}

// _reshape_alias makes a view without the bounds check as_strided has.
void aliasBounds(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  const at::Tensor& self = arg(schema, stack, "self").toTensor();
  std::vector<int64_t> size = arg(schema, stack, "size").toIntVector();
  std::vector<int64_t> stride = arg(schema, stack, "stride").toIntVector();
  if (size.size() != stride.size()) refuse("size and stride must have the same length");
  if (!self.has_storage()) refuse("expected a tensor with storage");
  int64_t extent = 0;
  for (size_t i = 0; i < size.size(); ++i) {
    if (size[i] < 0 || stride[i] < 0) refuse("size and stride must be non-negative");
    if (size[i] == 0) return;
    int64_t reach = 0;
    if (__builtin_mul_overflow(size[i] - 1, stride[i], &reach) || __builtin_add_overflow(extent, reach, &extent))
      refuse("the view reaches past the end of the storage");
  }
  int64_t available = static_cast<int64_t>(self.storage().nbytes() / std::max<size_t>(self.element_size(), 1));
  if (extent + self.storage_offset() >= available) refuse("the view reaches past the end of the storage");
}

// replication_pad{1,2,3}d, reflection_pad{1,2,3}d and their backward kernels compute with int.
void padding(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  const at::Tensor& self = arg(schema, stack, "self").toTensor();
  std::vector<int64_t> pads = arg(schema, stack, "padding").toIntVector();
  int64_t spatial = static_cast<int64_t>(pads.size() / 2);
  if (pads.size() % 2 != 0 || spatial == 0) refuse("padding must hold two values per padded dimension");
  if (self.dim() != spatial + 1 && self.dim() != spatial + 2)
    refuse("expected a " + std::to_string(spatial + 1) + "D or " + std::to_string(spatial + 2) + "D input, got " +
           std::to_string(self.dim()) + "D");
  constexpr int64_t limit = (int64_t(1) << 31) - 1;
  std::vector<int64_t> padded(self.sizes().begin(), self.sizes().end());
  for (int64_t d = 0; d < spatial; ++d) {
    // padding is (left, right) of the last dim first, then of the one before...
    int64_t dim = self.dim() - 1 - d;
    int64_t before = pads[2 * d], after = pads[2 * d + 1];
    if (std::abs(before) > limit || std::abs(after) > limit) refuse("padding values must fit in 32 bits");
    padded[dim] = self.size(dim) + before + after;
    if (padded[dim] < 1 || padded[dim] > limit)
      refuse("the padded size of dim " + std::to_string(dim) + " would be " + std::to_string(padded[dim]));
  }
  auto gradOutput = schema.argumentIndexWithName("grad_output");
  if (gradOutput) {
    const at::Tensor& grad = stack[*gradOutput].toTensor();
    if (grad.sizes() != c10::IntArrayRef(padded)) refuse("grad_output must have the padded input's shape");
  }
}

void histogramBins(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  const at::Tensor& self = arg(schema, stack, "self").toTensor();
  if (self.dim() < 1) refuse("expected an input with at least one dimension");
  int64_t d = self.size(-1);
  const c10::IValue& bins = arg(schema, stack, "bins");
  if (bins.isIntList()) {
    std::vector<int64_t> counts = bins.toIntVector();
    if (static_cast<int64_t>(counts.size()) != d)
      refuse("bins must hold one count per coordinate (" + std::to_string(d) + "), got " +
             std::to_string(counts.size()));
    for (int64_t count : counts) {
      if (count < 1) refuse("bin counts must be positive");
    }
  } else if (bins.isTensorList()) {
    auto edges = bins.toTensorList();
    if (static_cast<int64_t>(edges.size()) != d)
      refuse("bins must hold one edge tensor per coordinate (" + std::to_string(d) + ")");
    for (const at::Tensor& edge : edges) {
      if (edge.dim() != 1 || edge.numel() < 1) refuse("each bin edge tensor must be 1-D and non-empty");
    }
  } else if (bins.isInt() && bins.toInt() < 1) {
    refuse("bins must be positive");
  }
  auto rangeIndex = schema.argumentIndexWithName("range");
  if (rangeIndex && stack[*rangeIndex].isDoubleList() &&
      static_cast<int64_t>(stack[*rangeIndex].toDoubleVector().size()) != 2 * d)
    refuse("range must hold two values per coordinate");
  auto weightIndex = schema.argumentIndexWithName("weight");
  if (weightIndex && stack[*weightIndex].isTensor() && d > 0 &&
      stack[*weightIndex].toTensor().numel() != self.numel() / d)
    refuse("weight must hold one value per point");
}

void channels(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  const at::Tensor& input = arg(schema, stack, "input").toTensor();
  if (input.dim() < 2 || input.size(1) == 0)
    refuse("expected an input of at least 2 dimensions with channels in dim 1");
  for (const char* name : {"running_mean", "running_var", "mean", "invstd"}) {
    auto index = schema.argumentIndexWithName(name);
    if (index && stack[*index].isTensor() && stack[*index].toTensor().numel() != input.size(1) &&
        stack[*index].toTensor().dim() == 1) {
      refuse(std::string(name) + " must hold one value per channel");
    }
  }
}

void weightNorm(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  const at::Tensor& v = arg(schema, stack, "v").toTensor();
  const at::Tensor& g = arg(schema, stack, "g").toTensor();
  int64_t dim = arg(schema, stack, "dim").toInt();
  if (v.dim() == 0 || v.numel() == 0) refuse("v must be a non-empty tensor with at least one dimension");
  if (dim < -1 || dim >= v.dim()) refuse("dim must be -1 or a dimension of v");
  int64_t expected = dim == -1 ? 1 : v.size(dim);
  if (g.numel() != expected) refuse("g must hold " + std::to_string(expected) + " values");
}

void gammaDimension(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  int64_t p = arg(schema, stack, "p").toInt();
  if (p < 1 || p > 65536) refuse("p must be in [1, 65536] (LibTorch loops p times), got " + std::to_string(p));
}

void requireMatrices(const at::Tensor& t, const char* name) {
  if (t.dim() < 2 || t.size(-1) != t.size(-2)) refuse(std::string(name) + " must be a (batch of) square matrices");
}

void choleskySolve(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  const at::Tensor& self = arg(schema, stack, "self").toTensor();
  const at::Tensor& a = arg(schema, stack, "A").toTensor();
  requireMatrices(a, "A");
  if (self.dim() != a.dim() || self.size(-2) != a.size(-1) ||
      self.sizes().slice(0, self.dim() - 2) != a.sizes().slice(0, a.dim() - 2))
    refuse("self must be a batch of matrices with A's batch shape and A's size in dim -2");
}

void squareSelf(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  const at::Tensor& self = arg(schema, stack, "self").toTensor();
  requireMatrices(self, "self");
  auto grad = schema.argumentIndexWithName("grad");
  if (grad && stack[*grad].toTensor().sizes() != self.sizes()) refuse("grad must have self's shape");
}

void linearCombination(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  const at::Tensor& input = arg(schema, stack, "input").toTensor();
  const at::Tensor& coefficients = arg(schema, stack, "coefficients").toTensor();
  if (input.dim() < 1 || coefficients.dim() != 2 || coefficients.size(1) != input.size(0))
    refuse("coefficients must be a matrix with as many columns as input has rows");
  if (coefficients.scalar_type() != input.scalar_type()) refuse("coefficients must have input's dtype");
}

void nonEmptyFloatWeight(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  const at::Tensor& weight = arg(schema, stack, "weight").toTensor();
  if (weight.numel() == 0 || weight.scalar_type() != at::kFloat) refuse("weight must be a non-empty float32 tensor");
}

void attentionHeads(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  const at::Tensor& qkv = arg(schema, stack, "qkv").toTensor();
  const at::Tensor& bias = arg(schema, stack, "qkv_bias").toTensor();
  int64_t heads = arg(schema, stack, "num_heads").toInt();
  if (qkv.dim() != 3 || heads < 1 || qkv.size(2) % (3 * heads) != 0)
    refuse("qkv must be (batch, tokens, 3 * heads * head_dim) with num_heads >= 1");
  if (bias.dim() != 1 || bias.size(0) != qkv.size(2)) refuse("qkv_bias must hold one value per feature of qkv");
}

void poolBackward(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  const at::Tensor& grad = arg(schema, stack, "grad_output").toTensor();
  const at::Tensor& self = arg(schema, stack, "self").toTensor();
  int64_t spatial = schema.name().find("3d") != std::string::npos ? 3 : 2;
  if (self.dim() != spatial + 1 && self.dim() != spatial + 2)
    refuse("unexpected input rank " + std::to_string(self.dim()));
  if (grad.dim() != self.dim() ||
      grad.sizes().slice(0, self.dim() - spatial) != self.sizes().slice(0, self.dim() - spatial))
    refuse("grad_output must have self's rank, batch and channels");
  auto indices = schema.argumentIndexWithName("indices");
  if (indices && stack[*indices].toTensor().sizes() != grad.sizes()) refuse("indices must have grad_output's shape");
}

// The antialiasing upsamplers size their filter by 1 / scale: a tiny, negative or infinite scale
// makes it enormous (or negative) and the kernel writes past its buffers.
void antialiasScales(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  std::vector<int64_t> inputSize;
  auto self = schema.argumentIndexWithName("self");
  if (self) {
    const at::Tensor& input = stack[*self].toTensor();
    inputSize.assign(input.sizes().begin(), input.sizes().end());
  } else {
    inputSize = arg(schema, stack, "input_size").toIntVector();
  }
  if (inputSize.size() != 4) refuse("expected a 4D input (batch, channels, height, width)");
  const char* names[] = {"scales_h", "scales_w"};
  for (int i = 0; i < 2; ++i) {
    const c10::IValue& scale = arg(schema, stack, names[i]);
    if (scale.isNone()) continue;
    double value = scale.toDouble();
    if (!std::isfinite(value) || value <= 0 ||
        1 / value > 2.0 * static_cast<double>(std::max<int64_t>(inputSize[2 + i], 1)))
      refuse(std::string(names[i]) + " must be a positive scale no smaller than half of output/input, got " +
             std::to_string(value));
  }
}

// unfold_backward trusts that grad_in has the shape unfold(dim, size, step) gave.
void unfoldBackward(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  const at::Tensor& grad = arg(schema, stack, "grad_in").toTensor();
  std::vector<int64_t> sizes = arg(schema, stack, "input_sizes").toIntVector();
  int64_t dim = arg(schema, stack, "dim").toInt();
  int64_t size = arg(schema, stack, "size").toInt();
  int64_t step = arg(schema, stack, "step").toInt();
  auto rank = static_cast<int64_t>(sizes.size());
  if (dim < 0) dim += std::max<int64_t>(rank, 1);
  if (rank == 0 ? dim != 0 : (dim < 0 || dim >= rank)) refuse("dim is out of range for input_sizes");
  int64_t length = rank == 0 ? 1 : sizes[dim];
  if (size < 1 || step < 1 || size > length)
    refuse("size and step must be positive, and size at most the unfolded dim");
  std::vector<int64_t> expected = sizes;
  if (rank == 0) expected = {1};
  expected[dim] = (length - size) / step + 1;
  expected.push_back(size);
  if (grad.sizes() != c10::IntArrayRef(expected)) refuse("grad_in must have the shape unfold(dim, size, step) gives");
}

void cooIndices(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  const at::Tensor& self = arg(schema, stack, "self").toTensor();
  if (self.dim() != 1) refuse("expected 1-D (sorted) row indices, got " + std::to_string(self.dim()) + "-D");
  if (arg(schema, stack, "size").toInt() < 0) refuse("size must be non-negative");
}

void csrIndices(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  const at::Tensor& crow = arg(schema, stack, "crow_indices").toTensor();
  const at::Tensor& col = arg(schema, stack, "col_indices").toTensor();
  if (crow.dim() != 1 || col.dim() != 1 || crow.numel() < 1)
    refuse("expected 1-D crow_indices (non-empty) and col_indices");
}

// The Sobol engine's kernels take the state shapes torch.quasirandom.SobolEngine makes.
constexpr int64_t kSobolMaxBit = 30;
constexpr int64_t kSobolMaxDimension = 21201;
void sobolState(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  int64_t dimension = arg(schema, stack, "dimension").toInt();
  if (dimension < 1 || dimension > kSobolMaxDimension) refuse("dimension must be in [1, 21201]");
  auto checkState = [&](const at::Tensor& state, const char* name) {
    if (state.scalar_type() != at::kLong || state.dim() != 2 || state.size(0) < dimension ||
        state.size(1) != kSobolMaxBit)
      refuse(std::string(name) + " must be an int64 tensor of shape (dimension, 30)");
  };
  for (const char* name : {"sobolstate", "ltm"}) {
    auto index = schema.argumentIndexWithName(name);
    if (index) checkState(stack[*index].toTensor(), name);
  }
  const std::string& op = schema.name();
  if (op.find("initialize_state") != std::string::npos) checkState(arg(schema, stack, "self").toTensor(), "self");
  auto quasi = schema.argumentIndexWithName(op.find("draw") != std::string::npos ? "quasi" : "self");
  if (quasi && op.find("initialize_state") == std::string::npos && op.find("scramble") == std::string::npos) {
    const at::Tensor& q = stack[*quasi].toTensor();
    if (q.scalar_type() != at::kLong || q.dim() != 1 || q.size(0) < dimension)
      refuse("the quasi state must be an int64 tensor of dimension values");
  }
  if (op.find("scramble") != std::string::npos) checkState(arg(schema, stack, "self").toTensor(), "self");
  for (const char* name : {"n", "num_generated"}) {
    auto index = schema.argumentIndexWithName(name);
    if (index && (stack[*index].toInt() < 0 || stack[*index].toInt() > (int64_t(1) << 40)))
      refuse(std::string(name) + " must be in [0, 2^40]");
  }
}

void batchNormBackward(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  const at::Tensor& grad = arg(schema, stack, "grad_out").toTensor();
  const at::Tensor& input = arg(schema, stack, "input").toTensor();
  if (input.dim() < 2 || input.numel() == 0) refuse("expected a non-empty input of at least 2 dimensions");
  if (grad.sizes() != input.sizes()) refuse("grad_out must have the input's shape");
  for (const char* name : {"weight", "running_mean", "running_var", "save_mean", "save_invstd"}) {
    auto index = schema.argumentIndexWithName(name);
    if (index && stack[*index].isTensor() && stack[*index].toTensor().defined() &&
        stack[*index].toTensor().numel() != input.size(1))
      refuse(std::string(name) + " must hold one value per channel");
  }
}

void batchNormForward(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  const at::Tensor& input = arg(schema, stack, "input").toTensor();
  if (input.dim() < 2 || input.numel() == 0) refuse("expected a non-empty input of at least 2 dimensions");
  for (const char* name : {"weight", "bias", "running_mean", "running_var"}) {
    auto index = schema.argumentIndexWithName(name);
    if (index && stack[*index].isTensor() && stack[*index].toTensor().defined() &&
        stack[*index].toTensor().numel() != input.size(1))
      refuse(std::string(name) + " must hold one value per channel");
  }
}

void pairwiseDistance(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  const at::Tensor& self = arg(schema, stack, "self").toTensor();
  if (self.dim() != 2) refuse("expected a 2-D input (points x coordinates), got " + std::to_string(self.dim()) + "-D");
  auto pdist = schema.argumentIndexWithName("pdist");
  if (pdist) {
    int64_t n = self.size(0);
    const at::Tensor& distances = stack[*pdist].toTensor();
    const at::Tensor& grad = arg(schema, stack, "grad").toTensor();
    if (distances.dim() != 1 || distances.numel() != n * (n - 1) / 2 || grad.sizes() != distances.sizes())
      refuse("pdist and grad must hold the n(n-1)/2 distances of self's points");
  }
}

void notCallable(const c10::FunctionSchema&, const torch::jit::Stack&) {
  refuse(
      "this LibTorch internal (an autograd or RNN cell helper) assumes inputs checked by its caller; it is not "
      "callable from nodetorch");
}

// The special polynomials loop n times per element (n = 2^40 never returns).
constexpr double kMaxDegree = 65536;
void polynomialDegree(const c10::FunctionSchema& schema, const torch::jit::Stack& stack) {
  const c10::IValue& n = arg(schema, stack, "n");
  double largest = 0;
  if (n.isTensor()) {
    const at::Tensor& t = n.toTensor();
    if (t.numel() == 0) return;
    at::Tensor magnitude = t.detach().to(at::kDouble).abs();
    if (magnitude.isnan().any().item<bool>()) refuse("n must not hold NaN");
    largest = magnitude.max().item<double>();
  } else {
    largest = std::abs(n.toScalar().toDouble());
    if (std::isnan(largest)) refuse("n must not be NaN");
  }
  if (largest > kMaxDegree) {
    refuse("degree n must be at most " + std::to_string(static_cast<int64_t>(kMaxDegree)) +
           " (LibTorch loops n times per element), got " + std::to_string(largest));
  }
}

const std::unordered_map<std::string, OpGuard>& guards() {
  static const std::unordered_map<std::string, OpGuard> table = [] {
    std::unordered_map<std::string, OpGuard> t = {
        {"_stack", stackFastPath},
        {"align_tensors", nonEmptyList},
        {"rrelu_with_noise", rreluNoise},
        {"rrelu_with_noise_", rreluNoise},
        {"_fft_c2r", fftDims},
        {"_fft_r2c", fftDims},
        {"_fft_c2c", fftDims},
        {"native_channel_shuffle", channelShuffle},
        {"channel_shuffle", channelShuffle},
        {"_weight_norm_interface_backward", weightNormBackward},
        {"_slow_conv2d_forward", slowConv2d},
        {"slow_conv3d_forward", slowConv3d},
        {"slow_conv3d", slowConv3d},
        {"_new_zeros_with_same_feature_meta", batchDims},
        {"_add_batch_dim", functorchInternal},
        {"_remove_batch_dim", functorchInternal},
        {"_local_scalar_dense", singleElement},
        {"_reshape_alias", aliasBounds},
        {"_reshape_alias_copy", aliasBounds},
        {"histogramdd", histogramBins},
        {"_histogramdd_bin_edges", histogramBins},
        {"_histogramdd_from_bin_cts", histogramBins},
        {"_histogramdd_from_bin_tensors", histogramBins},
        {"batch_norm_update_stats", channels},
        {"batch_norm_stats", channels},
        {"batch_norm_elemt", channels},
        {"_weight_norm", weightNorm},
        {"_weight_norm_interface", weightNorm},
        {"mvlgamma", gammaDimension},
        {"mvlgamma_", gammaDimension},
        {"special_multigammaln", gammaDimension},
        {"_cholesky_solve_helper", choleskySolve},
        {"_symeig_helper", squareSelf},
        {"matrix_exp_backward", squareSelf},
        {"_compute_linear_combination", linearCombination},
        {"_saturate_weight_to_fp16", nonEmptyFloatWeight},
        {"_transform_bias_rescale_qkv", attentionHeads},
        {"_adaptive_avg_pool2d_backward", poolBackward},
        {"_adaptive_avg_pool3d_backward", poolBackward},
        {"adaptive_avg_pool3d_backward", poolBackward},
        {"adaptive_max_pool2d_backward", poolBackward},
        {"adaptive_max_pool3d_backward", poolBackward},
        {"thnn_conv2d", slowConv2d},
        {"_slow_conv2d_backward", slowConv2d},
        {"_upsample_bilinear2d_aa", antialiasScales},
        {"_upsample_bilinear2d_aa_backward", antialiasScales},
        {"_upsample_bicubic2d_aa", antialiasScales},
        {"_upsample_bicubic2d_aa_backward", antialiasScales},
        {"unfold_backward", unfoldBackward},
        {"_logcumsumexp", outDtypeOfSelf},
        {"pixel_shuffle", pixelShuffle},
        {"pixel_unshuffle", pixelShuffle},
        {"native_pixel_shuffle", pixelShuffle},
        {"native_pixel_unshuffle", pixelShuffle},
        {"choose_qparams_optimized", quantizationParams},
        {"_ctc_loss_backward", notCallable},
        {"_convert_indices_from_coo_to_csr", cooIndices},
        {"_convert_indices_from_csr_to_coo", csrIndices},
        {"_sobol_engine_draw", sobolState},
        {"_sobol_engine_ff_", sobolState},
        {"_sobol_engine_scramble_", sobolState},
        {"_sobol_engine_initialize_state_", sobolState},
        {"native_batch_norm_backward", batchNormBackward},
        {"native_batch_norm", batchNormForward},
        {"_pdist_forward", pairwiseDistance},
        {"_pdist_backward", pairwiseDistance},
        {"_thnn_differentiable_gru_cell_backward", notCallable},
        {"_thnn_differentiable_lstm_cell_backward", notCallable},
        {"quantized_lstm_cell", notCallable},
        {"quantized_gru_cell", notCallable},
        {"quantized_rnn_relu_cell", notCallable},
        {"quantized_rnn_tanh_cell", notCallable},
    };
    for (const char* name :
         {"replication_pad1d", "replication_pad2d", "replication_pad3d", "reflection_pad1d", "reflection_pad2d",
          "reflection_pad3d", "replication_pad1d_backward", "replication_pad2d_backward", "replication_pad3d_backward",
          "reflection_pad1d_backward", "reflection_pad2d_backward", "reflection_pad3d_backward"}) {
      t.emplace(name, padding);
    }
    for (const char* name :
         {"special_chebyshev_polynomial_t", "special_chebyshev_polynomial_u", "special_chebyshev_polynomial_v",
          "special_chebyshev_polynomial_w", "special_shifted_chebyshev_polynomial_t",
          "special_shifted_chebyshev_polynomial_u", "special_shifted_chebyshev_polynomial_v",
          "special_shifted_chebyshev_polynomial_w", "special_hermite_polynomial_h", "special_hermite_polynomial_he",
          "special_laguerre_polynomial_l", "special_legendre_polynomial_p"}) {
      t.emplace(name, polynomialDegree);
    }
    return t;
  }();
  return table;
}

}  // namespace

OpGuard guardFor(const c10::OperatorHandle& op) {
  const std::string& name = op.schema().name();
  auto found = guards().find(name.rfind("aten::", 0) == 0 ? name.substr(6) : name);
  return found == guards().end() ? nullptr : found->second;
}

std::vector<std::string> guardedOperators() {
  std::vector<std::string> names;
  for (const auto& entry : guards()) names.push_back(entry.first);
  return names;
}

}  // namespace nodetorch
