"""Python torch's idiomatic training loop for bench/train-loop.mjs: TensorDataset, DataLoader(shuffle),
the same model, loss and optimizer. Prints one JSON line of milliseconds per epoch.
    python3 python_loop.py <mlp|cnn> <batch> <samples> <epochs> <threads>
"""
import json
import sys
import time

import torch
from torch import nn

model_name, batch, samples, epochs, threads = sys.argv[1], *map(int, sys.argv[2:])
torch.set_num_threads(threads)
torch.manual_seed(0)
if model_name == "mlp":
    net = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    inputs = torch.randn(samples, 784)
else:
    net = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16, 32, 3, padding=1),
                        nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32 * 7 * 7, 10))
    inputs = torch.randn(samples, 1, 28, 28)
targets = torch.randint(0, 10, (samples,))
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(inputs, targets), batch_size=batch, shuffle=True)
optimizer = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
loss_fn = nn.CrossEntropyLoss()
times = []
for epoch in range(epochs):
    start = time.perf_counter()
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        optimizer.step()
    times.append((time.perf_counter() - start) * 1000)
print(json.dumps({"msPerEpoch": times}))
