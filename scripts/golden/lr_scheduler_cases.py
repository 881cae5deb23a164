#!/usr/bin/env python3
"""Golden learning-rate sequences for lib/optim/lr-scheduler.ts, computed by PyTorch's torch.optim.lr_scheduler.

Run from the repository root with Debian's python3-torch (not a pyenv python):
    /usr/bin/python3 scripts/golden/lr_scheduler_cases.py
Writes test/fixtures/lr_scheduler_golden.json, replayed by test/lr-scheduler.test.ts.

Each case builds a torch.optim optimizer (one dummy parameter per group), wraps it in a scheduler and
steps it, calling optimizer.step() before scheduler.step() as PyTorch recommends. It records every
group's lr after construction and after each step (and momentum, or betas[0] for Adam, for
OneCycleLR). Options and param-group keys are spelled in camelCase, as the TypeScript API takes them;
ReduceLROnPlateau cases also record the metric fed to each step.
"""
import json
import math
import os
import re
import warnings

import torch
from torch.optim import lr_scheduler

# SequentialLR steps its schedulers with the deprecated step(epoch) form at milestones.
warnings.simplefilter("ignore")

OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "lr_scheduler_golden.json")

# camelCase names whose snake_case spelling is not mechanical.
SNAKE_NAMES = {"tMax": "T_max"}


def snake(name):
    return SNAKE_NAMES.get(name) or re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def snake_dict(options):
    return {snake(key): value for key, value in options.items()}


def make_optimizer(kind, groups):
    """One zero-grad parameter per group; groups are camelCase dicts (lr, plus e.g. initialLr)."""
    torch_groups = []
    for group in groups:
        param = torch.nn.Parameter(torch.zeros(1))
        param.grad = torch.zeros(1)
        torch_groups.append(dict(snake_dict(group), params=[param]))
    if kind == "sgd":
        return torch.optim.SGD(torch_groups, lr=groups[0]["lr"], momentum=0.9)
    return torch.optim.Adam(torch_groups, lr=groups[0]["lr"], betas=(0.9, 0.999))


def ts_groups(kind, groups):
    """The plain param groups the TypeScript replay starts from (what the real optimizer would hold)."""
    extra = {"momentum": 0.9} if kind == "sgd" else {"betas": [0.9, 0.999]}
    return [dict(extra, **group) for group in groups]


def make_scheduler(optimizer, kind, options):
    if kind == "SequentialLR":
        children = [make_scheduler(optimizer, child["type"], child["options"]) for child in options["schedulers"]]
        return lr_scheduler.SequentialLR(optimizer, schedulers=children, milestones=options["milestones"])
    return getattr(lr_scheduler, kind)(optimizer, **snake_dict(options))


def lrs(optimizer):
    return [group["lr"] for group in optimizer.param_groups]


def momentums(optimizer):
    return [group["betas"][0] if "betas" in group else group["momentum"] for group in optimizer.param_groups]


CASES = []


def case(name, kind, options, steps, groups=({"lr": 0.1},), optimizer="sgd", metrics=None):
    groups = list(groups)
    opt = make_optimizer(optimizer, groups)
    sched = make_scheduler(opt, kind, options)
    record_momentum = kind == "OneCycleLR" and options.get("cycleMomentum", True)
    seen_lrs, seen_momentums = [lrs(opt)], [momentums(opt)]
    for i in range(steps):
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[i])
        seen_lrs.append(lrs(opt))
        seen_momentums.append(momentums(opt))
    entry = {"name": name, "type": kind, "optimizer": optimizer, "groups": ts_groups(optimizer, groups), "options": options, "steps": steps}
    if metrics is not None:
        entry["metrics"] = metrics[:steps]
    entry["lrs"] = seen_lrs
    if record_momentum:
        entry["momentums"] = seen_momentums
    CASES.append(entry)


TWO_GROUPS = ({"lr": 0.1}, {"lr": 0.01})

