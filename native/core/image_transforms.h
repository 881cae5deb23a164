// The image kernels behind lib/data's randomCrop, randomAffine and normalize: one call per image
// where the ATen compositions took some 45 small ops (docs/performance.md, "DataLoader").
#pragma once
#include <ATen/core/Tensor.h>

#include <array>
#include <vector>

namespace nodetorch {

/**
 * The (height, width) window of `input` (..., H, W) whose top-left corner is at (top, left) in its
 * pixel coordinates; parts outside the image (negative offsets are padding) get `fill`. A view of
 * `input` when the window lies inside it, like constant_pad_nd followed by slicing.
 */
at::Tensor cropWithFill(const at::Tensor& input, int64_t top, int64_t left, int64_t height, int64_t width, double fill);

/** Whether affineSample and normalizeChannels take `input`: a float32 or float64 CPU tensor outside autograd. */
bool takesImageKernel(const at::Tensor& input);

/**
 * affine_grid_generator(theta, align_corners=false) followed by grid_sampler (zeros padding) on
 * every (H, W) plane of `input`, `theta` the 2x3 matrix in normalized coordinates; pixels that come
 * (partly) from outside blend toward `fill`. Coordinates are computed in double precision.
 */
at::Tensor affineSample(const at::Tensor& input, const std::array<double, 6>& theta, bool nearest, double fill);

/**
 * (x - mean[c]) / std[c] over the channel dimension (-3) of a contiguous `input`, in its dtype's
 * arithmetic as ATen's sub and div; one value applies to every channel. Throws std::invalid_argument
 * when a list holds neither one value nor one per channel.
 */
at::Tensor normalizeChannels(const at::Tensor& input, const std::vector<double>& means,
                             const std::vector<double>& stds);

}  // namespace nodetorch
