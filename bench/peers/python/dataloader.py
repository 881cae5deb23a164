"""Python torch's DataLoader over the same digits and transforms as nodetorch's (bench/peers/
nodetorch-dataloader.mjs). Prints one JSON line: per epoch, seconds to the first batch and
milliseconds per batch over the rest.
    python3 dataloader.py <mnist dir> <num_workers> <persistent 0|1> <epochs> <batch> <limit> <threads|default>
"""
import json
import sys
import time

import torch

from mnist_data import load_split
from models import set_threads
from transforms import mnist_train_transform


class TransformedMNIST(torch.utils.data.Dataset):
    def __init__(self, images, labels):
        self.images, self.labels = images, labels

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        return mnist_train_transform(self.images[index]), int(self.labels[index])


def main():
    directory = sys.argv[1]
    num_workers, persistent, epochs, batch, limit = map(int, sys.argv[2:7])
    set_threads(sys.argv[7])
    images, labels = load_split(directory, "train")
    dataset = TransformedMNIST(images[:limit], labels[:limit])
    loader = torch.utils.data.DataLoader(dataset, batch_size=batch, shuffle=True, num_workers=num_workers,
                                         persistent_workers=bool(persistent) and num_workers > 0)
    runs = []
    for _ in range(epochs):
        start = time.perf_counter()
        first, batches = 0.0, 0
        for _images, _labels in loader:
            if batches == 0:
                first = time.perf_counter()
            batches += 1
        runs.append({"startup": first - start, "msPerBatch": (time.perf_counter() - first) * 1000 / (batches - 1),
                     "batches": batches})
    print(json.dumps({"epochs": runs}))


if __name__ == "__main__":
    main()