# StepLR
case("StepLR stepSize=5", "StepLR", {"stepSize": 5}, 30)
case("StepLR stepSize=3 gamma=0.5, two groups", "StepLR", {"stepSize": 3, "gamma": 0.5}, 40, TWO_GROUPS)
case("StepLR stepSize=1 gamma=0.9 (Adam)", "StepLR", {"stepSize": 1, "gamma": 0.9}, 30, optimizer="adam")
case("StepLR resumed at lastEpoch=7", "StepLR", {"stepSize": 3, "gamma": 0.5, "lastEpoch": 7}, 30, ({"lr": 0.025, "initialLr": 0.1},))

# MultiStepLR
case("MultiStepLR milestones=[5,12,20]", "MultiStepLR", {"milestones": [5, 12, 20]}, 30)
case("MultiStepLR repeated milestone, two groups", "MultiStepLR", {"milestones": [3, 3, 10], "gamma": 0.5}, 30, TWO_GROUPS)
case("MultiStepLR milestone 0 decays at construction", "MultiStepLR", {"milestones": [0, 8], "gamma": 0.2}, 30)

# ExponentialLR
case("ExponentialLR gamma=0.9", "ExponentialLR", {"gamma": 0.9}, 40)
case("ExponentialLR gamma=0.5, two groups", "ExponentialLR", {"gamma": 0.5}, 30, TWO_GROUPS)

# CosineAnnealingLR: past tMax so the recursive form's restart branch runs.
case("CosineAnnealingLR tMax=10 past two periods", "CosineAnnealingLR", {"tMax": 10}, 45)
case("CosineAnnealingLR tMax=20 etaMin=0.001, two groups", "CosineAnnealingLR", {"tMax": 20, "etaMin": 0.001}, 50, TWO_GROUPS)
case("CosineAnnealingLR tMax=7 etaMin=0.01 (Adam)", "CosineAnnealingLR", {"tMax": 7, "etaMin": 0.01}, 40, optimizer="adam")
case("CosineAnnealingLR resumed at lastEpoch=4", "CosineAnnealingLR", {"tMax": 12, "lastEpoch": 4}, 30, ({"lr": 0.05, "initialLr": 0.1},))

# OneCycleLR: stepped exactly totalSteps times (PyTorch allows the last one).
case("OneCycleLR SGD momentum", "OneCycleLR", {"maxLr": 0.5, "totalSteps": 40}, 40)
case(
    "OneCycleLR Adam betas, per-group maxLr",
    "OneCycleLR",
    {"maxLr": [0.5, 0.05], "totalSteps": 50},
    50,
    TWO_GROUPS,
    optimizer="adam",
)
case("OneCycleLR threePhase", "OneCycleLR", {"maxLr": 1.0, "totalSteps": 40, "threePhase": True}, 40)
case("OneCycleLR linear anneal", "OneCycleLR", {"maxLr": 0.3, "totalSteps": 35, "annealStrategy": "linear"}, 35)
case(
    "OneCycleLR threePhase linear, custom factors (Adam)",
    "OneCycleLR",
    {
        "maxLr": 0.2,
        "totalSteps": 45,
        "threePhase": True,
        "annealStrategy": "linear",
        "pctStart": 0.25,
        "divFactor": 10.0,
        "finalDivFactor": 100.0,
        "baseMomentum": 0.8,
        "maxMomentum": 0.9,
    },
    45,
    optimizer="adam",
)
case("OneCycleLR epochs*stepsPerEpoch", "OneCycleLR", {"maxLr": 0.1, "epochs": 6, "stepsPerEpoch": 5, "pctStart": 0.4}, 30)
case("OneCycleLR cycleMomentum=false", "OneCycleLR", {"maxLr": 0.4, "totalSteps": 30, "cycleMomentum": False}, 30)

