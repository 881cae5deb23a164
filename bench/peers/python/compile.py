"""Python torch's compiled inference: the same model run four ways under torch.no_grad(), each timed
in rounds, interleaved in one process: eager, torch.jit.trace, torch.jit.freeze(traced) and
torch.jit.optimize_for_inference(traced). Each way's round runs for about <ms> milliseconds (its
iteration count set from a warm-up); every way's output is checked against eager's.
Prints one JSON line: per way and "model:batch", microseconds per call for each round.
    python3 compile.py <rounds> <threads> <ms> <model:batch>...
"""
import json
import sys
import time

import torch

from models import SAMPLE_SHAPES, build_model, set_threads

WAYS = ["eager", "traced", "frozen", "optimized"]
TOLERANCE = 1e-4

rounds = int(sys.argv[1])
set_threads(sys.argv[2])
target_ms = float(sys.argv[3])


def make_ways(model_name, x):
    torch.manual_seed(0)
    net = build_model(model_name).eval()
    ways, setup_ms, failed = {}, {}, {}

    def timed(way, make):
        start = time.perf_counter()
        try:
            ways[way] = make()
            setup_ms[way] = (time.perf_counter() - start) * 1e3
        except Exception as error:  # a way that fails reads n/a with its reason
            failed[way] = f"{way} failed: {str(error).splitlines()[0] if str(error) else type(error).__name__}"[:300]

    timed("eager", lambda: net)
    timed("traced", lambda: torch.jit.trace(net, x))
    if "traced" in ways:
        timed("frozen", lambda: torch.jit.freeze(ways["traced"]))
        timed("optimized", lambda: torch.jit.optimize_for_inference(ways["traced"]))
    return ways, setup_ms, failed


def warm_up(call, x, min_calls, min_ms):
    """Calls until min_ms have passed and at least min_calls were made; ms per call (the first call excluded)."""
    call(x)
    start = time.perf_counter()
    calls = 0
    while calls < min_calls or (time.perf_counter() - start) * 1e3 < min_ms:
        call(x)
        calls += 1
    return (time.perf_counter() - start) * 1e3 / calls


us_per_call = {way: {} for way in WAYS}
failures = {way: {} for way in WAYS}
setup, iterations_used = {}, {}
with torch.no_grad():
    for spec in sys.argv[4:]:
        model_name, batch = spec.split(":")
        batch = int(batch)
        key = f"{model_name}:{batch}"
        x = torch.randn(batch, *SAMPLE_SHAPES[model_name])
        ways, setup[key], failed = make_ways(model_name, x)
        for way, why in failed.items():
            failures[way][key] = why
        reference = ways["eager"](x)
        iterations = {}
        for way in list(ways):
            diff = (ways[way](x) - reference).abs().max().item()
            if not diff <= TOLERANCE:
                failures[way][key] = f"{way}'s output differs from eager's by {diff}"
                del ways[way]
                continue
            iterations[way] = max(3, round(target_ms / warm_up(ways[way], x, 5, target_ms)))
        iterations_used[key] = iterations
        for way in ways:
            us_per_call[way][key] = []
        for _ in range(rounds):
            for way, call in ways.items():
                n = iterations[way]
                start = time.perf_counter()
                for _ in range(n):
                    call(x)
                us_per_call[way][key].append((time.perf_counter() - start) / n * 1e6)
print(json.dumps({"usPerCall": us_per_call, "failures": failures, "setupMs": setup, "iterations": iterations_used,
                  "threads": torch.get_num_threads()}))
