#!/usr/bin/env python3
"""Golden values for torch.data: sampler orders, splits, DataLoader shuffles and collation by PyTorch.

Run with Debian's python3-torch (not a pyenv python):
    /usr/bin/python3 scripts/golden/data_cases.py
Writes test/fixtures/data_golden.json, replayed by test/data-golden.test.ts.

Every case records what PyTorch's torch.utils.data yields for a seed, so that nodetorch's samplers
(which reimplement the CPU generator) can be checked index for index.
"""
import json
import os

import torch
from torch.utils.data import (
    BatchSampler,
    DataLoader,
    DistributedSampler,
    RandomSampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
    random_split,
)
from torch.utils.data._utils.collate import default_collate


def gen(seed):
    return torch.Generator().manual_seed(seed)


def randperm():
    return [{"seed": s, "n": n, "perm": torch.randperm(n, generator=gen(s)).tolist()} for s, n in [(0, 7), (42, 10), (123, 25), (2**40 + 5, 12)]]


def random_sampler():
    cases = []
    for seed, n, replacement, num_samples in [(3, 10, False, None), (3, 10, False, 25), (9, 6, True, 40), (1, 5, True, None)]:
        sampler = RandomSampler(range(n), replacement=replacement, num_samples=num_samples, generator=gen(seed))
        cases.append({"seed": seed, "n": n, "replacement": replacement, "numSamples": num_samples, "epochs": [list(sampler), list(sampler)]})
    return cases


def random_sampler_global():
    """RandomSampler without a generator seeds one from the default generator at each epoch."""
    torch.manual_seed(5)
    sampler = RandomSampler(range(8))
    return {"manualSeed": 5, "n": 8, "epochs": [list(sampler), list(sampler)]}


def weighted():
    weights = [0.1, 0.9, 0.4, 0.7, 3.0, 0.6]
    seeded = list(WeightedRandomSampler(weights, 12, replacement=True, generator=gen(7)))
    seeded_without = list(WeightedRandomSampler(weights, 5, replacement=False, generator=gen(7)))
    seeded_one = list(WeightedRandomSampler(weights, 1, replacement=True, generator=gen(3)))
    torch.manual_seed(2)
    global_with = list(WeightedRandomSampler(weights, 10, replacement=True))
    global_without = list(WeightedRandomSampler(weights, 5, replacement=False))
    return {
        "weights": weights,
        "seeded": {"seed": 7, "numSamples": 12, "indices": seeded},
        "seededWithoutReplacement": {"seed": 7, "numSamples": 5, "indices": seeded_without},
        "seededOne": {"seed": 3, "indices": seeded_one},
        "global": {"manualSeed": 2, "withReplacement": global_with, "withoutReplacement": global_without}}


def distributed():
    cases = []
    for n, replicas, shuffle, drop_last, seed, epoch in [
        (10, 3, False, False, 0, 0),
        (10, 3, False, True, 0, 0),
        (10, 3, True, False, 0, 0),
        (10, 3, True, False, 0, 1),
        (10, 3, True, True, 5, 2),
        (11, 4, True, False, 0, 0),
        (2, 5, False, False, 0, 0),
        (3, 8, True, False, 1, 0),
    ]:
        ranks = []
        for rank in range(replicas):
            sampler = DistributedSampler(range(n), num_replicas=replicas, rank=rank, shuffle=shuffle, seed=seed, drop_last=drop_last)
            sampler.set_epoch(epoch)
            ranks.append(list(sampler))
        cases.append({"n": n, "numReplicas": replicas, "shuffle": shuffle, "dropLast": drop_last, "seed": seed, "epoch": epoch, "ranks": ranks})
    return cases


