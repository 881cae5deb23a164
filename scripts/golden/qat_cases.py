#!/usr/bin/env python3
"""Golden values for quantization-aware training (issue 14) on the onednn engine, from PyTorch 2.x.

Run in the LibTorch 2.6 chroot of scripts/check-libtorch2.sh (`python3 scripts/golden/qat_cases.py`);
writes test/fixtures/qat_golden.json, replayed by test/quantize-qat.test.ts:

- "fakeQuant": FakeQuantize and FusedMovingAvgObsFakeQuantize (per tensor and per channel) on a few
  inputs: outputs, the gradient of a weighted sum (straight-through inside the range), and the
  scale, zero point and observer range after each step.
- "model": a CNN (QuantStub, conv-bn-relu, max pool, flatten, linear-relu, linear, DeQuantStub)
  fused with fuse_modules_qat, prepared with get_default_qat_qconfig('onednn'), trained three SGD
  steps on fixed batches: each step's loss, the parameters, batch norm statistics and fake-quant
  parameters after training; then converted in eval mode: the quantized layers' qparams and int8
  weights, and the output on a test batch.
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.ao.quantization import (
    DeQuantStub,
    FakeQuantize,
    FusedMovingAvgObsFakeQuantize,
    MovingAverageMinMaxObserver,
    MovingAveragePerChannelMinMaxObserver,
    QuantStub,
    convert,
    fuse_modules_qat,
    get_default_qat_qconfig,
    prepare_qat,
)


def enc(t):
    t = t.detach()
    return {"values": t.reshape(-1).tolist(), "shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", "")}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.quant = QuantStub()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(4)
        self.relu1 = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(64, 16)
        self.relu2 = nn.ReLU()
        self.fc2 = nn.Linear(16, 3)
        self.dequant = DeQuantStub()

    def forward(self, x):
        x = self.quant(x)
        x = self.pool(self.relu1(self.bn1(self.conv1(x))))
        x = self.relu2(self.fc1(self.flatten(x)))
        return self.dequant(self.fc2(x))


FAKE_QUANTS = [
    ("FakeQuantize", FakeQuantize, {"observer": "MovingAverageMinMaxObserver", "quant_min": 0, "quant_max": 255}),
    ("FusedMovingAvgObsFakeQuantize", FusedMovingAvgObsFakeQuantize, {"observer": "MovingAverageMinMaxObserver", "quant_min": 0, "quant_max": 255}),
    (
        "FusedMovingAvgObsFakeQuantize",
        FusedMovingAvgObsFakeQuantize,
        {"observer": "MovingAveragePerChannelMinMaxObserver", "quant_min": -128, "quant_max": 127, "dtype": "qint8", "qscheme": "per_channel_symmetric"},
    ),
    (
        "FakeQuantize",
        FakeQuantize,
        {"observer": "MovingAveragePerChannelMinMaxObserver", "quant_min": -128, "quant_max": 127, "dtype": "qint8", "qscheme": "per_channel_symmetric", "ch_axis": 0},
    ),
]
OBSERVER_CLASSES = {"MovingAverageMinMaxObserver": MovingAverageMinMaxObserver, "MovingAveragePerChannelMinMaxObserver": MovingAveragePerChannelMinMaxObserver}


def fake_quant_cases():
    cases = []
    for index, (name, cls, args) in enumerate(FAKE_QUANTS):
        torch.manual_seed(200 + index)
        kwargs = dict(args)
        kwargs["observer"] = OBSERVER_CLASSES[kwargs["observer"]]
        for key in ("dtype", "qscheme"):
            if key in kwargs:
                kwargs[key] = getattr(torch, kwargs[key])
        module = cls(**kwargs)
        steps = []
        for scale in (1.0, 3.0, 0.5):
            x = (torch.randn(3, 5) * scale).requires_grad_()
            weights = torch.randn(3, 5)
            y = module(x)
            (y * weights).sum().backward()
            steps.append(
                {
                    "input": enc(x),
                    "weights": enc(weights),
                    "output": enc(y),
                    "grad": enc(x.grad),
                    "scale": enc(module.scale),
                    "zeroPoint": enc(module.zero_point),
                    "minVal": enc(module.activation_post_process.min_val),
                    "maxVal": enc(module.activation_post_process.max_val),
                }
            )
        cases.append({"fakeQuant": name, "args": args, "steps": steps})
    return cases


def model_case():
    torch.manual_seed(15)
    model = Net()
    state = {k: enc(v) for k, v in model.state_dict().items()}
    batches = [(torch.randn(6, 1, 8, 8), torch.randint(0, 3, (6,))) for _ in range(3)]
    test_input = torch.randn(4, 1, 8, 8)
    model.train()
    fused = fuse_modules_qat(model, [["conv1", "bn1", "relu1"], ["fc1", "relu2"]])
    fused.qconfig = get_default_qat_qconfig("onednn")
    prepared = prepare_qat(fused)
    optimizer = torch.optim.SGD(prepared.parameters(), lr=0.05, momentum=0.9)
    losses = []
    for x, y in batches:
        loss = F.cross_entropy(prepared(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    trained = {k: enc(v) for k, v in prepared.state_dict().items()}
    prepared.eval()
    with torch.no_grad():
        qat_eval_output = prepared(test_input)
    quantized = convert(prepared)
    layers = {}
    for name in ("conv1", "fc1", "fc2"):
        layer = getattr(quantized, name)
        weight = layer.weight()
        layers[name] = {
            "type": type(layer).__name__,
            "scale": layer.scale,
            "zeroPoint": layer.zero_point,
            "weightIntRepr": enc(weight.int_repr()),
            "weightScales": enc(weight.q_per_channel_scales()),
            "bias": enc(layer.bias()),
        }
    with torch.no_grad():
        out = quantized(test_input)
    return {
        "stateDict": state,
        "batches": [{"input": enc(x), "target": enc(y)} for x, y in batches],
        "input": enc(test_input),
        "losses": losses,
        "trained": trained,
        "qatEvalOutput": enc(qat_eval_output),
        "quant": {"scale": float(quantized.quant.scale), "zeroPoint": int(quantized.quant.zero_point)},
        "layers": layers,
        "output": enc(out),
        "preparedRepr": repr(prepared),
    }


def main():
    torch.backends.quantized.engine = "onednn"
    torch.set_num_threads(1)
    golden = {"engine": "onednn", "torchVersion": torch.__version__, "fakeQuant": fake_quant_cases(), "model": model_case()}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "qat_golden.json")
    with open(path, "w") as f:
        json.dump(golden, f)
        f.write("\n")


if __name__ == "__main__":
    main()
