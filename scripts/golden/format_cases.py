"""Golden cases for lib/tensor/format.ts (tensor repr formatting).

Builds a set of varied tensors with PyTorch 1.13 and records repr(t) under the
default print options, together with the flat values and metadata the
TypeScript formatter receives, in test/fixtures/format.json.

Run from the repository root with Debian's PyTorch:

    /usr/bin/python3 scripts/golden/format_cases.py
"""

import json
import math
import os

import torch

OUT_PATH = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "format.json"
)

DTYPE_NAMES = {
    torch.float16: "float16",
    torch.bfloat16: "bfloat16",
    torch.float32: "float32",
    torch.float64: "float64",
    torch.int8: "int8",
    torch.uint8: "uint8",
    torch.int16: "int16",
    torch.int32: "int32",
    torch.int64: "int64",
    torch.bool: "bool",
}

MAX_SAFE_INTEGER = 2**53


def encode_value(value, dtype):
    """JSON-safe encoding of one element (see test/format.test.ts for decoding)."""
    if dtype == torch.bool:
        return 1 if value else 0
    if dtype.is_floating_point:
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    if abs(value) > MAX_SAFE_INTEGER:
        return str(value)
    return value


def flat_values(t):
    """Flat row-major values as the formatter receives them (half types widened to float32)."""
    data = t.detach()
    if data.dtype in (torch.float16, torch.bfloat16):
        data = data.float()
    return [encode_value(v, t.dtype) for v in data.reshape(-1).tolist()]


def case(name, t, grad_fn_name=None):
    grad_fn = t.grad_fn
    if grad_fn_name is None and grad_fn is not None:
        grad_fn_name = type(grad_fn).__name__
    return {
        "name": name,
        "values": flat_values(t),
        "shape": list(t.shape),
        "dtype": DTYPE_NAMES[t.dtype],
        "device": "cpu",
        "requiresGrad": t.requires_grad,
        "gradFn": grad_fn_name,
        "expected": repr(t),
    }


