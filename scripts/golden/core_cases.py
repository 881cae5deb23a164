#!/usr/bin/env python3
"""Golden values for the tensor core (issue 2): op results and gradients computed by PyTorch.

Run with Debian's python3-torch (not a pyenv python):
    /usr/bin/python3 scripts/golden/core_cases.py
Writes test/fixtures/core_golden.json, replayed by test/golden-core.test.ts.

Each case names a Tensor method (camelCase, as nodetorch spells it), its tensor inputs, extra
arguments, and PyTorch's output; when inputs require grad, out.backward(ones_like(out)) gives
the expected input gradients.
"""
import json
import math
import os

import torch

torch.manual_seed(0)
CASES = []


def encode(t):
    values = t.detach().reshape(-1).tolist()
    if t.dtype == torch.bool:
        values = [1 if v else 0 for v in values]
    else:
        values = [v if not isinstance(v, float) or math.isfinite(v) else str(v) for v in values]
    return {"values": values, "shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", "")}


def inp(shape, dtype=torch.float32, grad=False, low=-2.0, high=2.0, positive=False):
    if dtype.is_floating_point:
        t = torch.empty(shape, dtype=torch.float64).uniform_(0.1 if positive else low, high).to(dtype)
    else:
        t = torch.randint(1 if positive else -5, 6, shape, dtype=dtype)
    return t.requires_grad_(grad)


def case(name, method, inputs, args=(), py=None, output=None):
    """py(*inputs) computes PyTorch's result; defaults to inputs[0].<method>(*inputs[1:], *args)."""
    leaves = [t for t in inputs]
    result = py(*leaves) if py else getattr(leaves[0], method)(*leaves[1:], *args)
    entry = {
        "name": name,
        "method": method,
        "inputs": [dict(encode(t), requiresGrad=t.requires_grad) for t in leaves],
        "args": list(args),
    }
    outputs = result if isinstance(result, (tuple, list)) else [result]
    if output is not None:
        outputs = [output(result)]
    entry["outputs"] = [encode(o) for o in outputs]
    if any(t.requires_grad for t in leaves):
        first = outputs[0]
        first.backward(torch.ones_like(first))
        entry["grads"] = [encode(t.grad) if t.grad is not None else None for t in leaves]
    CASES.append(entry)


F32, F64, I64, I32 = torch.float32, torch.float64, torch.int64, torch.int32

# Arithmetic with broadcasting, scalars and dtypes.
for dtype in (F32, F64):
    tag = str(dtype).replace("torch.", "")
    case(f"add_{tag}", "add", [inp([2, 3], dtype, True), inp([2, 3], dtype, True)])
    case(f"add_broadcast_{tag}", "add", [inp([2, 3], dtype, True), inp([3], dtype, True)])
    case(f"sub_broadcast_{tag}", "sub", [inp([4, 1], dtype, True), inp([1, 5], dtype, True)])
    case(f"mul_{tag}", "mul", [inp([3, 4], dtype, True), inp([3, 4], dtype, True)])
    case(f"div_{tag}", "div", [inp([3, 4], dtype, True), inp([3, 4], dtype, True, positive=True)])
    case(f"matmul_{tag}", "matmul", [inp([3, 4], dtype, True), inp([4, 2], dtype, True)])
case("add_scalar", "add", [inp([2, 3], F32, True)], [2.5], py=lambda a: a.add(2.5))
case("mul_scalar", "mul", [inp([2, 3], F32, True)], [-3], py=lambda a: a.mul(-3))
case("sub_scalar_int", "sub", [inp([4], I64)], [2], py=lambda a: a.sub(2))
case("mul_int_float_promotes", "mul", [inp([4], I64)], [0.5], py=lambda a: a.mul(0.5))
case("add_int32_int64", "add", [inp([3], I32), inp([3], I64)])
case("div_int_true_division", "div", [inp([5], I64), inp([5], I64, positive=True)])
case("pow_scalar", "pow", [inp([2, 3], F32, True, positive=True)], [3], py=lambda a: a.pow(3))
case("pow_fractional", "pow", [inp([5], F64, True, positive=True)], [0.5], py=lambda a: a.pow(0.5))
case("pow_tensor", "pow", [inp([4], F64, True, positive=True), inp([4], F64, True)])
case("neg", "neg", [inp([3, 2], F32, True)])
case("remainder", "remainder", [inp([6], F32), inp([6], F32, positive=True)])

# Comparisons.
for op in ("eq", "ne", "lt", "le", "gt", "ge"):
    a = torch.tensor([1.0, 2.0, 3.0, float("nan")])
    b = torch.tensor([3.0, 2.0, 1.0, float("nan")])
    case(f"{op}_tensor", op, [a, b])
    case(f"{op}_scalar", op, [a], [2], py=lambda x, op=op: getattr(x, op)(2))

# Reductions.
x34 = lambda: inp([3, 4], F64, True)
case("sum_all", "sum", [x34()])
case("sum_dim0", "sum", [x34()], [0])
case("sum_dim1_keepdim", "sum", [x34()], [1, True])
case("sum_dims", "sum", [inp([2, 3, 4], F32, True)], [[0, 2]])
case("sum_int", "sum", [inp([5], I32)])
case("mean_all", "mean", [x34()])
case("mean_dim", "mean", [x34()], [1])
case("mean_dim_keepdim", "mean", [x34()], [0, True])
case("max_all", "max", [x34()])
case("min_all", "min", [x34()])
case("max_dim", "max", [x34()], [1], py=lambda a: a.max(1), output=lambda r: r.values)
case("max_dim_indices", "max", [inp([3, 4], F64)], [0, True], py=lambda a: a.max(0, True), output=lambda r: r.indices)
case("min_dim", "min", [x34()], [0], py=lambda a: a.min(0), output=lambda r: r.values)
case("argmax_all", "argmax", [inp([3, 4], F64)])
case("argmax_dim", "argmax", [inp([3, 4], F64)], [1])
case("argmin_dim_keepdim", "argmin", [inp([3, 4], F64)], [0, True])
case("std_all", "std", [x34()])
case("std_dim", "std", [x34()], [1])
case("std_biased", "std", [x34()], [0, False], py=lambda a: a.std(0, False))
case("var_all", "var", [x34()])
case("var_dim_keepdim", "var", [x34()], [1, True, True], py=lambda a: a.var(1, True, True))
case("prod", "prod", [inp([4], F64, True)])
case("sum_empty", "sum", [torch.zeros(0, 3)])
case("mean_nan", "mean", [torch.tensor([1.0, float("nan"), 3.0])])

