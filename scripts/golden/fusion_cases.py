#!/usr/bin/env python3
"""Golden values for eager-mode module fusion (issue 13): torch.nn.utils.fusion and
torch.ao.quantization.fuse_modules.

Run with Debian's python3-torch:  /usr/bin/python3 scripts/golden/fusion_cases.py
Writes test/fixtures/fusion_golden.json, replayed by test/fusion.test.ts:
- "pairs": a conv or linear layer and a batch norm with random weights and running statistics
  (eval mode), the weight and bias fuse_conv_bn_eval / fuse_linear_bn_eval give, and the fused
  layer's output on an input.
- "models": models in eval mode with their state dicts, the groups given to fuse_modules, the fused
  model's state dict and module classes, and both models' outputs on an input.
The layers are built from a "ts" spec that test/fusion.test.ts rebuilds with the same arguments.
"""
import json
import math
import os

import torch
import torch.nn as nn
from torch.ao.quantization import fuse_modules
from torch.nn.utils.fusion import fuse_conv_bn_eval, fuse_linear_bn_eval


def enc(t):
    t = t.detach()
    values = t.reshape(-1).tolist()
    values = [v if not isinstance(v, float) or math.isfinite(v) else str(v) for v in values]
    return {"values": values, "shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", "")}


def randomize_bn(bn):
    """Running statistics away from (0, 1), and a random affine transform where there is one."""
    with torch.no_grad():
        bn.running_mean.copy_(torch.randn(bn.num_features))
        bn.running_var.copy_(torch.rand(bn.num_features) + 0.5)
        bn.num_batches_tracked.fill_(7)
        if bn.affine:
            bn.weight.copy_(torch.randn(bn.num_features))
            bn.bias.copy_(torch.randn(bn.num_features))


def randomize(model):
    for module in model.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            randomize_bn(module)
    return model.eval()


CLASSES = {
    "Conv1d": nn.Conv1d, "Conv2d": nn.Conv2d, "Conv3d": nn.Conv3d,
    "ConvTranspose1d": nn.ConvTranspose1d, "ConvTranspose2d": nn.ConvTranspose2d,
    "BatchNorm1d": nn.BatchNorm1d, "BatchNorm2d": nn.BatchNorm2d, "BatchNorm3d": nn.BatchNorm3d,
    "Linear": nn.Linear, "ReLU": nn.ReLU, "Flatten": nn.Flatten, "AdaptiveAvgPool2d": nn.AdaptiveAvgPool2d,
}
SNAKE = {"paddingMode": "padding_mode", "outputPadding": "output_padding", "trackRunningStats": "track_running_stats"}


def build(spec):
    """A layer from the spec nodetorch builds it from: {"type", "args": [positional..., {options}]}."""
    args = list(spec["args"])
    options = args.pop() if args and isinstance(args[-1], dict) else {}
    return CLASSES[spec["type"]](*args, **{SNAKE.get(k, k): v for k, v in options.items()})


PAIRS = []


def pair_case(name, layer, bn, input_shape, transpose=False):
    torch.manual_seed(len(PAIRS))
    first, norm = build(layer), build(bn)
    randomize_bn(norm)
    first.eval()
    norm.eval()
    x = torch.randn(*input_shape)
    if layer["type"] == "Linear":
        fused = fuse_linear_bn_eval(first, norm)
    else:
        fused = fuse_conv_bn_eval(first, norm, transpose=transpose)
    PAIRS.append({
        "name": name, "layer": layer, "bn": bn, "transpose": transpose,
        "layerState": {k: enc(v) for k, v in first.state_dict().items()},
        "bnState": {k: enc(v) for k, v in norm.state_dict().items()},
        "input": enc(x), "unfused": enc(norm(first(x))),
        "weight": enc(fused.weight), "bias": enc(fused.bias), "output": enc(fused(x)),
    })


pair_case("conv2d_bn2d", {"type": "Conv2d", "args": [3, 4, 3, {"padding": 1}]}, {"type": "BatchNorm2d", "args": [4]}, (2, 3, 5, 5))
pair_case("conv2d_nobias_bn2d_eps", {"type": "Conv2d", "args": [2, 3, 2, {"bias": False}]},
          {"type": "BatchNorm2d", "args": [3, {"eps": 1e-3}]}, (2, 2, 4, 4))
pair_case("conv2d_groups_stride_dilation", {"type": "Conv2d", "args": [4, 6, 3, {"stride": 2, "dilation": 2, "groups": 2, "padding": 2}]},
          {"type": "BatchNorm2d", "args": [6]}, (1, 4, 7, 7))
pair_case("conv1d_bn1d_not_affine", {"type": "Conv1d", "args": [2, 3, 3]}, {"type": "BatchNorm1d", "args": [3, {"affine": False}]}, (2, 2, 6))
pair_case("conv3d_bn3d", {"type": "Conv3d", "args": [2, 2, 2, {"bias": False}]}, {"type": "BatchNorm3d", "args": [2]}, (1, 2, 3, 3, 3))
pair_case("conv_transpose2d_bn2d", {"type": "ConvTranspose2d", "args": [4, 6, 3, {"stride": 2, "padding": 1}]},
          {"type": "BatchNorm2d", "args": [6]}, (1, 4, 3, 3), transpose=True)