def build_cases():
    torch.manual_seed(0)
    nan, inf = float("nan"), float("inf")
    f32, f64, f16, bf16 = torch.float32, torch.float64, torch.float16, torch.bfloat16
    i64 = torch.int64
    cases = []

    def add(name, t, grad_fn_name=None):
        cases.append(case(name, t, grad_fn_name))

    # 0-dim tensors
    add("scalar_float", torch.tensor(3.14159265))
    add("scalar_int_valued_float", torch.tensor(2.0))
    add("scalar_neg_zero", torch.tensor(-0.0))
    add("scalar_nan", torch.tensor(nan))
    add("scalar_neg_inf", torch.tensor(-inf))
    add("scalar_tiny_sci", torch.tensor(1.5e-7))
    add("scalar_int64", torch.tensor(42))
    add("scalar_int64_beyond_2_53", torch.tensor(2**62 + 12345))
    add("scalar_int64_min", torch.tensor(-(2**63)))
    add("scalar_bool", torch.tensor(True))
    add("scalar_float64", torch.tensor(-1.0 / 3.0, dtype=f64))
    add("scalar_int32", torch.tensor(-7, dtype=torch.int32))
    add("scalar_float16", torch.tensor(0.1, dtype=f16))
    add("scalar_requires_grad", torch.tensor(1.25, requires_grad=True))

    # 1-dim floats: int mode, fixed mode, sci mode
    add("vec_fixed", torch.tensor([1.5, -2.25, 3.125, 0.1]))
    add("vec_ints_as_floats", torch.tensor([1.0, 2.0, -3.0, 0.0]))
    add("vec_int_mode_wide_width", torch.tensor([-100.0, 5.0, 12345.0]))
    add("vec_int_mode_sci_ratio", torch.tensor([1.0, 1e5, 3.0]))
    add("vec_large_sci", torch.tensor([1e9, 2.5, -3.75]))
    add("vec_tiny_sci", torch.tensor([1e-5, 0.5, -0.25]))
    add("vec_nonfinite_mix", torch.tensor([nan, inf, -inf, 1.5, -2.0]))
    add("vec_nonfinite_int_mode", torch.tensor([nan, 1.0, -inf, 20.0]))
    add("vec_only_nonfinite", torch.tensor([nan, inf, -inf]))
    add("vec_all_zero", torch.zeros(4))
    add("vec_neg_zero_fixed", torch.tensor([-0.0, 0.5, -1.25]))
    add("vec_neg_zero_sci", torch.tensor([-0.0, 1e-8, 2.0]))
    add("vec_round_up_to_one", torch.tensor([0.99999, 9.99996, 0.5]))
    add("vec_sci_round_carry", torch.tensor([9.99996e-6, 1.0]))
    add("vec_float64_huge_exponent", torch.tensor([1e100, -1e-100, 1.0], dtype=f64))
    add("vec_float64_precise", torch.tensor([0.1, 0.2, 0.30000000000000004], dtype=f64))
    add("vec_float16_ties", torch.tensor([0.03125, 1.03125, 0.09375, 2.15625], dtype=f16))
    add("vec_float16_sci_ties", torch.tensor([1.03125, 1e-5, 0.5], dtype=f16))
    add("vec_float16_extremes", torch.tensor([65504.0, 6e-8, -1.0], dtype=f16))
    add("vec_bfloat16", torch.tensor([1.0e30, -2.5, 3.0e-3], dtype=bf16))
    add("vec_bfloat16_fixed", torch.randn(5).to(bf16))
    add("vec_wrap_80_columns", torch.randn(30))
    add("vec_wrap_int_mode", torch.arange(40, dtype=f32) * 7 - 100)

    # 1-dim integer and bool dtypes
    add("vec_int8", torch.tensor([-128, 0, 5, 127], dtype=torch.int8))
    add("vec_uint8", torch.tensor([0, 7, 255, 42], dtype=torch.uint8))
    add("vec_int16", torch.tensor([-32768, 12, 32767], dtype=torch.int16))
    add("vec_int32", torch.tensor([-2147483648, 3, 2147483647], dtype=torch.int32))
    add("vec_int64_big", torch.tensor([2**60 + 1, -5, 9007199254740993], dtype=i64))
    add("vec_int64_wrap", torch.arange(100) * 13 - 500)
    add("vec_bool", torch.tensor([True, False, True]))
    add("vec_bool_all_true", torch.tensor([True, True]))
    add("vec_single", torch.tensor([7.5]))

    # Multi-dim
    add("mat_float", torch.randn(3, 4))
    add("mat_wrap_rows", torch.randn(3, 20))
    add("mat_int32", torch.tensor([[1, -20, 300], [4000, 5, -6]], dtype=torch.int32))
    add("mat_bool", torch.tensor([[True, False], [False, True], [True, True]]))
    add("mat_float64_sci", torch.tensor([[1e-9, 2.0], [3.0, 4e6]], dtype=f64))
    add("cube_float", torch.randn(2, 3, 4))
    add("cube_int16", torch.arange(24, dtype=torch.int16).reshape(2, 3, 4) - 12)
    add("cube_uint8_wrap", torch.arange(60, dtype=torch.uint8).reshape(2, 1, 30))
    add("hyper_float", torch.randn(2, 2, 2, 3))
    add("hyper_ones_dims", torch.tensor([[[[5.0]]]]))
    add("hyper_float16", (torch.randn(2, 1, 2, 2) * 100).to(f16))

    # Empty tensors and zero-size dims
    add("empty_float", torch.tensor([]))
    add("empty_0x3", torch.zeros(0, 3))
    add("empty_int64", torch.tensor([], dtype=i64))
    add("empty_bool_2x0", torch.zeros(2, 0, dtype=torch.bool))
    add("empty_float64_1x0x2", torch.zeros(1, 0, 2, dtype=f64))
    add("empty_requires_grad", torch.zeros(0, 2, requires_grad=True))

    # Summarized (> 1000 elements)
    add("sum_vec_arange_float", torch.arange(2000, dtype=f32))
    add("sum_vec_int64", torch.arange(1500) - 750)
    add("sum_mat_float", torch.randn(40, 40))
    add("sum_cube_float", torch.randn(12, 12, 12))
    add("sum_hyper_int32", torch.arange(4 * 8 * 8 * 8, dtype=torch.int32).reshape(4, 8, 8, 8))
    add("sum_mat_narrow_cols", torch.arange(1002 * 2, dtype=f64).reshape(1002, 2) / 8)
    add("sum_bool", torch.arange(1200).reshape(30, 40) % 3 == 0)
    add("sum_float16_hidden_outlier", _with_hidden_outlier(torch.rand(50, 50)).to(f16))

    # Autograd: requires_grad leaves and grad_fn
    leaf = torch.randn(3, requires_grad=True)
    add("grad_leaf", leaf)
    add("grad_leaf_float64", torch.randn(2, 3, dtype=f64, requires_grad=True))
    add("grad_mul", leaf * 2)
    add("grad_sum", (leaf * leaf).sum())
    wide = torch.randn(2, 8, requires_grad=True)
    add("grad_mul_wide_suffix_wraps", wide * 3)
    add("grad_fn_namespaced", wide * 3, "torch::autograd::generated::MulBackward0")
    add(
        "grad_float64_wrapped_rows_suffixes",
        torch.tensor([123456.5, -2.25, 3.0, 4.5, 5.0, 6.0, 7.0], dtype=f64, requires_grad=True),
    )
    add(
        "grad_float64_single_line_suffix_wraps",
        torch.tensor([123.5, -2.25, 3.0, 4.5, 5.0, 6.0], dtype=f64, requires_grad=True),
    )
    return cases


def _with_hidden_outlier(t):
    """An outlier outside the printed edges must not change the formatter's choice."""
    t = t.clone()
    t[25, 25] = 1e6
    return t


def main():
    cases = build_cases()
    os.makedirs(os.path.dirname(OUT_PATH), exist_ok=True)
    with open(OUT_PATH, "w") as f:
        json.dump(cases, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.relpath(OUT_PATH)} ({os.path.getsize(OUT_PATH)} bytes)")


if __name__ == "__main__":
    main()
