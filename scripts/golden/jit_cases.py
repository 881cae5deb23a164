#!/usr/bin/env python3
"""A traced CNN for torch.jit.load tests (issue 4), with its outputs and a fine-tuning trajectory.

Run with Debian's python3-torch:  /usr/bin/python3 scripts/golden/jit_cases.py
Writes test/fixtures/jit/cnn.pt (TorchScript) and test/fixtures/jit/expected.json.
The fine-tuning runs 5 SGD steps (lr 0.05, momentum 0.9) of cross entropy on fixed data through the
scripted module's parameters; nodetorch must reproduce the losses with its own optimizer.
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.fc = nn.Linear(4 * 4 * 4, 3)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)
        return self.fc(x.flatten(1))


torch.manual_seed(0)
model = CNN().eval()
x = torch.randn(5, 1, 8, 8)
labels = torch.tensor([0, 2, 1, 1, 0])
traced = torch.jit.trace(model, x)
out = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "jit")
os.makedirs(out, exist_ok=True)
traced.save(os.path.join(out, "cnn.pt"))

eval_output = traced(x)
tuned = torch.jit.load(os.path.join(out, "cnn.pt"))
tuned.train()
opt = torch.optim.SGD(tuned.parameters(), lr=0.05, momentum=0.9)
losses = []
for _ in range(5):
    opt.zero_grad()
    loss = F.cross_entropy(tuned(x), labels)
    loss.backward()
    opt.step()
    losses.append(loss.item())
with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump({"input": x.reshape(-1).tolist(), "labels": labels.tolist(), "evalOutput": eval_output.reshape(-1).tolist(),
               "parameterNames": [n for n, _ in traced.named_parameters()], "losses": losses}, f)
    f.write("\n")
print("wrote test/fixtures/jit/cnn.pt and expected.json")
