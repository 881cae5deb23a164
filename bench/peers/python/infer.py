"""Python torch inference: forward calls under torch.no_grad() on models in eval mode, timed in
rounds. Prints one JSON line: per "model:batch" spec, microseconds per call for each round.
    python3 infer.py <rounds> <threads|default> <model:batch:iterations>...
"""
import json
import sys
import time

import torch

from models import SAMPLE_SHAPES, build_model, set_threads

rounds = int(sys.argv[1])
set_threads(sys.argv[2])
torch.manual_seed(0)
rows = {}
with torch.no_grad():
    for spec in sys.argv[3:]:
        model_name, batch, iterations = spec.split(":")
        batch, iterations = int(batch), int(iterations)
        net = build_model(model_name).eval()
        x = torch.randn(batch, *SAMPLE_SHAPES[model_name])
        for _ in range(iterations // 10 + 1):
            net(x)
        per_round = []
        for _ in range(rounds):
            start = time.perf_counter()
            for _ in range(iterations):
                net(x)
            per_round.append((time.perf_counter() - start) / iterations * 1e6)
        rows[f"{model_name}:{batch}"] = per_round
print(json.dumps({"usPerCall": rows, "threads": torch.get_num_threads()}))
