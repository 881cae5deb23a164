#!/usr/bin/env python3
"""Golden values for torch.nn modules (issue 4).

Run with Debian's python3-torch:  /usr/bin/python3 scripts/golden/nn_cases.py
Writes test/fixtures/nn_golden.json, replayed by test/nn.test.ts:
- "init": parameters of freshly built layers after torch.manual_seed(seed): nodetorch must draw the
  same numbers in the same order.
- "forward": a layer's state dict, inputs, outputs and input gradients (of sum(output * cotangent)),
  so forward and backward are checked independently of initialization.
"""
import json
import math
import os

import torch
import torch.nn as nn


def enc(t):
    t = t.detach()
    values = t.reshape(-1).tolist()
    if t.dtype == torch.bool:
        values = [1 if v else 0 for v in values]
    else:
        values = [v if not isinstance(v, float) or math.isfinite(v) else str(v) for v in values]
    return {"values": values, "shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", "")}


INIT = []


def init_case(name, seed, build, ts):
    torch.manual_seed(seed)
    module = build()
    INIT.append({"name": name, "seed": seed, "ts": ts, "params": {k: enc(v) for k, v in module.named_parameters()}})


init_case("linear", 0, lambda: nn.Linear(5, 3), {"type": "Linear", "args": [5, 3]})
init_case("linear_nobias", 1, lambda: nn.Linear(4, 2, bias=False), {"type": "Linear", "args": [4, 2, {"bias": False}]})
init_case("conv2d", 2, lambda: nn.Conv2d(2, 4, 3), {"type": "Conv2d", "args": [2, 4, 3]})
init_case("conv2d_groups", 3, lambda: nn.Conv2d(4, 6, (3, 2), groups=2), {"type": "Conv2d", "args": [4, 6, [3, 2], {"groups": 2}]})
init_case("conv1d", 4, lambda: nn.Conv1d(3, 2, 5), {"type": "Conv1d", "args": [3, 2, 5]})
init_case("conv_transpose2d", 5, lambda: nn.ConvTranspose2d(3, 2, 3), {"type": "ConvTranspose2d", "args": [3, 2, 3]})
init_case("lstm", 6, lambda: nn.LSTM(3, 4, num_layers=2), {"type": "LSTM", "args": [3, 4, {"numLayers": 2}]})
init_case("lstm_bidirectional", 7, lambda: nn.LSTM(2, 3, bidirectional=True), {"type": "LSTM", "args": [2, 3, {"bidirectional": True}]})
init_case("gru", 8, lambda: nn.GRU(3, 2), {"type": "GRU", "args": [3, 2]})
init_case("embedding", 9, lambda: nn.Embedding(6, 4), {"type": "Embedding", "args": [6, 4]})
init_case("embedding_padding", 10, lambda: nn.Embedding(5, 3, padding_idx=1), {"type": "Embedding", "args": [5, 3, {"paddingIdx": 1}]})
init_case("multihead_attention", 11, lambda: nn.MultiheadAttention(8, 2), {"type": "MultiheadAttention", "args": [8, 2]})
init_case("bilinear", 12, lambda: nn.Bilinear(3, 2, 4), {"type": "Bilinear", "args": [3, 2, 4]})

FORWARD = []


def forward_case(name, build, ts, inputs, train=False, call=None, grad=True, extra=None):
    torch.manual_seed(100 + len(FORWARD))
    module = build().double()
    module.train(train)
    state = {k: enc(v) for k, v in module.state_dict().items()}
    leaves = [x.clone().requires_grad_(grad and x.dtype.is_floating_point) for x in inputs]
    out = call(module, *leaves) if call else module(*leaves)
    outputs = out if isinstance(out, (tuple, list)) else [out]
    flat = []
    for o in outputs:
        if isinstance(o, (tuple, list)):
            flat.extend(o)
        elif o is not None:
            flat.append(o)
    entry = {"name": name, "ts": ts, "train": train, "state": state, "inputs": [enc(x) for x in inputs], "outputs": [enc(o) for o in flat]}
    if extra:
        entry.update(extra)
    if train:
        entry["stateAfter"] = {k: enc(v) for k, v in module.state_dict().items()}
    diff = [x for x in leaves if x.requires_grad]
    if diff and flat[0].requires_grad:
        cot = torch.empty(flat[0].shape, dtype=flat[0].dtype).uniform_(-1, 1)
        grads = torch.autograd.grad(flat[0], diff, cot, allow_unused=True)
        entry["cotangent"] = enc(cot)
        entry["grads"] = [enc(g) if g is not None else None for g in grads]
    FORWARD.append(entry)


