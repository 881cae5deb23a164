#!/usr/bin/env python3
"""Files torch.load must refuse or read carefully, written by Python's torch.save, for test/safety.test.ts (issue 8).

    /usr/bin/python3 scripts/golden/hostile_cases.py      writes test/fixtures/pt/hostile/

Each file pickles something beyond tensors and plain containers (what PyTorch's weights_only load
refuses too), except set.pt and dtype.pt, which hold values weights_only allows.
"""
import os

import numpy
import torch

out = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "pt", "hostile")
os.makedirs(out, exist_ok=True)


class Evil:
    """Unpickling this runs os.system: a loader must refuse it, not run it."""

    def __reduce__(self):
        return (os.system, ("echo pwned > /tmp/nodetorch-pwned",))


torch.manual_seed(0)
torch.save({"payload": Evil(), "weight": torch.ones(2)}, os.path.join(out, "os_system.pt"))
torch.save(torch.nn.Linear(2, 2), os.path.join(out, "module.pt"))
torch.save({"array": numpy.arange(3)}, os.path.join(out, "numpy.pt"))
torch.save({"sparse": torch.eye(2).to_sparse()}, os.path.join(out, "sparse.pt"))
torch.save({"classes": {1, 2, 3}, "frozen": frozenset(["a"])}, os.path.join(out, "set.pt"))
torch.save({"dtype": torch.float64, "size": torch.Size([2, 3])}, os.path.join(out, "dtype.pt"))
