#!/usr/bin/env python3
"""Golden values for torch.nn.utils.prune (issue 14).

Run with Debian's python3-torch:  /usr/bin/python3 scripts/golden/prune_cases.py
Writes test/fixtures/prune_golden.json, replayed by test/prune.test.ts. Each case is a module (a
"ts" spec test/prune.test.ts rebuilds), its state dict before pruning (weights crafted with equal
magnitudes and equal channel norms, so that ties are decided by topk), a list of pruning steps,
and what PyTorch gives after them: the state dict in order (weight_orig, weight_mask, ...), and
for models also the output on an input and the gradients of sum(output) (training through the mask).

Steps: {"fn": camelCase name, "module": dotted path, "name": tensor, "options": {...}, "seed"?}.
An amount is {"count": n} or {"fraction": f}: JSON cannot tell Python's 1 from 1.0. A step with a
"seed" runs right after torch.manual_seed(seed) (the random methods draw from the global generator).
"""
import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.utils.prune as prune


def enc(t):
    t = t.detach()
    values = t.reshape(-1).tolist()
    if t.dtype == torch.bool:
        values = [1 if v else 0 for v in values]
    else:
        values = [v if not isinstance(v, float) or math.isfinite(v) else str(v) for v in values]
    return {"values": values, "shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", "")}


CLASSES = {"Linear": nn.Linear, "Conv2d": nn.Conv2d, "ReLU": nn.ReLU, "Flatten": nn.Flatten}


def build(spec):
    if spec["type"] == "Sequential":
        return nn.Sequential(*[build(layer) for layer in spec["layers"]])
    args = list(spec.get("args", []))
    options = args.pop() if args and isinstance(args[-1], dict) else {}
    return CLASSES[spec["type"]](*args, **options)


def amount(value):
    return value["count"] if "count" in value else float(value["fraction"])


NORMS = {"inf": math.inf, "-inf": -math.inf}


def run_step(model, step):
    module = model.get_submodule(step.get("module", ""))
    options = dict(step.get("options", {}))
    if "seed" in step:
        torch.manual_seed(step["seed"])
    if "amount" in options:
        options["amount"] = amount(options["amount"])
    if "importanceScores" in options:
        options["importance_scores"] = dec(options.pop("importanceScores"))
    if "n" in options:
        options["n"] = NORMS.get(options["n"], options["n"])
    fn = step["fn"]
    if fn == "globalUnstructured":
        targets = [(model.get_submodule(path), name) for path, name in step["targets"]]
        method = {"L1Unstructured": prune.L1Unstructured, "RandomUnstructured": prune.RandomUnstructured}[options.pop("pruningMethod")]
        prune.global_unstructured(targets, pruning_method=method, **options)
    elif fn == "customFromMask":
        prune.custom_from_mask(module, step["name"], mask=dec(options["mask"]))
    elif fn == "remove":
        prune.remove(module, step["name"])
    else:
        snake = {"identity": "identity", "l1Unstructured": "l1_unstructured", "randomUnstructured": "random_unstructured",
                 "lnStructured": "ln_structured", "randomStructured": "random_structured"}[fn]
        getattr(prune, snake)(module, step["name"], **options)


def dec(encoded):
    return torch.tensor(encoded["values"], dtype=getattr(torch, encoded["dtype"])).reshape(encoded["shape"])


CASES = []


def case(name, ts, steps, state=None, input_shape=None):
    torch.manual_seed(1000 + len(CASES))
    model = build(ts)
    if state is not None:
        with torch.no_grad():
            for key, value in state.items():
                model.get_parameter(key).copy_(value)
    before = {k: enc(v) for k, v in model.state_dict().items()}
    entry = {"name": name, "ts": ts, "state": before, "steps": steps}
    for step in steps:
        run_step(model, step)
    entry["after"] = {k: enc(v) for k, v in model.state_dict().items()}
    entry["keys"] = list(model.state_dict().keys())
    entry["pruned"] = prune.is_pruned(model)
    if input_shape is not None:
        torch.manual_seed(7)
        x = torch.randn(*input_shape)
        out = model(x)
        out.sum().backward()
        entry["input"] = enc(x)
        entry["output"] = enc(out)
        entry["grads"] = {k: enc(p.grad) for k, p in model.named_parameters()}
    CASES.append(entry)