def splits():
    cases = []
    for n, lengths, seed in [(10, [3, 7], 42), (30, [0.3, 0.3, 0.4], 42), (7, [0.5, 0.5], 1)]:
        parts = random_split(range(n), lengths, generator=gen(seed))
        cases.append({"n": n, "lengths": lengths, "seed": seed, "subsets": [list(p.indices) for p in parts]})
    torch.manual_seed(1)
    parts = random_split(range(10), [5, 5])
    cases.append({"n": 10, "lengths": [5, 5], "manualSeed": 1, "subsets": [list(p.indices) for p in parts]})
    return cases


def loaders():
    torch.manual_seed(0)
    loader = DataLoader(list(range(10)), batch_size=3, shuffle=True)
    global_epochs = [[b.tolist() for b in loader] for _ in range(2)]
    seeded = DataLoader(list(range(10)), batch_size=4, shuffle=True, drop_last=True, generator=gen(7))
    seeded_epochs = [[b.tolist() for b in seeded] for _ in range(2)]
    # Persistent workers draw the workers' base seed once, so later epochs shuffle differently.
    worker_epochs = {}
    for persistent in (False, True):
        loader = DataLoader(list(range(8)), batch_size=8, shuffle=True, generator=gen(7), num_workers=1,
                            persistent_workers=persistent)
        worker_epochs[persistent] = [[b.tolist() for b in loader] for _ in range(3)]
    return {
        "global": {"manualSeed": 0, "n": 10, "batchSize": 3, "epochs": global_epochs},
        "seeded": {"seed": 7, "n": 10, "batchSize": 4, "dropLast": True, "epochs": seeded_epochs},
        "oneWorker": {"seed": 7, "n": 8, "batchSize": 8, "numWorkers": 1, "epochs": worker_epochs[False]},
        "persistentWorker": {"seed": 7, "n": 8, "batchSize": 8, "numWorkers": 1, "persistentWorkers": True,
                             "epochs": worker_epochs[True]},
    }


def other_samplers():
    return {
        "subsetRandom": {"seed": 4, "indices": [10, 20, 30, 40, 50], "order": list(SubsetRandomSampler([10, 20, 30, 40, 50], generator=gen(4)))},
        "batch": {
            "keep": list(BatchSampler(SequentialSampler(range(10)), batch_size=3, drop_last=False)),
            "drop": list(BatchSampler(SequentialSampler(range(10)), batch_size=3, drop_last=True)),
        },
    }


def encode(value):
    if isinstance(value, torch.Tensor):
        return {"tensor": value.tolist(), "dtype": str(value.dtype).replace("torch.", ""), "shape": list(value.shape)}
    if isinstance(value, dict):
        return {"dict": {k: encode(v) for k, v in value.items()}}
    if isinstance(value, (list, tuple)):
        return {"list": [encode(v) for v in value]}
    return {"value": value}


def collate():
    batches = {
        "ints": [0, 1, 2, 3],
        "floats": [0.5, 1.0, 2.25],
        "bools": [True, False, True],
        "strings": ["a", "b", "c"],
        "tuples": [(0, 1.5), (2, 3.5)],
        "dicts": [{"A": 0, "B": 1.5, "C": "x"}, {"A": 100, "B": 100.25, "C": "y"}],
        "nested": [{"x": [1, 2], "y": {"z": True}}, {"x": [3, 4], "y": {"z": False}}],
    }
    return {name: {"batch": batch, "collated": encode(default_collate(batch))} for name, batch in batches.items()}


GOLDEN = {
    "generator": "scripts/golden/data_cases.py",
    "torch": torch.__version__,
    "randperm": randperm(),
    "randomSampler": random_sampler(),
    "randomSamplerGlobal": random_sampler_global(),
    "weighted": weighted(),
    "distributed": distributed(),
    "randomSplit": splits(),
    "dataLoader": loaders(),
    "samplers": other_samplers(),
    "collate": collate(),
}

path = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "data_golden.json")
with open(path, "w") as out:
    json.dump(GOLDEN, out, indent=None)
    out.write("\n")
print(f"wrote {os.path.normpath(path)}")
