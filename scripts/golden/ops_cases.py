#!/usr/bin/env python3
"""Golden values for the generated ATen surface and torch.nn.functional (issue 3).

Run with Debian's python3-torch (not a pyenv python):
    /usr/bin/python3 scripts/golden/ops_cases.py
Writes test/fixtures/ops_golden.json, replayed by test/golden-ops.test.ts.

A case calls `fn` ("torch.<name>", "F.<name>" for torch.nn.functional, or "Tensor.<name>" on the
first input) with tensor inputs and plain arguments; keyword arguments become nodetorch's trailing
options object (names in camelCase). Outputs are recorded, and when inputs require grad, the
gradients of sum(first output * a fixed random cotangent) with respect to them.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

torch.manual_seed(0)
CASES = []
F32, F64, I64, I32, BOOL = torch.float32, torch.float64, torch.int64, torch.int32, torch.bool


def encode(t):
    if t.dtype in (torch.float16, torch.bfloat16):
        t = t.float()
    values = t.detach().reshape(-1).tolist()
    if t.dtype == torch.bool:
        values = [1 if v else 0 for v in values]
    elif t.dtype.is_floating_point:
        values = [v if math.isfinite(v) else str(v) for v in values]
    return {"values": values, "shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", "")}


def rand(*shape, dtype=F64, grad=True, low=-2.0, high=2.0):
    if dtype.is_floating_point:
        t = torch.empty(shape, dtype=F64).uniform_(low, high).to(dtype)
        return t.requires_grad_(grad)
    if dtype == BOOL:
        return torch.rand(shape) > 0.5
    return torch.randint(int(low), int(high) + 1, shape, dtype=dtype)


def pos(*shape, dtype=F64, grad=True):
    return rand(*shape, dtype=dtype, grad=grad, low=0.2, high=3.0)


def camel(name):
    parts = name.split("_")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def resolve(fn):
    kind, name = fn.split(".", 1)
    if kind == "torch":
        return getattr(torch, name)
    if kind == "F":
        return getattr(F, name)
    return None  # Tensor method: resolved on the first input


def arg_json(value, inputs):
    if isinstance(value, torch.Tensor):
        for i, t in enumerate(inputs):
            if value is t:
                return {"input": i}
        raise ValueError("tensor arguments must be case inputs")
    if isinstance(value, (list, tuple)):
        return [arg_json(v, inputs) for v in value]
    if isinstance(value, torch.dtype):
        return str(value).replace("torch.", "")
    return value


def case(name, fn, inputs, args=(), kwargs=None, grad=True, tol=None):
    """inputs: tensors referenced by args (positionally, by identity); args may nest lists of them."""
    kwargs = kwargs or {}
    target = resolve(fn)
    if target is None:
        result = getattr(inputs[0], fn.split(".", 1)[1])(*args, **kwargs)
    else:
        result = target(*args, **kwargs)
    outputs = list(result) if isinstance(result, (tuple, list)) else [result]
    entry = {
        "name": name,
        "fn": fn.split(".", 1)[0] + "." + camel(fn.split(".", 1)[1]),
        "inputs": [dict(encode(t), requiresGrad=t.requires_grad) for t in inputs],
        "args": [arg_json(a, inputs) for a in args],
        "kwargs": {camel(k): arg_json(v, inputs) for k, v in kwargs.items()},
        "outputs": [encode(o) if isinstance(o, torch.Tensor) else o for o in outputs],
    }
    if tol:
        entry["tolerance"] = tol
    if isinstance(result, tuple) and hasattr(result, "_fields"):
        entry["names"] = list(result._fields)
    first = outputs[0]
    leaves = [t for t in inputs if t.requires_grad]
    if grad and leaves and isinstance(first, torch.Tensor) and first.requires_grad:
        cotangent = torch.empty(first.shape, dtype=first.dtype).uniform_(-1, 1)
        grads = torch.autograd.grad(first, leaves, cotangent, allow_unused=True)
        entry["cotangent"] = encode(cotangent)
        it = iter(grads)
        entry["grads"] = [(lambda g: encode(g) if g is not None else None)(next(it)) if t.requires_grad else None for t in inputs]
    CASES.append(entry)


# ---- unary elementwise (two dtypes) ----------------------------------------------------------
UNARY = {
    "abs": rand, "neg": rand, "exp": rand, "expm1": rand, "log": pos, "log1p": pos, "log2": pos, "log10": pos,
    "sqrt": pos, "rsqrt": pos, "sin": rand, "cos": rand, "tan": lambda *s, **k: rand(*s, low=-1.2, high=1.2, **k),
    "asin": lambda *s, **k: rand(*s, low=-0.9, high=0.9, **k), "acos": lambda *s, **k: rand(*s, low=-0.9, high=0.9, **k),
    "atan": rand, "sinh": rand, "cosh": rand, "tanh": rand, "asinh": rand, "atanh": lambda *s, **k: rand(*s, low=-0.9, high=0.9, **k),
    "sigmoid": rand, "relu": rand, "floor": rand, "ceil": rand, "round": rand, "trunc": rand, "frac": rand, "sign": rand,
    "erf": rand, "erfc": rand, "reciprocal": pos, "square": rand, "exp2": rand, "sinc": rand, "lgamma": pos, "digamma": pos,
    "deg2rad": rand, "rad2deg": rand, "logit": lambda *s, **k: rand(*s, low=0.1, high=0.9, **k),
}
for op, make in UNARY.items():
    for dtype in (F32, F64):
        x = make(3, 4, dtype=dtype)
        case(f"{op}_{str(dtype)[6:]}", f"torch.{op}", [x], [x], tol=1e-4 if dtype == F32 else None)
    x = make(5, dtype=F64)
    case(f"{op}_method", f"Tensor.{op}", [x])

# ---- binary with broadcasting ----------------------------------------------------------------
BINARY = ["add", "sub", "mul", "div", "atan2", "maximum", "minimum", "fmod", "remainder", "hypot", "copysign", "logaddexp", "fmax", "fmin", "xlogy"]
for op in BINARY:
    a, b = rand(3, 4), (pos(4) if op in ("div", "fmod", "remainder", "xlogy") else rand(4))
    if op == "xlogy":
        a = pos(3, 4)
    case(f"{op}_broadcast_row", f"torch.{op}", [a, b], [a, b])
    a, b = rand(2, 1, 3), (pos(4, 1) if op in ("div", "fmod", "remainder", "xlogy") else rand(4, 1))
    if op == "xlogy":
        a = pos(2, 1, 3)
    case(f"{op}_broadcast_3d", f"torch.{op}", [a, b], [a, b])
a, e = pos(2, 3), rand(2, 3)
case("pow_tensor_tensor", "torch.pow", [a, e], [a, e])
a = pos(2, 3)
case("pow_tensor_scalar", "torch.pow", [a], [a, 2.5])
a = rand(3)
case("add_alpha", "torch.add", [a, b := rand(3)], [a, b], {"alpha": 2})
a, b = rand(3, 2), rand(3, 2)
case("sub_alpha_method", "Tensor.sub", [a, b], [b], {"alpha": 0.5})
a, b = rand(4), pos(4)
case("div_floor", "torch.div", [a, b], [a, b], {"rounding_mode": "floor"}, grad=False)
case("div_trunc", "torch.div", [a, b], [a, b], {"rounding_mode": "trunc"}, grad=False)
for op in ("eq", "ne", "lt", "le", "gt", "ge"):
    a, b = rand(3, 3, grad=False), rand(3, grad=False)
    case(f"{op}_broadcast", f"torch.{op}", [a, b], [a, b])
for op in ("logical_and", "logical_or", "logical_xor"):
    a, b = rand(5, dtype=BOOL), rand(5, dtype=BOOL)
    case(op, f"torch.{op}", [a, b], [a, b])
for op in ("bitwise_and", "bitwise_or", "bitwise_xor"):
    a, b = rand(6, dtype=I64, low=0, high=15), rand(6, dtype=I64, low=0, high=15)
    case(op, f"torch.{op}", [a, b], [a, b])
a, b = rand(4, dtype=I32, low=-9, high=9), rand(4, dtype=I64, low=1, high=5)
case("int_promotion_add", "torch.add", [a, b], [a, b])
case("int_true_divide", "torch.div", [a, b], [a, b])
case("int_floor_divide", "torch.floor_divide", [a, b], [a, b])

# ---- ternary and fused -------------------------------------------------------------------------
a, b, c = rand(3, 4), rand(3, 4), pos(3, 4)
case("addcmul", "torch.addcmul", [a, b, c], [a, b, c], {"value": 0.5})
case("addcdiv", "torch.addcdiv", [a, b, c], [a, b, c], {"value": -2})
case("lerp_scalar", "torch.lerp", [a, b], [a, b, 0.3])
case("lerp_tensor", "torch.lerp", [a, b, w := rand(3, 4, low=0, high=1)], [a, b, w])
cond = rand(3, 4, dtype=BOOL)
case("where", "torch.where", [cond, a, b], [cond, a, b])
lo, hi = rand(3, 4, grad=False, low=-1, high=0), rand(3, 4, grad=False, low=0, high=1)
case("clamp_tensor", "torch.clamp", [a, lo, hi], [a, lo, hi])
M, m1, m2 = rand(2, 3), rand(2, 4), rand(4, 3)
case("addmm", "torch.addmm", [M, m1, m2], [M, m1, m2], {"beta": 0.5, "alpha": 2})
B, b1, b2 = rand(2, 3), rand(5, 2, 4), rand(5, 4, 3)
case("addbmm", "torch.addbmm", [B, b1, b2], [B, b1, b2])
B3 = rand(5, 2, 3)
case("baddbmm", "torch.baddbmm", [B3, b1, b2], [B3, b1, b2])
v, mat, vec = rand(2), rand(2, 3), rand(3)
case("addmv", "torch.addmv", [v, mat, vec], [v, mat, vec])
A, x1, x2 = rand(2, 3), rand(2), rand(3)
case("addr", "torch.addr", [A, x1, x2], [A, x1, x2])

# ---- reductions ----------------------------------------------------------------------------------
x = rand(3, 4, 5)
for op, args, kwargs in [
    ("sum", [], {"dim": [0, 2]}), ("sum", [1], {"keepdim": True}), ("mean", [-1], {}), ("prod", [1], {}),
    ("amax", [[0, 1]], {}), ("amin", [2], {"keepdim": True}), ("logsumexp", [1], {}), ("norm", [], {}),
    ("var", [1], {"unbiased": False}), ("std", [[0, 2]], {"keepdim": True}), ("cumsum", [1], {}), ("cumprod", [2], {}),
    ("nansum", [], {}), ("nanmean", [0], {}), ("logcumsumexp", [0], {}),
]:
    xi = rand(3, 4, 5)
    case(f"{op}_{len(CASES)}", f"torch.{op}", [xi], [xi, *args], kwargs)
for op in ("argmax", "argmin", "count_nonzero"):
    xi = rand(3, 4, grad=False)
    case(f"{op}_dim", f"torch.{op}", [xi], [xi], {"dim": 1})
for op in ("all", "any"):
    xi = rand(3, 4, dtype=BOOL)
    case(f"{op}_dim", f"torch.{op}", [xi], [xi, 1])
xi = rand(4, 6)
case("max_dim_named", "torch.max", [xi], [xi, 1], grad=True)
case("min_dim_keepdim", "torch.min", [xi], [xi, 0, True])
case("sort_desc", "torch.sort", [xi], [xi], {"dim": 1, "descending": True})
case("topk", "torch.topk", [xi], [xi, 3])
case("kthvalue", "torch.kthvalue", [xi], [xi, 2, 1])
case("median_dim", "torch.median", [xi], [xi, 1])
mi = rand(3, 5, dtype=I64, low=0, high=3)
case("mode_dim", "torch.mode", [mi], [mi, 1])
case("var_mean", "torch.var_mean", [xi], [xi, 1])
case("std_mean_all", "torch.std_mean", [xi], [xi])
case("aminmax", "torch.aminmax", [xi], [xi], {"dim": 0}, grad=False)
case("cummax", "torch.cummax", [xi], [xi, 1])

# ---- shapes and indexing -----------------------------------------------------------------------
a, b = rand(2, 3), rand(4, 3)
case("cat_dim0", "torch.cat", [a, b], [[a, b]])
a, b = rand(2, 3), rand(2, 3)
case("stack_dim1", "torch.stack", [a, b], [[a, b], 1])
case("hstack", "torch.hstack", [a, b], [[a, b]])
case("vstack", "torch.vstack", [a, b], [[a, b]])
x = rand(3, 4)
for op, args, kwargs in [
    ("flip", [[0, 1]], {}), ("roll", [1, 1], {}), ("tril", [], {"diagonal": -1}), ("triu", [1], {}), ("diag", [], {}),
    ("diagonal", [], {"offset": 1}), ("narrow", [1, 1, 2], {}), ("movedim", [0, 1], {}), ("swapaxes", [0, 1], {}),
    ("rot90", [1, [0, 1]], {}), ("trace", [], {}), ("diff", [], {"dim": 1}), ("t", [], {}), ("fliplr", [], {}),
    ("flatten", [], {}), ("unflatten", [1, [2, 2]], {}), ("repeat_interleave", [2], {"dim": 0}),
]:
    xi = rand(3, 4)
    case(f"{op}_shape", f"torch.{op}", [xi], [xi, *args], kwargs)
xi = rand(3, 4)
case("tile", "torch.tile", [xi], [xi, [2, 1]])
xi = rand(3, 4)
case("repeat_method", "Tensor.repeat", [xi], [1, 2])
case("unbind", "torch.unbind", [xi], [xi, 1])
idx = torch.tensor([[0, 2], [1, 0], [3, 3]])
case("gather", "torch.gather", [xi, idx], [xi, 1, idx])
src = rand(3, 2)
case("scatter_add", "torch.scatter_add", [xi, idx, src], [xi, 1, idx, src])
case("scatter_src", "torch.scatter", [xi, idx, src], [xi, 1, idx, src])
sel = torch.tensor([2, 0])
case("index_select", "torch.index_select", [xi, sel], [xi, 0, sel])
mask = xi.detach() > 0
case("masked_select", "torch.masked_select", [xi, mask], [xi, mask])
case("masked_fill", "Tensor.masked_fill", [xi, mask], [mask, -1.5])
flat = torch.tensor([0, 5, 11])
case("take", "torch.take", [xi, flat], [xi, flat])
ia, ib = rand(3, 2), rand(2, 4)
case("kron", "torch.kron", [ia, ib], [ia, ib])
u, w = rand(3), rand(4)
case("outer", "torch.outer", [u, w], [u, w])
c1, c2 = rand(4, 3), rand(4, 3)
case("cross", "torch.cross", [c1, c2], [c1, c2], {"dim": 1})
xi = rand(2, 3, 4)
case("permute_method", "Tensor.permute", [xi], [2, 0, 1])
case("view_varargs", "Tensor.view", [xi], [6, 4])
e1, e2 = rand(3, 1), rand(3, 5, grad=False)
case("expand_as", "Tensor.expand_as", [e1, e2], [e2])
case("new_zeros", "Tensor.new_zeros", [e1], [[2, 2]], grad=False)
case("squeeze_dim", "torch.squeeze", [r := rand(1, 3, 1)], [r, 0])
case("unsqueeze_neg", "torch.unsqueeze", [r2 := rand(3, 2)], [r2, -1])

# ---- linear algebra ----------------------------------------------------------------------------
a, b = rand(3), rand(3)
case("dot", "torch.dot", [a, b], [a, b])
case("inner", "torch.inner", [a2 := rand(2, 3), b2 := rand(4, 3)], [a2, b2])
m, v = rand(2, 3), rand(3)
case("mv", "torch.mv", [m, v], [m, v])
a, b = rand(2, 3, 4), rand(2, 4, 5)
case("matmul_batched", "torch.matmul", [a, b], [a, b])
case("einsum_bmm", "torch.einsum", [a, b], ["bij,bjk->bik", [a, b]])
case("tensordot", "torch.tensordot", [a3 := rand(3, 4, 5), b3 := rand(4, 5, 2)], [a3, b3], {"dims": 2})
sq = rand(3, 3) + 3 * torch.eye(3, dtype=F64)
sq = sq.detach().requires_grad_()
case("det", "torch.det", [sq], [sq])
case("inverse", "torch.inverse", [sq], [sq])
case("matrix_power", "torch.matrix_power", [sq], [sq, 3])
case("cdist", "torch.cdist", [p1 := rand(4, 3), p2 := rand(5, 3)], [p1, p2])

# ---- torch.nn.functional -----------------------------------------------------------------------
x = rand(4, 6)
for op, kwargs in [
    ("relu", {}), ("leaky_relu", {"negative_slope": 0.2}), ("gelu", {}), ("gelu", {"approximate": "tanh"}), ("silu", {}),
    ("elu", {"alpha": 0.5}), ("softplus", {"beta": 2, "threshold": 1}), ("softmax", {"dim": 1}), ("log_softmax", {"dim": 0}),
]:
    xi = rand(4, 6)
    case(f"F_{op}_{len(CASES)}", f"F.{op}", [xi], [xi] + ([kwargs.pop("dim")] if "dim" in kwargs else []), kwargs)
logits = rand(5, 4)
labels = torch.tensor([0, 3, 1, 2, 3])
weight = pos(4, grad=False)
case("F_cross_entropy", "F.cross_entropy", [logits, labels], [logits, labels])
case("F_cross_entropy_opts", "F.cross_entropy", [logits, labels, weight], [logits, labels], {"weight": weight, "label_smoothing": 0.1, "reduction": "sum"})
ignore = torch.tensor([0, -100, 1, 2, -100])
case("F_cross_entropy_ignore", "F.cross_entropy", [logits, ignore], [logits, ignore], {"ignore_index": -100})
probs = torch.softmax(rand(5, 4, grad=False), 1)
case("F_cross_entropy_probs", "F.cross_entropy", [logits, probs], [logits, probs])
img_logits, img_labels = rand(2, 3, 4, 4), torch.randint(0, 3, (2, 4, 4))
case("F_cross_entropy_2d", "F.cross_entropy", [img_logits, img_labels], [img_logits, img_labels])
lp = torch.log_softmax(rand(5, 4, grad=False), 1).requires_grad_()
case("F_nll_loss", "F.nll_loss", [lp, labels], [lp, labels], {"reduction": "none"})
p, t = rand(3, 4), rand(3, 4, grad=False)
case("F_mse_loss", "F.mse_loss", [p, t], [p, t])
case("F_l1_loss_sum", "F.l1_loss", [p, t], [p, t], {"reduction": "sum"})
case("F_smooth_l1_loss", "F.smooth_l1_loss", [p, t], [p, t], {"beta": 0.5})
pr, tg = rand(3, 4, low=0.05, high=0.95), rand(3, 4, grad=False, low=0, high=1)
case("F_binary_cross_entropy", "F.binary_cross_entropy", [pr, tg], [pr, tg])
lg, pw = rand(3, 4), pos(4, grad=False)
case("F_bce_with_logits", "F.binary_cross_entropy_with_logits", [lg, tg, pw], [lg, tg], {"pos_weight": pw})
lq, tq = torch.log_softmax(rand(3, 5, grad=False), 1).requires_grad_(), torch.softmax(rand(3, 5, grad=False), 1)
case("F_kl_div_batchmean", "F.kl_div", [lq, tq], [lq, tq], {"reduction": "batchmean"})
case("F_kl_div_log_target", "F.kl_div", [lq, lt := tq.log()], [lq, lt], {"reduction": "sum", "log_target": True})
x1, w1, b1 = rand(2, 3, 10), rand(4, 3, 3), rand(4)
case("F_conv1d", "F.conv1d", [x1, w1, b1], [x1, w1], {"bias": b1, "stride": 2, "padding": 1})
x2, w2, b2 = rand(2, 3, 7, 7), rand(4, 3, 3, 3), rand(4)
case("F_conv2d", "F.conv2d", [x2, w2, b2], [x2, w2], {"bias": b2, "padding": 1})
case("F_conv2d_same", "F.conv2d", [x2, w2], [x2, w2], {"padding": "same", "dilation": 2})
wg = rand(4, 1, 3, 3)
x2g = rand(2, 4, 6, 6)
case("F_conv2d_groups", "F.conv2d", [x2g, wg], [x2g, wg], {"groups": 4, "stride": [2, 1]})
x3, w3 = rand(1, 2, 4, 5, 5), rand(3, 2, 2, 3, 3)
case("F_conv3d", "F.conv3d", [x3, w3], [x3, w3])
xt, wt = rand(2, 4, 5), rand(4, 3, 3)
case("F_conv_transpose1d", "F.conv_transpose1d", [xt, wt], [xt, wt], {"stride": 2, "output_padding": 1})
xt2, wt2, bt2 = rand(1, 4, 5, 5), rand(4, 2, 3, 3), rand(2)
case("F_conv_transpose2d", "F.conv_transpose2d", [xt2, wt2, bt2], [xt2, wt2], {"bias": bt2, "stride": 2, "padding": 1})
xp = rand(2, 3, 8)
case("F_max_pool1d", "F.max_pool1d", [xp], [xp, 2])
xp2 = rand(2, 3, 8, 8)
case("F_max_pool2d", "F.max_pool2d", [xp2], [xp2, 3], {"stride": 2, "padding": 1})
case("F_max_pool2d_indices", "F.max_pool2d", [xp2], [xp2, 2], {"return_indices": True})
case("F_avg_pool1d", "F.avg_pool1d", [xp], [xp, 3], {"stride": 2})
case("F_avg_pool2d", "F.avg_pool2d", [xp2], [xp2, 2], {"ceil_mode": True, "count_include_pad": False, "padding": 1})
case("F_adaptive_avg_pool1d", "F.adaptive_avg_pool1d", [xp], [xp, 3])
case("F_adaptive_avg_pool2d", "F.adaptive_avg_pool2d", [xp2], [xp2, [3, 2]])
xb = rand(4, 3, 5)
rm, rv = torch.zeros(3, dtype=F64), torch.ones(3, dtype=F64)
gw, gb = pos(3), rand(3)
case("F_batch_norm_eval", "F.batch_norm", [xb, rm, rv, gw, gb], [xb, rm, rv], {"weight": gw, "bias": gb})
rm2, rv2 = torch.zeros(3, dtype=F64), torch.ones(3, dtype=F64)
case("F_batch_norm_train", "F.batch_norm", [xb, rm2, rv2], [xb, rm2, rv2], {"training": True, "momentum": 0.2})
xl, lw, lb = rand(2, 3, 4), pos(3, 4), rand(3, 4)
case("F_layer_norm", "F.layer_norm", [xl, lw, lb], [xl, [3, 4]], {"weight": lw, "bias": lb})
xg, gw2, gb2 = rand(2, 6, 3), pos(6), rand(6)
case("F_group_norm", "F.group_norm", [xg, gw2, gb2], [xg, 3], {"weight": gw2, "bias": gb2})
case("F_dropout_eval", "F.dropout", [xg], [xg], {"p": 0.3, "training": False})
ids, emb = torch.tensor([[1, 0, 3], [2, 2, 0]]), rand(4, 5)
case("F_embedding", "F.embedding", [ids, emb], [ids, emb])
case("F_embedding_padding", "F.embedding", [ids, emb], [ids, emb], {"padding_idx": 0})
xi, wl, bl = rand(3, 5), rand(2, 5), rand(2)
case("F_linear", "F.linear", [xi, wl, bl], [xi, wl], {"bias": bl})
case("F_linear_nobias", "F.linear", [xi, wl], [xi, wl])
xpad = rand(1, 2, 4, 5)
case("F_pad_constant", "F.pad", [xpad], [xpad, [1, 2]], {"value": 0.5})
case("F_pad_reflect", "F.pad", [xpad], [xpad, [1, 1, 2, 0]], {"mode": "reflect"})
case("F_pad_replicate", "F.pad", [xpad], [xpad, [2, 1, 1, 1]], {"mode": "replicate"})
case("F_pad_circular", "F.pad", [xpad], [xpad, [1, 1, 1, 1]], {"mode": "circular"})
xi2 = rand(1, 2, 3, 4)
case("F_interpolate_nearest", "F.interpolate", [xi2], [xi2], {"scale_factor": 2})
case("F_interpolate_bilinear", "F.interpolate", [xi2], [xi2], {"size": [5, 7], "mode": "bilinear", "align_corners": False})
case("F_interpolate_bilinear_ac", "F.interpolate", [xi2], [xi2], {"size": [6, 6], "mode": "bilinear", "align_corners": True})
case("F_interpolate_bicubic", "F.interpolate", [xi2], [xi2], {"scale_factor": 1.5, "mode": "bicubic"})
xi1 = rand(1, 2, 5)
case("F_interpolate_linear", "F.interpolate", [xi1], [xi1], {"size": 8, "mode": "linear"})
case("F_interpolate_area", "F.interpolate", [xi2], [xi2], {"size": [2, 2], "mode": "area"})
oh = torch.tensor([0, 2, 1, 2])
case("F_one_hot", "F.one_hot", [oh], [oh], {"num_classes": 4})
cs1, cs2 = rand(3, 5), rand(3, 5)
case("F_cosine_similarity", "F.cosine_similarity", [cs1, cs2], [cs1, cs2])
case("F_cosine_similarity_dim0", "F.cosine_similarity", [cs1, cs2], [cs1, cs2], {"dim": 0})
case("F_normalize", "F.normalize", [cs1], [cs1])
case("F_normalize_p1", "F.normalize", [cs1], [cs1], {"p": 1, "dim": 0})


def sdpa(q, k, v, attn_mask=None, is_causal=False):
    # PyTorch 1.13 has no F.scaled_dot_product_attention: the reference formula.
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
    if is_causal:
        scores = scores.masked_fill(~torch.ones(q.size(-2), k.size(-2), dtype=torch.bool).tril(), float("-inf"))
    elif attn_mask is not None:
        scores = scores.masked_fill(~attn_mask, float("-inf")) if attn_mask.dtype == torch.bool else scores + attn_mask
    return torch.softmax(scores, -1) @ v


F.scaled_dot_product_attention = getattr(F, "scaled_dot_product_attention", sdpa)
q, k, v = rand(2, 4, 8), rand(2, 6, 8), rand(2, 6, 8)
case("F_sdpa", "F.scaled_dot_product_attention", [q, k, v], [q, k, v])
qc, kc, vc = rand(2, 5, 4), rand(2, 5, 4), rand(2, 5, 4)
case("F_sdpa_causal", "F.scaled_dot_product_attention", [qc, kc, vc], [qc, kc, vc], {"is_causal": True})
am = torch.rand(4, 6) > 0.3
am[:, 0] = True
case("F_sdpa_bool_mask", "F.scaled_dot_product_attention", [q, k, v, am], [q, k, v], {"attn_mask": am})
fm = rand(4, 6, grad=False)
case("F_sdpa_float_mask", "F.scaled_dot_product_attention", [q, k, v, fm], [q, k, v], {"attn_mask": fm})

# ---- edge cases: empty tensors, zero-size dims, NaN ----------------------------------------------
empty = torch.zeros(0, 3, dtype=F64)
case("sum_empty", "torch.sum", [empty], [empty])
case("sum_empty_dim0", "torch.sum", [empty], [empty, 0])
case("mean_empty_is_nan", "torch.mean", [empty], [empty])
case("prod_empty_is_one", "torch.prod", [empty], [empty])
z1, z2 = torch.zeros(2, 0, dtype=F64), torch.zeros(0, 3, dtype=F64)
case("matmul_zero_inner", "torch.matmul", [z1, z2], [z1, z2])
zc = torch.zeros(0, 4, dtype=F64)
o4 = rand(2, 4, grad=False)
case("cat_with_empty", "torch.cat", [zc, o4], [[zc, o4]])
case("exp_zero_size", "torch.exp", [z := torch.zeros(3, 0)], [z])
case("reshape_zero_size", "torch.reshape", [z0 := torch.zeros(0, 4)], [z0, [2, 0, 2]])
nan = torch.tensor([1.0, float("nan"), -2.0, float("inf"), float("-inf")], dtype=F64)
for op in ("relu", "abs", "exp", "sigmoid", "tanh", "sign", "floor", "isnan", "isinf", "isfinite", "nan_to_num"):
    case(f"{op}_nonfinite", f"torch.{op}", [nan], [nan])
case("max_propagates_nan", "torch.max", [nan], [nan])
case("sum_propagates_nan", "torch.sum", [nan], [nan])
case("maximum_nan", "torch.maximum", [nan, o5 := torch.zeros(5, dtype=F64)], [nan, o5])
case("fmax_ignores_nan", "torch.fmax", [nan, o5], [nan, o5])
case("nansum_skips_nan", "torch.nansum", [nan], [nan])
case("softmax_with_inf", "torch.softmax", [si := torch.tensor([0.0, float("-inf"), 1.0], dtype=F64)], [si, 0])
case("div_by_zero", "torch.div", [dz := torch.tensor([1.0, -1.0, 0.0], dtype=F64), zz := torch.zeros(3, dtype=F64)], [dz, zz])
case("int_div_mode_floor_neg", "torch.div", [ni := torch.tensor([-7, 7, -8]), nd := torch.tensor([2, -2, 3])], [ni, nd], {"rounding_mode": "floor"})
h = rand(3, 4, dtype=torch.float16, grad=False)
case("float16_add", "torch.add", [h, h2 := rand(3, 4, dtype=torch.float16, grad=False)], [h, h2], tol=2e-3)
bf = rand(3, dtype=torch.bfloat16, grad=False)
case("bfloat16_mul", "torch.mul", [bf, bf2 := rand(3, dtype=torch.bfloat16, grad=False)], [bf, bf2], tol=1e-2)
case("float16_to_float32", "Tensor.float", [h], [])

path = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "ops_golden.json")
with open(path, "w") as out:
    json.dump({"generator": "scripts/golden/ops_cases.py", "torch": torch.__version__, "cases": CASES}, out)
    out.write("\n")
print(f"wrote {len(CASES)} cases to {os.path.normpath(path)}")