r = lambda *s: torch.randn(*s, dtype=torch.float64)
forward_case("linear", lambda: nn.Linear(4, 3), {"type": "Linear", "args": [4, 3]}, [r(2, 5, 4)])
forward_case("bilinear", lambda: nn.Bilinear(3, 2, 4), {"type": "Bilinear", "args": [3, 2, 4]}, [r(5, 3), r(5, 2)])
forward_case("conv1d", lambda: nn.Conv1d(2, 3, 3, stride=2, padding=1), {"type": "Conv1d", "args": [2, 3, 3, {"stride": 2, "padding": 1}]}, [r(2, 2, 9)])
forward_case("conv2d_reflect", lambda: nn.Conv2d(2, 4, 3, padding=1, padding_mode="reflect"), {"type": "Conv2d", "args": [2, 4, 3, {"padding": 1, "paddingMode": "reflect"}]}, [r(1, 2, 5, 6)])
forward_case("conv2d_same_dilated", lambda: nn.Conv2d(3, 3, 3, padding="same", dilation=2, groups=3), {"type": "Conv2d", "args": [3, 3, 3, {"padding": "same", "dilation": 2, "groups": 3}]}, [r(2, 3, 7, 7)])
forward_case("conv3d", lambda: nn.Conv3d(1, 2, 2), {"type": "Conv3d", "args": [1, 2, 2]}, [r(1, 1, 3, 4, 4)])
forward_case("conv_transpose1d", lambda: nn.ConvTranspose1d(2, 3, 3, stride=2, output_padding=1), {"type": "ConvTranspose1d", "args": [2, 3, 3, {"stride": 2, "outputPadding": 1}]}, [r(2, 2, 5)])
forward_case("conv_transpose2d", lambda: nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1), {"type": "ConvTranspose2d", "args": [3, 2, 3, {"stride": 2, "padding": 1}]}, [r(1, 3, 4, 4)])
forward_case("maxpool2d", lambda: nn.MaxPool2d(2), {"type": "MaxPool2d", "args": [2]}, [r(2, 3, 6, 6)])
forward_case("avgpool1d", lambda: nn.AvgPool1d(3, stride=2), {"type": "AvgPool1d", "args": [3, {"stride": 2}]}, [r(2, 3, 9)])
forward_case("adaptive_avgpool2d", lambda: nn.AdaptiveAvgPool2d((2, 3)), {"type": "AdaptiveAvgPool2d", "args": [[2, 3]]}, [r(2, 3, 7, 8)])
forward_case("batchnorm1d_train", lambda: nn.BatchNorm1d(3), {"type": "BatchNorm1d", "args": [3]}, [r(6, 3)], train=True)
forward_case("batchnorm2d_train", lambda: nn.BatchNorm2d(2, momentum=0.3), {"type": "BatchNorm2d", "args": [2, {"momentum": 0.3}]}, [r(4, 2, 3, 3)], train=True)
forward_case("batchnorm2d_eval", lambda: nn.BatchNorm2d(2), {"type": "BatchNorm2d", "args": [2]}, [r(4, 2, 3, 3)])
forward_case("layernorm", lambda: nn.LayerNorm([3, 4]), {"type": "LayerNorm", "args": [[3, 4]]}, [r(2, 3, 4)])
forward_case("groupnorm", lambda: nn.GroupNorm(2, 4), {"type": "GroupNorm", "args": [2, 4]}, [r(3, 4, 5)])
forward_case("embedding", lambda: nn.Embedding(7, 3, padding_idx=0), {"type": "Embedding", "args": [7, 3, {"paddingIdx": 0}]}, [torch.tensor([[1, 0, 6], [2, 2, 5]])])
forward_case("rnn_relu", lambda: nn.RNN(3, 4, nonlinearity="relu", num_layers=2), {"type": "RNN", "args": [3, 4, {"nonlinearity": "relu", "numLayers": 2}]}, [r(5, 2, 3)])
forward_case("lstm_bidir_batch_first", lambda: nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True), {"type": "LSTM", "args": [3, 4, {"numLayers": 2, "bidirectional": True, "batchFirst": True}]}, [r(2, 5, 3)])
forward_case("lstm_unbatched", lambda: nn.LSTM(2, 3), {"type": "LSTM", "args": [2, 3]}, [r(4, 2)])
forward_case("gru_batch_first", lambda: nn.GRU(3, 2, batch_first=True), {"type": "GRU", "args": [3, 2, {"batchFirst": True}]}, [r(3, 4, 3)])
mask = torch.tensor([[False, False, True, False], [False, True, False, False], [False, False, False, False]])
forward_case("mha_self", lambda: nn.MultiheadAttention(8, 2), {"type": "MultiheadAttention", "args": [8, 2]}, [r(3, 2, 8)], call=lambda m, x: m(x, x, x))
forward_case("mha_cross_masks", lambda: nn.MultiheadAttention(8, 4, batch_first=True), {"type": "MultiheadAttention", "args": [8, 4, {"batchFirst": True}]},
             [r(2, 3, 8), r(2, 4, 8), r(2, 4, 8)], call=lambda m, q, k, v: m(q, k, v, key_padding_mask=torch.tensor([[False, False, False, True], [False, False, True, True]]), attn_mask=mask),
             extra={"masks": {"keyPaddingMask": enc(torch.tensor([[False, False, False, True], [False, False, True, True]])), "attnMask": enc(mask)}})
