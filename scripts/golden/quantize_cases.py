#!/usr/bin/env python3
"""Golden values for dynamic quantization (issue 14): torch.ao.quantization.quantize_dynamic on the
onednn engine (the engine Debian's LibTorch has besides qnnpack).

Run with Debian's python3-torch:  /usr/bin/python3 scripts/golden/quantize_cases.py
Writes test/fixtures/quantize_golden.json, replayed by test/quantize-dynamic.test.ts: an MLP's float
state dict, an input, and for each Linear of the quantized model its weight's scale, zero point and
int8 values, plus the quantized model's output (bit-exact: same engine, same kernels). Also
"tensors": quantized tensors (per tensor and per channel) with their repr and integers, saved with
torch.save to test/fixtures/pt/quantized.pt, replayed by test/quantized-tensors.test.ts.
"""
import json
import os

import torch
import torch.nn as nn
from torch.ao.quantization import quantize_dynamic


def enc(t):
    t = t.detach()
    return {"values": t.reshape(-1).tolist(), "shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", "")}


def rnn_cases():
    """quantize_dynamic of an LSTM (2 layers, bidirectional, batch first) and a GRU: their float
    state dicts, an input and the quantized outputs and final states."""
    cases = []
    for name, make in (
        ("LSTM", lambda: nn.LSTM(6, 5, num_layers=2, bidirectional=True, batch_first=True)),
        ("GRU", lambda: nn.GRU(6, 5, num_layers=2)),
    ):
        torch.manual_seed(21)
        float_model = make().eval()
        model = nn.Sequential(float_model)
        x = torch.randn(3, 4, 6)
        quantized = quantize_dynamic(model, {nn.LSTM, nn.GRU}, dtype=torch.qint8)
        with torch.no_grad():
            out, state = quantized(x)
        states = list(state) if isinstance(state, tuple) else [state]
        cases.append(
            {
                "layer": name,
                "stateDict": {k: enc(v) for k, v in float_model.state_dict().items()},
                "input": enc(x),
                "output": enc(out),
                "states": [enc(s) for s in states],
            }
        )
    return cases


def main():
    torch.backends.quantized.engine = "onednn"
    torch.manual_seed(14)
    model = nn.Sequential(nn.Linear(20, 32), nn.ReLU(), nn.Linear(32, 16), nn.Tanh(), nn.Linear(16, 5)).eval()
    # A weight with an exact tie of magnitudes at the extremes, so the symmetric scale is tested on it.
    with torch.no_grad():
        model[4].weight[0, 0] = 0.75
        model[4].weight[1, 1] = -0.75
    x = torch.randn(7, 20)
    quantized = quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)
    layers = []
    for index in (0, 2, 4):
        qweight = quantized[index].weight()
        layers.append(
            {
                "index": index,
                "scale": qweight.q_scale(),
                "zeroPoint": qweight.q_zero_point(),
                "intRepr": enc(qweight.int_repr()),
            }
        )
    with torch.no_grad():
        out = quantized(x)
        fp32 = model(x)
    tensors = {
        "per_tensor_qint8": torch.quantize_per_tensor(torch.tensor([0.1, -0.5, 1.0, 2.6]), 0.02, 0, torch.qint8),
        "per_tensor_quint8": torch.quantize_per_tensor(torch.tensor([[0.1, -0.5], [1.0, 3.0]]), 0.05, 10, torch.quint8),
        "per_channel_qint8": torch.quantize_per_channel(
            torch.tensor([[0.1, -0.2, 0.3], [0.4, -0.5, 0.6]]),
            torch.tensor([0.01, 0.02], dtype=torch.float64),
            torch.tensor([0, 2]),
            0,
            torch.qint8,
        ),
    }
    rnn = rnn_cases()
    pt = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "pt", "quantized.pt")
    torch.save(tensors, pt)
    golden = {
        "tensors": {name: {"repr": repr(t), "intRepr": enc(t.int_repr()), "dtype": str(t.dtype).replace("torch.", "")} for name, t in tensors.items()},
        "engine": "onednn",
        "torchVersion": torch.__version__,
        "stateDict": {k: enc(v) for k, v in model.state_dict().items()},
        "input": enc(x),
        "layers": layers,
        "output": enc(out),
        "fp32Output": enc(fp32),
        "rnn": rnn,
    }
    path = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "quantize_golden.json")
    with open(path, "w") as f:
        json.dump(golden, f)
        f.write("\n")


if __name__ == "__main__":
    main()