# LinearLR
case("LinearLR defaults", "LinearLR", {}, 30)
case("LinearLR decay startFactor=1 endFactor=0.1 totalIters=10", "LinearLR", {"startFactor": 1.0, "endFactor": 0.1, "totalIters": 10}, 30)
case("LinearLR warmup startFactor=0.25 totalIters=8, two groups", "LinearLR", {"startFactor": 0.25, "totalIters": 8}, 30, TWO_GROUPS)

# SequentialLR
LINEAR_WARMUP = {"type": "LinearLR", "options": {"startFactor": 0.1, "totalIters": 4}}
case(
    "SequentialLR LinearLR then ExponentialLR",
    "SequentialLR",
    {"schedulers": [LINEAR_WARMUP, {"type": "ExponentialLR", "options": {"gamma": 0.9}}], "milestones": [4]},
    40,
)
case(
    "SequentialLR LinearLR then CosineAnnealingLR, two groups",
    "SequentialLR",
    {"schedulers": [LINEAR_WARMUP, {"type": "CosineAnnealingLR", "options": {"tMax": 20, "etaMin": 0.001}}], "milestones": [5]},
    40,
    TWO_GROUPS,
)
case(
    "SequentialLR StepLR, MultiStepLR, ExponentialLR",
    "SequentialLR",
    {
        "schedulers": [
            {"type": "StepLR", "options": {"stepSize": 3, "gamma": 0.5}},
            {"type": "MultiStepLR", "options": {"milestones": [2, 5], "gamma": 0.3}},
            {"type": "ExponentialLR", "options": {"gamma": 0.8}},
        ],
        "milestones": [10, 20],
    },
    35,
)

# ReduceLROnPlateau: a loss that improves, then plateaus with small wiggles, then improves again.
LOSS = [round(1.0 / (1 + 0.3 * i), 6) for i in range(10)]
LOSS += [round(0.25 + 0.002 * ((i * 7) % 5), 6) for i in range(25)]
LOSS += [round(0.2 - 0.01 * i, 6) for i in range(10)]
LOSS += [0.11] * 15
ACCURACY = [round(1 - loss, 6) for loss in LOSS]

case("ReduceLROnPlateau min rel patience=2", "ReduceLROnPlateau", {"patience": 2}, 60, metrics=LOSS)
case("ReduceLROnPlateau defaults", "ReduceLROnPlateau", {}, 60, metrics=LOSS)
case(
    "ReduceLROnPlateau max abs patience=1 cooldown=2 factor=0.5",
    "ReduceLROnPlateau",
    {"mode": "max", "thresholdMode": "abs", "threshold": 0.001, "patience": 1, "cooldown": 2, "factor": 0.5},
    60,
    metrics=ACCURACY,
)
case(
    "ReduceLROnPlateau min abs, per-group minLr, two groups",
    "ReduceLROnPlateau",
    {"thresholdMode": "abs", "threshold": 0.005, "patience": 0, "factor": 0.5, "minLr": [0.01, 0.004]},
    60,
    TWO_GROUPS,
    metrics=LOSS,
)
case(
    "ReduceLROnPlateau max rel, eps stops tiny reductions (Adam)",
    "ReduceLROnPlateau",
    {"mode": "max", "patience": 3, "factor": 0.5, "eps": 0.01},
    60,
    optimizer="adam",
    metrics=ACCURACY,
)


def main():
    for entry in CASES:
        for row in entry["lrs"] + entry.get("momentums", []):
            assert all(math.isfinite(v) for v in row), entry["name"]
    with open(OUT_PATH, "w") as f:
        # One case per line keeps the fixture small and its diffs readable.
        f.write('{"torch": %s, "cases": [\n' % json.dumps(torch.__version__))
        f.write(",\n".join(json.dumps(entry) for entry in CASES))
        f.write("\n]}\n")
    print(f"wrote {len(CASES)} cases to {os.path.relpath(OUT_PATH)}")


if __name__ == "__main__":
    main()