forward_case("transformer_layer", lambda: nn.TransformerEncoderLayer(8, 2, dim_feedforward=16), {"type": "TransformerEncoderLayer", "args": [8, 2, {"dimFeedforward": 16}]}, [r(5, 2, 8)])
forward_case("transformer_layer_norm_first_gelu", lambda: nn.TransformerEncoderLayer(8, 4, dim_feedforward=12, norm_first=True, activation="gelu", batch_first=True),
             {"type": "TransformerEncoderLayer", "args": [8, 4, {"dimFeedforward": 12, "normFirst": True, "activation": "gelu", "batchFirst": True}]}, [r(2, 5, 8)])
forward_case("transformer_encoder", lambda: nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, dim_feedforward=16), 2), {"type": "TransformerEncoder", "args": [8, 2, 16, 2]}, [r(4, 2, 8)])
forward_case("sequential_cnn", lambda: nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(3 * 4 * 4, 5), nn.LogSoftmax(1)),
             {"type": "SequentialCNN", "args": []}, [r(2, 1, 8, 8)])
forward_case("activations", lambda: nn.Sequential(nn.LeakyReLU(0.2), nn.GELU(), nn.SiLU(), nn.Tanh(), nn.Sigmoid(), nn.Softmax(-1)), {"type": "Activations", "args": []}, [r(3, 5)])

LOSSES = []
for name, module, ts in [
    ("cross_entropy", nn.CrossEntropyLoss(label_smoothing=0.1), {"type": "CrossEntropyLoss", "args": [{"labelSmoothing": 0.1}]}),
    ("nll", nn.NLLLoss(reduction="sum"), {"type": "NLLLoss", "args": [{"reduction": "sum"}]}),
]:
    torch.manual_seed(len(LOSSES))
    x = torch.randn(4, 5, dtype=torch.float64).log_softmax(1)
    t = torch.tensor([1, 0, 4, 2])
    LOSSES.append({"name": name, "ts": ts, "input": enc(x), "target": enc(t), "output": enc(module(x, t))})
for name, module, ts in [
    ("mse", nn.MSELoss(), {"type": "MSELoss", "args": []}),
    ("l1", nn.L1Loss(reduction="none"), {"type": "L1Loss", "args": [{"reduction": "none"}]}),
    ("smooth_l1", nn.SmoothL1Loss(beta=0.5), {"type": "SmoothL1Loss", "args": [{"beta": 0.5}]}),
    ("bce", nn.BCELoss(), {"type": "BCELoss", "args": []}),
    ("bce_logits", nn.BCEWithLogitsLoss(), {"type": "BCEWithLogitsLoss", "args": []}),
]:
    torch.manual_seed(10 + len(LOSSES))
    x = torch.rand(3, 4, dtype=torch.float64) * 0.9 + 0.05
    t = torch.rand(3, 4, dtype=torch.float64)
    LOSSES.append({"name": name, "ts": ts, "input": enc(x), "target": enc(t), "output": enc(module(x, t))})

path = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "nn_golden.json")
with open(path, "w") as f:
    json.dump({"generator": "scripts/golden/nn_cases.py", "torch": torch.__version__, "init": INIT, "forward": FORWARD, "losses": LOSSES}, f)
    f.write("\n")
print(f"wrote {len(INIT)} init, {len(FORWARD)} forward and {len(LOSSES)} loss cases to {os.path.normpath(path)}")
