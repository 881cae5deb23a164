"""The Python torch peers of the micro cases, timed with timeit: each statement is run in `repeat`
batches of as many calls as fill about `seconds` / `repeat`. Prints one JSON line: per case its mean
seconds per call, relative margin of error (%, 95%) and number of samples, as Benchmark.js reports.
    python3 micro.py <seconds> <threads|default> '<json {id: statement}>'
"""
import json
import statistics
import sys
import timeit

import numpy as np
import torch

from models import build_model, set_threads

seconds = float(sys.argv[1])
set_threads(sys.argv[2])
statements = json.loads(sys.argv[3])
torch.manual_seed(0)
fixtures = {
    "torch": torch,
    "a": torch.ones(4),
    "b": torch.ones(4),
    "m4": torch.randn(4, 4),
    "n4": torch.randn(4, 4),
    "small": torch.randn(4),
    "large": torch.randn(1 << 20),
    "small_np": np.ones(4, dtype=np.float32),
    "large_np": np.ones(1 << 20, dtype=np.float32),
    "tiny": build_model("tiny").eval(),
    "tiny_input": torch.randn(8, 16),
}
repeat = 10
results = {}
with torch.no_grad():
    for case_id, statement in statements.items():
        timer = timeit.Timer(statement, globals=fixtures)
        number, total = timer.autorange()
        number = max(1, int(number * seconds / repeat / max(total, 1e-9)))
        per_call = [t / number for t in timer.repeat(repeat=repeat, number=number)]
        mean = statistics.mean(per_call)
        margin = 1.96 * statistics.stdev(per_call) / len(per_call) ** 0.5
        results[case_id] = {"mean": mean, "rme": margin / mean * 100, "samples": len(per_call)}
print(json.dumps({"cases": results, "threads": torch.get_num_threads(), "version": torch.__version__}))
