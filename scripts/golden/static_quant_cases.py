#!/usr/bin/env python3
"""Golden values for eager-mode static quantization (issue 14): observers and prepare/calibrate/convert
on the onednn engine.

Run with Debian's python3-torch. The committed fixture comes from LibTorch 2.6 (the Debian trixie
chroot of scripts/check-libtorch2.sh: `python3 scripts/golden/static_quant_cases.py` there), since
PyTorch 2.x changed HistogramObserver's histogram merging and real users run 2.x:
writes test/fixtures/static_quant_golden.json, replayed by test/quantize-static.test.ts.

- "observers": each observer class with its arguments, the tensors it saw, and the min/max it kept
  and the qparams it computed.
- "model": a small CNN (QuantStub, conv-bn-relu, max pool, conv-relu, a FloatFunctional add, flatten,
  linear-relu, linear, DeQuantStub) with its float state dict; fused, prepared with
  get_default_qconfig('onednn'), calibrated on fixed batches, converted. For each quantized layer its
  output scale and zero point, the int8 weight, per-channel scales and zero points; the float and
  quantized outputs on a test batch.
"""
import json
import os

import torch
import torch.nn as nn
from torch.ao.nn.quantized import FloatFunctional
from torch.ao.quantization import (
    DeQuantStub,
    HistogramObserver,
    MinMaxObserver,
    MovingAverageMinMaxObserver,
    MovingAveragePerChannelMinMaxObserver,
    PerChannelMinMaxObserver,
    QuantStub,
    convert,
    fuse_modules,
    get_default_qconfig,
    prepare,
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
        self.conv2 = nn.Conv2d(4, 4, 3, padding=1)
        self.relu2 = nn.ReLU()
        self.skip = FloatFunctional()
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(64, 16)
        self.relu3 = nn.ReLU()
        self.fc2 = nn.Linear(16, 3)
        self.dequant = DeQuantStub()

    def forward(self, x):
        x = self.quant(x)
        x = self.pool(self.relu1(self.bn1(self.conv1(x))))
        x = self.skip.add(x, self.relu2(self.conv2(x)))
        x = self.relu3(self.fc1(self.flatten(x)))
        return self.dequant(self.fc2(x))


OBSERVERS = [
    ("MinMaxObserver", MinMaxObserver, {}),
    ("MinMaxObserver", MinMaxObserver, {"dtype": "qint8", "qscheme": "per_tensor_symmetric"}),
    ("MinMaxObserver", MinMaxObserver, {"reduce_range": True}),
    ("MovingAverageMinMaxObserver", MovingAverageMinMaxObserver, {"averaging_constant": 0.1}),
    ("PerChannelMinMaxObserver", PerChannelMinMaxObserver, {"ch_axis": 0, "dtype": "qint8", "qscheme": "per_channel_symmetric"}),
    ("PerChannelMinMaxObserver", PerChannelMinMaxObserver, {"ch_axis": 1}),
    ("MovingAveragePerChannelMinMaxObserver", MovingAveragePerChannelMinMaxObserver, {"ch_axis": 0, "averaging_constant": 0.5}),
    ("HistogramObserver", HistogramObserver, {}),
    ("HistogramObserver", HistogramObserver, {"reduce_range": True, "bins": 256}),
    ("HistogramObserver", HistogramObserver, {"dtype": "qint8", "qscheme": "per_tensor_symmetric"}),
]


def torch_args(args):
    out = dict(args)
    for key in ("dtype", "qscheme"):
        if key in out:
            out[key] = getattr(torch, out[key])
    return out


def observer_cases():
    cases = []
    for index, (name, cls, args) in enumerate(OBSERVERS):
        torch.manual_seed(100 + index)
        # Batches whose range grows and shrinks, so merging histograms and moving averages are exercised.
        inputs = [torch.randn(3, 4, 5) * s + o for s, o in ((1.0, 0.0), (2.5, 0.5), (0.5, -1.0), (1.5, 2.0))]
        observer = cls(**torch_args(args))
        for x in inputs:
            observer(x)
        scale, zero_point = observer.calculate_qparams()
        cases.append(
            {
                "observer": name,
                "args": args,
                "inputs": [enc(x) for x in inputs],
                "minVal": enc(observer.min_val),
                "maxVal": enc(observer.max_val),
                "scale": enc(scale),
                "zeroPoint": enc(zero_point),
            }
        )
    return cases


def model_case():
    torch.manual_seed(14)
    model = Net()
    with torch.no_grad():
        model.bn1.running_mean.copy_(torch.randn(4) * 0.1)
        model.bn1.running_var.copy_(torch.rand(4) + 0.5)
        model.bn1.weight.copy_(torch.rand(4) + 0.5)
        model.bn1.bias.copy_(torch.randn(4) * 0.1)
    model.eval()
    state = {k: enc(v) for k, v in model.state_dict().items()}
    calibration = [torch.randn(5, 1, 8, 8) for _ in range(3)]
    test_input = torch.randn(4, 1, 8, 8)
    with torch.no_grad():
        fp32 = model(test_input)
    fused = fuse_modules(model, [["conv1", "bn1", "relu1"], ["conv2", "relu2"], ["fc1", "relu3"]])
    fused.qconfig = get_default_qconfig("onednn")
    prepared = prepare(fused)
    with torch.no_grad():
        for x in calibration:
            prepared(x)
    observed = {}
    for name, module in prepared.named_modules():
        if name.endswith("activation_post_process"):
            scale, zero_point = module.calculate_qparams()
            observed[name] = {"minVal": module.min_val.item(), "maxVal": module.max_val.item(), "scale": scale.item(), "zeroPoint": zero_point.item()}
    quantized = convert(prepared)
    layers = {}
    for name in ("conv1", "conv2", "fc1", "fc2"):
        layer = getattr(quantized, name)
        weight = layer.weight()
        layers[name] = {
            "type": type(layer).__name__,
            "scale": layer.scale,
            "zeroPoint": layer.zero_point,
            "weightIntRepr": enc(weight.int_repr()),
            "weightScales": enc(weight.q_per_channel_scales()),
            "weightZeroPoints": enc(weight.q_per_channel_zero_points()),
            "bias": enc(layer.bias()),
        }
    with torch.no_grad():
        out = quantized(test_input)
    return {
        "stateDict": state,
        "calibration": [enc(x) for x in calibration],
        "input": enc(test_input),
        "fp32Output": enc(fp32),
        "observers": observed,
        "quant": {"scale": float(quantized.quant.scale), "zeroPoint": int(quantized.quant.zero_point)},
        "skip": {"scale": quantized.skip.scale, "zeroPoint": quantized.skip.zero_point},
        "layers": layers,
        "output": enc(out),
        "repr": repr(quantized),
    }


def main():
    torch.backends.quantized.engine = "onednn"
    golden = {"engine": "onednn", "torchVersion": torch.__version__, "observers": observer_cases(), "model": model_case()}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "static_quant_golden.json")
    with open(path, "w") as f:
        json.dump(golden, f)
        f.write("\n")


if __name__ == "__main__":
    main()
