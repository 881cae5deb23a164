#!/usr/bin/env python3
"""Files written by Python's torch.save, for test/serialization.test.ts (issue 4).

    /usr/bin/python3 scripts/golden/serialization_cases.py            writes test/fixtures/pt/
    /usr/bin/python3 scripts/golden/serialization_cases.py --check F  prints what torch.load reads from F, as JSON
    /usr/bin/python3 scripts/golden/serialization_cases.py --check-views F  loads {base, view, weight, tied} from F,
        writes -1 through `view` and prints `base` and whether `tied` shares `weight`'s storage, as JSON

The --check mode lets the tests confirm that Python reads the files nodetorch writes.
"""
import collections
import json
import os
import sys

import torch


def describe(value):
    if isinstance(value, torch.Tensor):
        t = value.float() if value.dtype in (torch.float16, torch.bfloat16) else value
        return {"tensor": t.reshape(-1).tolist(), "shape": list(value.shape), "dtype": str(value.dtype).replace("torch.", "")}
    if isinstance(value, dict):
        return {"dict": {str(k): describe(v) for k, v in value.items()}, "ordered": isinstance(value, collections.OrderedDict)}
    if isinstance(value, (list, tuple)):
        return [describe(v) for v in value]
    return value


if len(sys.argv) == 3 and sys.argv[1] == "--check":
    print(json.dumps(describe(torch.load(sys.argv[2]))))
    sys.exit(0)

if len(sys.argv) == 3 and sys.argv[1] == "--check-views":
    loaded = torch.load(sys.argv[2])
    loaded["view"].fill_(-1)
    print(json.dumps({"base": loaded["base"].tolist(),
                      "tied": loaded["tied"].data_ptr() == loaded["weight"].data_ptr(),
                      "view_offset": loaded["view"].storage_offset()}))
    sys.exit(0)

torch.manual_seed(0)
out = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "pt")
os.makedirs(out, exist_ok=True)
cases = {}

# A state dict as nn.Module.state_dict() returns it.
linear = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1))
cases["state_dict"] = linear.state_dict()
# Nested objects of numbers, strings, booleans, None, lists and tensors.
cases["nested"] = {"epoch": 7, "lr": 0.01, "name": "run-1", "flags": [True, False], "none": None,
                   "metrics": {"loss": [0.5, 0.25], "best": 0.25}, "tensor": torch.arange(4)}
# Every dtype, a 0-d tensor, an empty tensor, a non-contiguous view.
cases["dtypes"] = {str(d).replace("torch.", ""): (torch.arange(6).reshape(2, 3) - 2).to(d)
                   for d in (torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.int8,
                             torch.uint8, torch.int16, torch.int32, torch.int64, torch.bool)}
cases["shapes"] = {"scalar": torch.tensor(3.5), "empty": torch.zeros(0, 4), "transposed": torch.arange(6.0).reshape(2, 3).t()}
# Two views of one storage stay one storage.
base = torch.arange(8.0)
cases["shared"] = [base, base[2:5]]
cases["tensor"] = torch.randn(3, 3)

for name, value in cases.items():
    torch.save(value, os.path.join(out, f"{name}.pt"))
with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump({name: describe(value) for name, value in cases.items()}, f)
    f.write("\n")
print(f"wrote {len(cases)} files to {os.path.normpath(out)}")
