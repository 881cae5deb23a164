"""Python torch's idiomatic training loop: TensorDataset, DataLoader(shuffle), the suite's model,
cross entropy and optimizer. Prints one JSON line of milliseconds per epoch.
    python3 train.py <mlp|cnn|lstm> <sgd|adam> <batch> <samples> <epochs> <threads|default>
"""
import json
import sys
import time

import torch
from torch import nn

from models import SAMPLE_SHAPES, build_model, build_optimizer, set_threads

model_name, optimizer_name = sys.argv[1], sys.argv[2]
batch, samples, epochs = map(int, sys.argv[3:6])
set_threads(sys.argv[6])
torch.manual_seed(0)
net = build_model(model_name)
inputs = torch.randn(samples, *SAMPLE_SHAPES[model_name])
targets = torch.randint(0, 10, (samples,))
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(inputs, targets), batch_size=batch, shuffle=True)
optimizer = build_optimizer(optimizer_name, net.parameters())
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
print(json.dumps({"msPerEpoch": times, "threads": torch.get_num_threads()}))
