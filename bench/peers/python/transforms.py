"""The MNIST training transforms of the DataLoader case, without torchvision (not installed here):
torchvision's RandomCrop(28, padding=2), RandomAffine(degrees=10, translate=(0.1, 0.1)) with nearest
sampling (the inverse affine matrix about the center, sampled with affine_grid + grid_sample, as
torchvision does on tensors) and Normalize((0.1307,), (0.3081,)), on (1, 28, 28) tensors.
"""
import math
import random

import torch
import torch.nn.functional as F


def random_crop(image, size=28, padding=2):
    padded = F.pad(image, (padding, padding, padding, padding))
    top = random.randint(0, padded.shape[-2] - size)
    left = random.randint(0, padded.shape[-1] - size)
    return padded[..., top:top + size, left:left + size]


def random_affine(image, degrees=10.0, translate=(0.1, 0.1)):
    height, width = image.shape[-2:]
    angle = math.radians(random.uniform(-degrees, degrees))
    tx = round(random.uniform(-translate[0] * width, translate[0] * width))
    ty = round(random.uniform(-translate[1] * height, translate[1] * height))
    # Inverse of rotate-then-translate about the center (scale 1, no shear), in grid_sample's coordinates.
    cos, sin = math.cos(angle), math.sin(angle)
    m = [cos, sin, -cos * tx - sin * ty, -sin, cos, sin * tx - cos * ty]
    theta = torch.tensor([[m[0], m[1] * height / width, 2 * m[2] / width],
                          [m[3] * width / height, m[4], 2 * m[5] / height]], dtype=image.dtype)
    grid = F.affine_grid(theta.unsqueeze(0), [1, 1, height, width], align_corners=False)
    return F.grid_sample(image.unsqueeze(0), grid, mode="nearest", align_corners=False).squeeze(0)


def normalize(image, mean=0.1307, std=0.3081):
    return (image - mean) / std


def mnist_train_transform(image):
    return normalize(random_affine(random_crop(image)))