pair_case("conv_transpose1d_nobias_bn1d", {"type": "ConvTranspose1d", "args": [3, 2, 2, {"bias": False}]},
          {"type": "BatchNorm1d", "args": [2]}, (2, 3, 4), transpose=True)
pair_case("linear_bn1d", {"type": "Linear", "args": [5, 4]}, {"type": "BatchNorm1d", "args": [4]}, (3, 5))
pair_case("linear_nobias_bn1d", {"type": "Linear", "args": [3, 2, {"bias": False}]}, {"type": "BatchNorm1d", "args": [2, {"eps": 1e-4}]}, (4, 3))
pair_case("linear_bn1d_one_feature", {"type": "Linear", "args": [3, 5]}, {"type": "BatchNorm1d", "args": [1]}, (2, 1, 3))

MODELS = []


class Net(nn.Module):
    """A custom module with a nested Sequential, for dotted names ('features.0')."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.BatchNorm2d(3), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool2d(2)
        self.fc = nn.Linear(12, 4)
        self.bn = nn.BatchNorm1d(4)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.bn(self.fc(self.pool(self.features(x)).flatten(1))))


def sequential(*specs):
    return nn.Sequential(*[build(spec) for spec in specs])


def model_case(name, ts, make, groups, input_shape):
    torch.manual_seed(100 + len(MODELS))
    model = randomize(make())
    x = torch.randn(*input_shape)
    fused = fuse_modules(model, groups)
    MODELS.append({
        "name": name, "ts": ts, "groups": groups,
        "state": {k: enc(v) for k, v in model.state_dict().items()},
        "input": enc(x), "unfused": enc(model(x)),
        "fusedState": {k: enc(v) for k, v in fused.state_dict().items()},
        "fusedClasses": {k: type(m).__name__ for k, m in fused.named_modules() if k},
        "output": enc(fused(x)),
    })


CNN = [
    {"type": "Conv2d", "args": [2, 4, 3, {"padding": 1}]}, {"type": "BatchNorm2d", "args": [4]}, {"type": "ReLU", "args": []},
    {"type": "Conv2d", "args": [4, 4, 3]}, {"type": "ReLU", "args": []},
    {"type": "BatchNorm2d", "args": [4]}, {"type": "ReLU", "args": []},
    {"type": "Conv2d", "args": [4, 2, 1, {"bias": False}]}, {"type": "BatchNorm2d", "args": [2]},
    {"type": "Flatten", "args": []},
    {"type": "Linear", "args": [18, 8]}, {"type": "BatchNorm1d", "args": [8]},
    {"type": "Linear", "args": [8, 5]}, {"type": "ReLU", "args": []},
]
model_case("sequential_cnn", {"type": "Sequential", "layers": CNN}, lambda: sequential(*CNN),
           [["0", "1", "2"], ["3", "4"], ["5", "6"], ["7", "8"], ["10", "11"], ["12", "13"]], (2, 2, 5, 5))
ONE_D = [
    {"type": "Conv1d", "args": [2, 3, 3]}, {"type": "BatchNorm1d", "args": [3]}, {"type": "ReLU", "args": []},
    {"type": "ConvTranspose1d", "args": [3, 2, 3, {"stride": 2}]}, {"type": "BatchNorm1d", "args": [2]},
    {"type": "Conv1d", "args": [2, 4, 1]}, {"type": "ReLU", "args": []},
]
model_case("sequential_1d", {"type": "Sequential", "layers": ONE_D}, lambda: sequential(*ONE_D), [["0", "1", "2"], ["3", "4"], ["5", "6"]], (2, 2, 7))
THREE_D = [
    {"type": "Conv3d", "args": [1, 2, 2]}, {"type": "BatchNorm3d", "args": [2]}, {"type": "ReLU", "args": []},
    {"type": "Conv3d", "args": [2, 2, 1, {"bias": False}]}, {"type": "ReLU", "args": []},
    {"type": "BatchNorm3d", "args": [2]}, {"type": "ReLU", "args": []},
]
model_case("sequential_3d", {"type": "Sequential", "layers": THREE_D}, lambda: sequential(*THREE_D),
           ["0", "1", "2"], (1, 1, 4, 4, 4))
model_case("sequential_3d_groups", {"type": "Sequential", "layers": THREE_D}, lambda: sequential(*THREE_D),
           [["3", "4"], ["5", "6"]], (1, 1, 4, 4, 4))
model_case("nested_net", {"type": "Net"}, Net, [["features.0", "features.1", "features.2"], ["fc", "bn"]], (3, 1, 4, 4))

path = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "fusion_golden.json")
with open(path, "w") as f:
    json.dump({"generator": "scripts/golden/fusion_cases.py", "torch": torch.__version__, "pairs": PAIRS, "models": MODELS}, f)
    f.write("\n")
print(f"wrote {len(PAIRS)} pair and {len(MODELS)} model cases to {os.path.normpath(path)}")
