"""EmbeddedMNIST's splits as bench/peers/export-mnist.mjs wrote them: float32 images (N, 1, 28, 28) in [0, 1]."""
import os

import numpy as np
import torch


def load_split(directory, split):
    images = np.fromfile(os.path.join(directory, f"{split}-images.f32"), dtype=np.float32)
    labels = np.fromfile(os.path.join(directory, f"{split}-labels.u8"), dtype=np.uint8)
    return torch.from_numpy(images).view(-1, 1, 28, 28), torch.from_numpy(labels.astype(np.int64))