def steps_of(fn, name, *options, module=""):
    return [{"fn": fn, "module": module, "name": name, "options": o} for o in options]


F = lambda f: {"fraction": f}
C = lambda n: {"count": n}

# Linear(6, 4): |w| in {0, 0.5, 1} many times over, so most of the choices are among ties.
LIN = {"type": "Linear", "args": [6, 4]}
LIN_STATE = {
    "weight": ((torch.arange(24) % 5) - 2).float().reshape(4, 6) / 2,
    "bias": torch.tensor([0.5, -0.5, 1.0, 0.25]),
}
# Conv2d(2, 4, 2): output channels 0 and 2 hold the same values in another order (equal L1, L2
# and max norms), channel 1 twice them, channel 3 half; input channels tie with each other too.
BASE = torch.tensor([1.0, -0.5, 0.25, -1.0, 0.5, 0.75, -0.25, 1.0])
CONV = {"type": "Conv2d", "args": [2, 4, 2]}
CONV_STATE = {
    "weight": torch.stack([BASE, BASE * 2, BASE.flip(0), BASE * 0.5]).reshape(4, 2, 2, 2),
    "bias": torch.tensor([0.1, -0.2, 0.3, -0.4]),
}

case("l1_fraction", LIN, steps_of("l1Unstructured", "weight", {"amount": F(0.3)}), LIN_STATE)
case("l1_count", LIN, steps_of("l1Unstructured", "weight", {"amount": C(5)}), LIN_STATE)
case("l1_count_one", LIN, steps_of("l1Unstructured", "weight", {"amount": C(1)}), LIN_STATE)
case("l1_fraction_one", LIN, steps_of("l1Unstructured", "weight", {"amount": F(1.0)}), LIN_STATE)
case("l1_zero", LIN, steps_of("l1Unstructured", "weight", {"amount": C(0)}), LIN_STATE)
case("l1_round_half_even_down", LIN, steps_of("l1Unstructured", "bias", {"amount": F(0.625)}), LIN_STATE)  # 2.5 -> 2
case("l1_round_half_even_up", LIN, steps_of("l1Unstructured", "bias", {"amount": F(0.875)}), LIN_STATE)  # 3.5 -> 4
case("l1_twice", LIN, steps_of("l1Unstructured", "weight", {"amount": F(0.5)}, {"amount": F(0.5)}), LIN_STATE)
case("l1_three_times", LIN, steps_of("l1Unstructured", "weight", {"amount": C(3)}, {"amount": F(0.25)}, {"amount": C(2)}), LIN_STATE)
case("l1_importance_scores", LIN, steps_of("l1Unstructured", "weight",
     {"amount": F(0.5), "importanceScores": enc(torch.arange(24).float().reshape(4, 6).flip(1))}), LIN_STATE)
case("identity_then_l1", LIN, steps_of("identity", "weight", {}) + steps_of("l1Unstructured", "weight", {"amount": C(4)}), LIN_STATE)
case("l1_bias_and_weight", LIN, steps_of("l1Unstructured", "bias", {"amount": C(1)}) + steps_of("l1Unstructured", "weight", {"amount": F(0.2)}), LIN_STATE)

for n, dim in [(1, 0), (2, 1), ("inf", -1), ("-inf", 0), (2, -3), (1, 3)]:
    case(f"ln_conv_n{n}_dim{dim}", CONV, steps_of("lnStructured", "weight", {"amount": C(1), "n": n, "dim": dim}), CONV_STATE)
