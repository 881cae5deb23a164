"""Python torch's side of the ceiling: GFLOP/s of torch.mm on n x n float32 (best of 5 timed batches).
    python3 sgemm.py <n> <iterations> <threads|default>
"""
import json
import sys
import time

import torch

from models import set_threads

n, iterations = int(sys.argv[1]), int(sys.argv[2])
set_threads(sys.argv[3])
torch.manual_seed(0)
a, b = torch.randn(n, n), torch.randn(n, n)
torch.mm(a, b)
best = 0.0
for _ in range(5):
    start = time.perf_counter()
    for _ in range(iterations):
        torch.mm(a, b)
    best = max(best, 2 * n**3 * iterations / (time.perf_counter() - start) / 1e9)
print(json.dumps({"gflops": best, "threads": torch.get_num_threads()}))
