#!/usr/bin/env python3
"""Golden trajectories of torch.optim optimizers (issue 4): 20 steps from the same weights and data.

Run with Debian's python3-torch:  /usr/bin/python3 scripts/golden/optim_cases.py
Writes test/fixtures/optim_golden.json, replayed by test/optim.test.ts.
Loss: mean((X W^T + b - Y)^2) + 0.1 * mean(tanh(X W^T)); the weights after every step are recorded.
"""
import json
import os

import torch

torch.manual_seed(0)
X = torch.randn(8, 4, dtype=torch.float64)
Y = torch.randn(8, 3, dtype=torch.float64)
W0 = torch.randn(3, 4, dtype=torch.float64)
B0 = torch.randn(3, dtype=torch.float64)

CONFIGS = [
    ("sgd_plain", "SGD", {"lr": 0.1}, None),
    ("sgd_momentum", "SGD", {"lr": 0.05, "momentum": 0.9}, None),
    ("sgd_dampening_wd", "SGD", {"lr": 0.05, "momentum": 0.8, "dampening": 0.1, "weight_decay": 0.01}, None),
    ("sgd_nesterov", "SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}, None),
    ("adam", "Adam", {}, None),
    ("adam_lr_amsgrad_wd", "Adam", {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1, "amsgrad": True}, None),
    ("adamw", "AdamW", {"lr": 0.01}, None),
    ("adamw_amsgrad", "AdamW", {"lr": 0.02, "weight_decay": 0.05, "amsgrad": True}, None),
    ("rmsprop", "RMSprop", {}, None),
    ("rmsprop_momentum_centered", "RMSprop", {"lr": 0.005, "alpha": 0.9, "momentum": 0.5, "centered": True, "weight_decay": 0.01}, None),
    ("adagrad", "Adagrad", {}, None),
    ("adagrad_decay", "Adagrad", {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.01, "initial_accumulator_value": 0.1}, None),
    ("sgd_groups", "SGD", {"lr": 0.1, "momentum": 0.5}, [{"lr": 0.01}, {}]),
    ("adam_groups", "Adam", {"lr": 0.01}, [{"betas": (0.5, 0.9)}, {"lr": 0.1, "weight_decay": 0.1}]),
]


def camel(name):
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def run(kind, options, groups):
    w = W0.clone().requires_grad_()
    b = B0.clone().requires_grad_()
    cls = getattr(torch.optim, kind)
    if groups:
        opt = cls([dict(params=[w], **groups[0]), dict(params=[b], **groups[1])], **options)
    else:
        opt = cls([w, b], **options)
    steps = []
    for _ in range(20):
        opt.zero_grad()
        out = X @ w.t() + b
        loss = ((out - Y) ** 2).mean() + 0.1 * torch.tanh(X @ w.t()).mean()
        loss.backward()
        opt.step()
        steps.append({"w": w.detach().reshape(-1).tolist(), "b": b.detach().tolist()})
    return steps


def js_options(options):
    return {camel(k): list(v) if isinstance(v, tuple) else v for k, v in options.items()}


cases = []
for name, kind, options, groups in CONFIGS:
    cases.append({
        "name": name,
        "optimizer": kind,
        "options": js_options(options),
        "groups": [js_options(g) for g in groups] if groups else None,
        "steps": run(kind, options, groups),
    })
data = {"X": X.reshape(-1).tolist(), "Y": Y.reshape(-1).tolist(), "W0": W0.reshape(-1).tolist(), "B0": B0.tolist()}
path = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "optim_golden.json")
with open(path, "w") as f:
    json.dump({"generator": "scripts/golden/optim_cases.py", "torch": torch.__version__, "data": data, "cases": cases}, f)
    f.write("\n")
print(f"wrote {len(cases)} optimizer trajectories to {os.path.normpath(path)}")
