"""Python torch's int8 inference: the suite's model run three ways under torch.no_grad(), each timed in
rounds, interleaved in one process: fp32 eager, torch.ao.quantization.quantize_dynamic (its Linear
layers) and eager-mode static quantization (fuse_modules on the conv-relu / linear-relu runs,
QuantWrapper, the engine's default qconfig, prepare, calibrate on 4 random batches, convert), on the
engine nodetorch picks (onednn here; x86/fbgemm where the build has it). Each way's round runs for
about <ms> milliseconds (its iteration count set from a warm-up).
Prints one JSON line: per way and "model:batch", microseconds per call for each round.
    python3 compress.py <rounds> <threads> <ms> <model:batch>...
"""
import json
import sys
import time

import torch
from torch import nn
from torch.ao import quantization as q

from models import SAMPLE_SHAPES, build_model, set_threads

WAYS = ["fp32", "dynamic int8", "static int8"]

rounds = int(sys.argv[1])
set_threads(sys.argv[2])
target_ms = float(sys.argv[3])
engines = torch.backends.quantized.supported_engines
torch.backends.quantized.engine = next((e for e in ["x86", "fbgemm", "onednn"] if e in engines), "qnnpack")


def fusion_groups(model):
    children = list(model.named_children())
    return [[name, after_name] for (name, layer), (after_name, after) in zip(children, children[1:])
            if isinstance(layer, (nn.Conv2d, nn.Linear)) and isinstance(after, nn.ReLU)]


def static_int8(model, x):
    wrapped = q.QuantWrapper(q.fuse_modules(model, fusion_groups(model)))
    wrapped.qconfig = q.get_default_qconfig(torch.backends.quantized.engine)
    prepared = q.prepare(wrapped)
    for _ in range(4):
        prepared(torch.randn(x.shape))
    return q.convert(prepared)


def make_ways(model_name, x):
    torch.manual_seed(0)
    net = build_model(model_name).eval()
    ways, failed = {"fp32": net}, {}
    for way, make in [("dynamic int8", lambda: q.quantize_dynamic(net, {nn.Linear}, dtype=torch.qint8)),
                      ("static int8", lambda: static_int8(net, x))]:
        try:
            ways[way] = make()
        except Exception as error:  # a way that fails reads n/a with its reason
            failed[way] = f"{way} failed: {str(error).splitlines()[0] if str(error) else type(error).__name__}"[:300]
    return ways, failed


def warm_up(call, x, min_calls, min_ms):
    call(x)
    start = time.perf_counter()
    calls = 0
    while calls < min_calls or (time.perf_counter() - start) * 1e3 < min_ms:
        call(x)
        calls += 1
    return (time.perf_counter() - start) * 1e3 / calls


us_per_call = {way: {} for way in WAYS}
failures = {way: {} for way in WAYS}
iterations_used = {}
with torch.no_grad():
    for spec in sys.argv[4:]:
        model_name, batch = spec.split(":")
        key = f"{model_name}:{int(batch)}"
        x = torch.randn(int(batch), *SAMPLE_SHAPES[model_name])
        ways, failed = make_ways(model_name, x)
        for way, why in failed.items():
            failures[way][key] = why
        iterations = {way: max(3, round(target_ms / warm_up(call, x, 5, target_ms))) for way, call in ways.items()}
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
print(json.dumps({"usPerCall": us_per_call, "failures": failures, "iterations": iterations_used,
                  "threads": torch.get_num_threads(), "engine": torch.backends.quantized.engine}))