case("ln_conv_fraction", CONV, steps_of("lnStructured", "weight", {"amount": F(0.5), "n": 2, "dim": 0}), CONV_STATE)
case("ln_conv_all", CONV, steps_of("lnStructured", "weight", {"amount": F(1.0), "n": 1, "dim": 0}), CONV_STATE)
case("ln_linear_fro", LIN, steps_of("lnStructured", "weight", {"amount": C(2), "n": "fro", "dim": 1}), LIN_STATE)
case("ln_conv_twice", CONV, steps_of("lnStructured", "weight", {"amount": C(1), "n": 2, "dim": 0}, {"amount": C(1), "n": 2, "dim": 0}), CONV_STATE)
case("ln_then_l1", CONV, steps_of("lnStructured", "weight", {"amount": C(1), "n": 1, "dim": 0}) + steps_of("l1Unstructured", "weight", {"amount": F(0.5)}), CONV_STATE)
case("l1_then_ln", CONV, steps_of("l1Unstructured", "weight", {"amount": C(10)}) + steps_of("lnStructured", "weight", {"amount": C(1), "n": 1, "dim": 1}), CONV_STATE)
case("ln_importance_scores", CONV, steps_of("lnStructured", "weight",
     {"amount": C(2), "n": 1, "dim": 0, "importanceScores": enc(torch.arange(32).float().reshape(4, 2, 2, 2))}), CONV_STATE)

case("random_unstructured", LIN, [dict(s, seed=0) for s in steps_of("randomUnstructured", "weight", {"amount": F(0.4)})], LIN_STATE)
case("random_unstructured_twice", LIN, [dict(s, seed=i + 1) for i, s in enumerate(steps_of("randomUnstructured", "weight", {"amount": C(6)}, {"amount": F(0.5)}))], LIN_STATE)
case("random_structured", CONV, [dict(s, seed=3) for s in steps_of("randomStructured", "weight", {"amount": C(2), "dim": 0})], CONV_STATE)
case("random_structured_dim1_after_l1", CONV, steps_of("l1Unstructured", "weight", {"amount": C(8)})
     + [dict(s, seed=4) for s in steps_of("randomStructured", "weight", {"amount": C(1), "dim": 1})], CONV_STATE)

MASK = {"values": [1, 0, 1, 1, 0, 1] * 4, "shape": [4, 6], "dtype": "float32"}
case("custom_from_mask_then_l1", LIN, steps_of("customFromMask", "weight", {"mask": MASK}) + steps_of("l1Unstructured", "weight", {"amount": C(3)}), LIN_STATE)
case("remove_after_twice", LIN, steps_of("l1Unstructured", "weight", {"amount": C(6)}) + steps_of("lnStructured", "weight", {"amount": C(1), "n": 2, "dim": 0})
     + [{"fn": "remove", "module": "", "name": "weight"}], LIN_STATE)

# A small CNN: Conv2d(1, 2, 3) -> ReLU -> Flatten -> Linear(8, 3), with random weights, for
# global pruning across layers, forward outputs and gradients through the masks.
NET = {"type": "Sequential", "layers": [{"type": "Conv2d", "args": [1, 2, 3]}, {"type": "ReLU"}, {"type": "Flatten"}, {"type": "Linear", "args": [8, 3]}]}
TARGETS = [["0", "weight"], ["3", "weight"], ["3", "bias"]]
glob = lambda **options: {"fn": "globalUnstructured", "targets": TARGETS, "options": {"pruningMethod": "L1Unstructured", **options}}
case("global_l1", NET, [glob(amount=F(0.4))], input_shape=(2, 1, 4, 4))
case("global_l1_count", NET, [glob(amount=C(7))], input_shape=(2, 1, 4, 4))
case("global_after_local", NET, steps_of("l1Unstructured", "weight", {"amount": F(0.5)}, module="3") + [glob(amount=F(0.3))], input_shape=(2, 1, 4, 4))
case("global_twice", NET, [glob(amount=F(0.3)), glob(amount=F(0.3))], input_shape=(2, 1, 4, 4))
case("global_random", NET, [dict(glob(amount=F(0.5)), seed=5, options={"pruningMethod": "RandomUnstructured", "amount": F(0.5)})], input_shape=(2, 1, 4, 4))
case("net_layers_then_remove", NET, steps_of("lnStructured", "weight", {"amount": C(1), "n": 2, "dim": 0}, module="0")
     + steps_of("l1Unstructured", "weight", {"amount": F(0.25)}, module="3") + [{"fn": "remove", "module": "0", "name": "weight"}], input_shape=(2, 1, 4, 4))

path = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "prune_golden.json")
with open(path, "w") as out:
    json.dump({"generator": "scripts/golden/prune_cases.py", "torch": torch.__version__, "cases": CASES}, out, indent=None)
    out.write("\n")
print(f"wrote {len(CASES)} cases to {os.path.normpath(path)}")
