#include "core/image_transforms.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <cmath>
#include <stdexcept>
#include <string>

namespace nodetorch {
namespace {

// Where one output pixel samples from: up to four source pixels (offsets in a plane, -1 for
// outside) and their weights; nearest uses the first only.
struct Tap {
  std::array<int64_t, 4> at{-1, -1, -1, -1};
  std::array<double, 4> weight{0, 0, 0, 0};
  double inside = 0;  // the sum of the weights that fall inside the image
};

// A whole pixel coordinate as an index, or -1 outside [0, size): checked in double, so a huge,
// infinite or NaN coordinate (from an extreme theta) never reaches the cast to int64.
int64_t pixelIndex(double coordinate, int64_t size) {
  return coordinate >= 0 && coordinate < static_cast<double>(size) ? static_cast<int64_t>(coordinate) : -1;
}

std::vector<Tap> affineTaps(int64_t height, int64_t width, const std::array<double, 6>& t, bool nearest) {
  std::vector<Tap> taps(static_cast<size_t>(height * width));
  auto offset = [&](double y, double x) {
    const int64_t row = pixelIndex(y, height), column = pixelIndex(x, width);
    return row >= 0 && column >= 0 ? row * width + column : -1;
  };
  for (int64_t i = 0; i < height; i++) {
    // affine_grid's base grid without align_corners: pixel centers in [-1, 1].
    const double yBase = static_cast<double>(2 * i + 1 - height) / static_cast<double>(height);
    for (int64_t j = 0; j < width; j++) {
      const double xBase = static_cast<double>(2 * j + 1 - width) / static_cast<double>(width);
      const double gx = t[0] * xBase + t[1] * yBase + t[2];
      const double gy = t[3] * xBase + t[4] * yBase + t[5];
      // grid_sampler's unnormalize without align_corners.
      const double ix = ((gx + 1) * static_cast<double>(width) - 1) / 2;
      const double iy = ((gy + 1) * static_cast<double>(height) - 1) / 2;
      Tap& tap = taps[static_cast<size_t>(i * width + j)];
      if (nearest) {
        // std::nearbyint rounds halves to even, as grid_sampler's nearest mode does.
        tap.at[0] = offset(std::nearbyint(iy), std::nearbyint(ix));
        tap.weight[0] = tap.at[0] >= 0 ? 1 : 0;
      } else {
        const double x0 = std::floor(ix), y0 = std::floor(iy);
        const double wx = ix - x0, wy = iy - y0;
        tap.at = {offset(y0, x0), offset(y0, x0 + 1), offset(y0 + 1, x0), offset(y0 + 1, x0 + 1)};
        tap.weight = {(1 - wx) * (1 - wy), wx * (1 - wy), (1 - wx) * wy, wx * wy};
      }
      for (size_t k = 0; k < 4; k++) {
        if (tap.at[k] < 0) tap.weight[k] = 0;
        tap.inside += tap.weight[k];
      }
    }
  }
  return taps;
}

template <typename T>
void sampleAffine(const T* in, T* out, int64_t planes, int64_t planeSize, const std::vector<Tap>& taps, double fill) {
  at::parallel_for(0, planes, std::max<int64_t>(1, 32768 / std::max<int64_t>(planeSize, 1)),
                   [&](int64_t begin, int64_t end) {
                     for (int64_t p = begin; p < end; p++) {
                       const T* src = in + p * planeSize;
                       T* dst = out + p * planeSize;
                       for (int64_t q = 0; q < planeSize; q++) {
                         const Tap& tap = taps[static_cast<size_t>(q)];
                         double value = 0;
                         for (size_t k = 0; k < 4; k++)
                           if (tap.at[k] >= 0) value += tap.weight[k] * static_cast<double>(src[tap.at[k]]);
                         if (fill != 0) value += (1 - tap.inside) * fill;
                         dst[q] = static_cast<T>(value);
                       }
                     }
                   });
}

template <typename T>
void normalizePlanes(const T* in, T* out, int64_t batches, int64_t channels, int64_t planeSize,
                     const std::vector<double>& means, const std::vector<double>& stds) {
  for (int64_t b = 0; b < batches; b++) {
    for (int64_t c = 0; c < channels; c++) {
      // The mean and std in T, as the tensors ATen's sub and div would take them.
      const T mean = static_cast<T>(means[means.size() == 1 ? 0 : static_cast<size_t>(c)]);
      const T std = static_cast<T>(stds[stds.size() == 1 ? 0 : static_cast<size_t>(c)]);
      const int64_t base = (b * channels + c) * planeSize;
      for (int64_t q = 0; q < planeSize; q++) out[base + q] = (in[base + q] - mean) / std;
    }
  }
}

}  // namespace

at::Tensor cropWithFill(const at::Tensor& input, int64_t top, int64_t left, int64_t height, int64_t width,
                        double fill) {
  TORCH_CHECK(input.dim() >= 2, "crop expects an image tensor shaped (..., H, W), got ", input.dim(), " dimensions");
  TORCH_CHECK(height >= 0 && width >= 0, "crop size must not be negative, got (", height, ", ", width, ")");
  const int64_t inHeight = input.size(-2), inWidth = input.size(-1);
  if (top >= 0 && left >= 0 && top + height <= inHeight && left + width <= inWidth)
    return input.narrow(-2, top, height).narrow(-1, left, width);
  std::vector<int64_t> sizes(input.sizes().begin(), input.sizes().end());
  sizes[sizes.size() - 2] = height;
  sizes[sizes.size() - 1] = width;
  at::Tensor out = at::full(sizes, fill, input.options());
  // The rows and columns of the window that lie inside the image.
  const int64_t r0 = std::max<int64_t>(0, -top), r1 = std::min(height, inHeight - top);
  const int64_t c0 = std::max<int64_t>(0, -left), c1 = std::min(width, inWidth - left);
  if (r1 > r0 && c1 > c0)
    out.narrow(-2, r0, r1 - r0)
        .narrow(-1, c0, c1 - c0)
        .copy_(input.narrow(-2, top + r0, r1 - r0).narrow(-1, left + c0, c1 - c0));
  return out;
}

bool takesImageKernel(const at::Tensor& input) {
  return input.device().is_cpu() && input.layout() == at::kStrided && !input.requires_grad() &&
         (input.scalar_type() == at::kFloat || input.scalar_type() == at::kDouble);
}

at::Tensor affineSample(const at::Tensor& input, const std::array<double, 6>& theta, bool nearest, double fill) {
  TORCH_CHECK(input.dim() >= 2, "affine expects an image tensor shaped (..., H, W), got ", input.dim(), " dimensions");
  const at::Tensor source = input.contiguous();
  const int64_t height = source.size(-2), width = source.size(-1);
  const int64_t planeSize = height * width;
  at::Tensor out = at::empty(source.sizes(), source.options());
  if (planeSize == 0 || source.numel() == 0) return out;
  const std::vector<Tap> taps = affineTaps(height, width, theta, nearest);
  const int64_t planes = source.numel() / planeSize;
  AT_DISPATCH_FLOATING_TYPES(source.scalar_type(), "affineSample", [&] {
    sampleAffine(source.data_ptr<scalar_t>(), out.data_ptr<scalar_t>(), planes, planeSize, taps, fill);
  });
  return out;
}

at::Tensor normalizeChannels(const at::Tensor& input, const std::vector<double>& means,
                             const std::vector<double>& stds) {
  TORCH_CHECK(input.dim() >= 3, "normalize expects a tensor image shaped (..., C, H, W), got ", input.dim(),
              " dimensions");
  TORCH_CHECK(input.is_contiguous(), "normalizeChannels expects a contiguous tensor");
  const int64_t channels = input.size(-3);
  for (const auto* list : {&means, &stds}) {
    if (list->size() != 1 && static_cast<int64_t>(list->size()) != channels)
      throw std::invalid_argument("normalize: " + std::string(list == &means ? "mean" : "std") + " has " +
                                  std::to_string(list->size()) + " values for " + std::to_string(channels) +
                                  " channels; give one value or one per channel");
  }
  at::Tensor out = at::empty(input.sizes(), input.options());
  const int64_t planeSize = input.size(-1) * input.size(-2);
  if (input.numel() == 0) return out;
  const int64_t batches = input.numel() / (channels * planeSize);
  AT_DISPATCH_FLOATING_TYPES(input.scalar_type(), "normalizeChannels", [&] {
    normalizePlanes(input.data_ptr<scalar_t>(), out.data_ptr<scalar_t>(), batches, channels, planeSize, means, stds);
  });
  return out;
}

}  // namespace nodetorch