# Elementwise functions.
for fn in ("exp", "log", "sqrt", "abs", "relu", "sigmoid", "tanh"):
    positive = fn in ("log", "sqrt")
    case(fn, fn, [inp([3, 4], F64, True, positive=positive)])
    case(f"{fn}_f32", fn, [inp([5], F32, True, positive=positive)])
case("clamp_both", "clamp", [inp([10], F64, True)], [-0.5, 0.5])
case("clamp_min_only", "clamp", [inp([10], F64, True)], [0.0, None], py=lambda a: a.clamp(min=0.0))
case("clamp_max_only", "clamp", [inp([10], F64, True)], [None, 1.0], py=lambda a: a.clamp(max=1.0))
case("softmax_dim1", "softmax", [x34()], [1])
case("softmax_dim0", "softmax", [inp([3, 4], F32, True)], [0])
case("log_softmax", "logSoftmax", [x34()], [1], py=lambda a: a.log_softmax(1))
case("log_softmax_neg_dim", "logSoftmax", [inp([2, 3, 4], F64, True)], [-1], py=lambda a: a.log_softmax(-1))

# Linear algebra.
case("mm", "mm", [inp([2, 5], F64, True), inp([5, 3], F64, True)])
case("bmm", "bmm", [inp([2, 3, 4], F64, True), inp([2, 4, 5], F64, True)])
case("matmul_batched_broadcast", "matmul", [inp([2, 3, 4], F64, True), inp([4, 2], F64, True)])
case("matmul_vec", "matmul", [inp([3, 4], F64, True), inp([4], F64, True)])

# Shapes.
case("reshape", "reshape", [inp([2, 6], F64, True)], [[3, 4]], py=lambda a: a.reshape(3, 4))
case("reshape_infer", "reshape", [inp([2, 6], F64, True)], [[-1, 2]], py=lambda a: a.reshape(-1, 2))
case("view", "view", [inp([4, 3], F64, True)], [[12]], py=lambda a: a.view(12))
case("permute", "permute", [inp([2, 3, 4], F64, True)], [[2, 0, 1]], py=lambda a: a.permute(2, 0, 1))
case("transpose", "transpose", [inp([2, 3, 4], F64, True)], [0, 2])
case("squeeze_all", "squeeze", [inp([1, 3, 1, 2], F64, True)])
case("squeeze_dim", "squeeze", [inp([1, 3, 1, 2], F64, True)], [2])
case("unsqueeze", "unsqueeze", [inp([3, 2], F64, True)], [1])
case("flatten", "flatten", [inp([2, 3, 4], F64, True)])
case("flatten_range", "flatten", [inp([2, 3, 4], F64, True)], [1, 2])
case("expand", "expand", [inp([3, 1], F64, True)], [[3, 4]], py=lambda a: a.expand(3, 4))
case("split_size", "split", [inp([5, 2], F64)], [2])
case("split_sizes", "split", [inp([6, 2], F64)], [[1, 2, 3]])
case("chunk", "chunk", [inp([7, 2], F64)], [3])
case("chunk_dim1", "chunk", [inp([2, 6], F64)], [2, 1])

# Indexing (args are nodetorch index items; py does the same in Python syntax).
S = lambda start=None, stop=None, step=None: {"start": start, "stop": stop, "step": step}
case("index_int", "index", [inp([3, 4], F64, True)], [1], py=lambda a: a[1])
case("index_negative", "index", [inp([3, 4], F64, True)], [-1, -2], py=lambda a: a[-1, -2])
case("index_slice", "index", [inp([5, 4], F64, True)], [S(1, None)], py=lambda a: a[1:])
case("index_slice_step", "index", [inp([6, 4], F64, True)], [S(None, None, 2), S(1, 3)], py=lambda a: a[::2, 1:3])
case("index_none_ellipsis", "index", [inp([2, 3, 4], F64, True)], [None, "...", 0], py=lambda a: a[None, ..., 0])
case("index_int_list", "index", [inp([5, 3], F64, True)], [[0, 2, 4]], py=lambda a: a[[0, 2, 4]])

# Seeded random factories: the same seed must give PyTorch's numbers.
def seeded(fn):
    torch.manual_seed(0)
    return fn().reshape(-1).tolist()


RANDOM = {
    "rand": seeded(lambda: torch.rand(3)),
    "randn": seeded(lambda: torch.randn(2, 2)),
    "randint": seeded(lambda: torch.randint(0, 10, (4,))),
    "randperm": seeded(lambda: torch.randperm(6)),
}

CASES.sort(key=lambda c: c["name"])
path = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "core_golden.json")
with open(path, "w") as out:
    json.dump({"generator": "scripts/golden/core_cases.py", "torch": torch.__version__, "random": RANDOM, "cases": CASES}, out, indent=None)
    out.write("\n")
print(f"wrote {len(CASES)} cases to {os.path.normpath(path)}")
