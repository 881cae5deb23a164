"""Python torch's peer of the peak-RSS case: what `nodetorch train trainer.max_epochs=10` does with
the default config: the MLP 784-128-10 (Flatten, Linear, ReLU, Linear), SGD lr 0.3, batch 64,
shuffled, on EmbeddedMNIST's 7,996 training digits, evaluating the 2,004 test digits (batch 500)
after each epoch. Prints one JSON line with the final test accuracy.
    python3 mnist_rss.py <mnist dir> <epochs> <threads|default>
"""
import json
import sys

import torch
from torch import nn

from mnist_data import load_split
from models import set_threads

directory, epochs = sys.argv[1], int(sys.argv[2])
set_threads(sys.argv[3])
torch.manual_seed(0)
train_set = torch.utils.data.TensorDataset(*load_split(directory, "train"))
test_set = torch.utils.data.TensorDataset(*load_split(directory, "test"))
train_loader = torch.utils.data.DataLoader(train_set, batch_size=64, shuffle=True)
test_loader = torch.utils.data.DataLoader(test_set, batch_size=500)
model = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
optimizer = torch.optim.SGD(model.parameters(), lr=0.3)
loss_fn = nn.CrossEntropyLoss()
accuracy = 0.0
for epoch in range(epochs):
    model.train()
    for x, y in train_loader:
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()
    model.eval()
    correct = 0
    with torch.no_grad():
        for x, y in test_loader:
            correct += (model(x).argmax(1) == y).sum().item()
    accuracy = correct / len(test_set)
print(json.dumps({"accuracy": accuracy}))
