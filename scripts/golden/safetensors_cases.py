#!/usr/bin/env python3
"""Golden safetensors files written by Python, and a reader for files written by nodetorch.

Run with Debian's python3-torch (not a pyenv python):
    /usr/bin/python3 scripts/golden/safetensors_cases.py
        writes test/fixtures/safetensors/*.safetensors and expected.json (read by
        test/safetensors.test.ts)
    /usr/bin/python3 scripts/golden/safetensors_cases.py --check FILE
        reads FILE and prints its metadata and tensors as JSON, plus whether this script's
        writer produces the same bytes for those tensors

The `safetensors` package is used when installed. Otherwise the writer and reader below follow
the format as the reference (huggingface/safetensors, Rust) implements it: an 8-byte
little-endian header length; a compact JSON header ("__metadata__" first, then per tensor
"dtype", "shape", "data_offsets" relative to the data section), padded with spaces to a multiple
of 8; the data laid out by dtype (descending in the reference's Dtype enum order) then by name
(UTF-8 byte order), which keeps every tensor aligned for its element size. The reference keeps
metadata in a hash map (unspecified order); this writer sorts the keys, as nodetorch does.
"""
import json
import math
import os
import struct
import sys

import torch

try:  # Optional: cross-check against the reference implementation when it is installed.
    import safetensors.torch as reference
except ImportError:
    reference = None

OUT_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "safetensors")
METADATA_KEY = "__metadata__"

# code -> (torch dtype, element size, rank in the reference's Dtype enum)
CODES = {
    "BOOL": (torch.bool, 1, 0),
    "U8": (torch.uint8, 1, 1),
    "I8": (torch.int8, 1, 2),
    "I16": (torch.int16, 2, 5),
    "F16": (torch.float16, 2, 7),
    "BF16": (torch.bfloat16, 2, 8),
    "I32": (torch.int32, 4, 9),
    "F32": (torch.float32, 4, 11),
    "F64": (torch.float64, 8, 12),
    "I64": (torch.int64, 8, 13),
}
CODE_OF = {dtype: code for code, (dtype, _, _) in CODES.items()}


def utf8(name):
    return name.encode("utf-8")


def raw_bytes(t):
    """Row-major little-endian bytes of a tensor (the host is checked to be little-endian)."""
    flat = t.detach().cpu().contiguous().reshape(-1)
    return flat.view(torch.uint8).numpy().tobytes()


def serialize(tensors, metadata=None, order="reference"):
    """safetensors bytes; order="name" lays data out purely by name, as older reference versions did."""
    if order == "reference":
        key = lambda item: (-CODES[CODE_OF[item[1].dtype]][2], utf8(item[0]))
    else:
        key = lambda item: utf8(item[0])
    items = sorted(tensors.items(), key=key)
    header = {}
    if metadata is not None:
        header[METADATA_KEY] = {k: metadata[k] for k in sorted(metadata, key=utf8)}
    offset = 0
    data = []
    for name, t in items:
        chunk = raw_bytes(t)
        header[name] = {"dtype": CODE_OF[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(chunk)]}
        offset += len(chunk)
        data.append(chunk)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(data)


def deserialize(blob):
    """(metadata, [(name, tensor)] in data order), validated as the reference reader validates."""
    if len(blob) < 8:
        raise ValueError("file shorter than the 8-byte header size")
    (n,) = struct.unpack("<Q", blob[:8])
    if n > len(blob) - 8:
        raise ValueError("header size larger than the file")
    header = json.loads(blob[8 : 8 + n].decode("utf-8"))
    metadata = header.pop(METADATA_KEY, None)
    data = blob[8 + n :]
    entries = sorted(header.items(), key=lambda item: tuple(item[1]["data_offsets"]))
    position = 0
    out = []
    for name, info in entries:
        dtype, size, _ = CODES[info["dtype"]]
        begin, end = info["data_offsets"]
        if begin != position or end < begin:
            raise ValueError(f"bad offsets for {name}")
        if math.prod(info["shape"]) * size != end - begin:
            raise ValueError(f"shape/offsets mismatch for {name}")
        position = end
        if end == begin:
            t = torch.empty(info["shape"], dtype=dtype)
        else:
            t = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype).reshape(info["shape"])
        out.append((name, t))
    if position != len(data):
        raise ValueError("tensors do not cover the data section")
    return metadata, out


def encode(t):
    """A tensor as JSON: values (int64 as decimal strings, non-finite floats as strings) and raw hex."""
    flat = t.detach().reshape(-1)
    if t.dtype == torch.bool:
        values = [1 if v else 0 for v in flat.tolist()]
    elif t.dtype == torch.int64:
        values = [str(v) for v in flat.tolist()]
    elif t.dtype.is_floating_point:
        values = [v if math.isfinite(v) else str(v) for v in flat.double().tolist()]
    else:
        values = flat.tolist()
    return {
        "dtype": str(t.dtype).replace("torch.", ""),
        "shape": list(t.shape),
        "values": values,
        "hex": raw_bytes(t).hex(),
    }


def describe(metadata, named):
    return {"metadata": metadata, "tensors": [dict(name=name, **encode(t)) for name, t in named]}


def cases():
    torch.manual_seed(0)
    dtypes = {
        "f64": torch.tensor([[math.pi, -1e300, 1e-300], [2.0, -0.5, 123456789.125]], dtype=torch.float64),
        "f32": torch.tensor([1.5, -0.0, math.nan, math.inf, -math.inf, 3.4028234663852886e38], dtype=torch.float32),
        "f16": torch.tensor([[65504.0, -6.103515625e-05], [5.960464477539063e-08, math.nan]], dtype=torch.float16),
        "bf16": torch.tensor([1.0, -3.3895313892515355e38, 0.0078125, -2.5], dtype=torch.bfloat16),
        "i64": torch.tensor([2**62 + 1, -(2**63), 9007199254740993], dtype=torch.int64),
        "i32": torch.tensor([[-(2**31), 2**31 - 1], [0, 7]], dtype=torch.int32),
        "i16": torch.tensor([-32768, 32767, -1], dtype=torch.int16),
        "i8": torch.tensor([-128, 127, 0, -1], dtype=torch.int8),
        "u8": torch.tensor([[0, 255, 1], [2, 3, 128]], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True, True, False], dtype=torch.bool),
        "scalar": torch.tensor(3.25, dtype=torch.float32),
        "scalar_i64": torch.tensor(-7, dtype=torch.int64),
        "empty": torch.zeros(0, 3, dtype=torch.float32),
        "empty_i64": torch.zeros(0, dtype=torch.int64),
        "weight": torch.randn(4, 8, dtype=torch.float32),
    }
    # Names whose order differs between UTF-8/code-point and UTF-16 comparison (U+E000 vs an
    # astral character), integer-like and prototype-like names, and characters JSON escapes.
    names = {
        "a.10": torch.tensor([1.0, 2.0]),
        "a.2": torch.tensor([3.0]),
        "Z": torch.tensor([4.0]),
        "\u00e9": torch.tensor([5.0]),
        "\ue000": torch.tensor([6.0]),
        "\U0001f600": torch.tensor([7.0]),
        'quote"back\\slash\ttab\nline\x01': torch.tensor([8.0]),
        "0": torch.tensor([9.0]),
        "__proto__": torch.tensor([10.0]),
        "mask": torch.tensor([True, False]),
        "bytes": torch.tensor([7, 8, 9], dtype=torch.uint8),
    }
    legacy = {
        "a_u8": torch.tensor([1, 2, 3], dtype=torch.uint8),
        "b_f32": torch.tensor([0.25, -8.0], dtype=torch.float32),
        "c_i64": torch.tensor([-(2**40), 5], dtype=torch.int64),
        "d_f16": torch.tensor([0.333251953125], dtype=torch.float16),
        "e_bool": torch.tensor([True], dtype=torch.bool),
        "f_bf16": torch.tensor([[-1.5, 96.0]], dtype=torch.bfloat16),
    }
    return [
        # (file, tensors, metadata, order)
        ("dtypes.safetensors", dtypes, {"format": "pt"}, "reference"),
        ("names.safetensors", names, {"format": "pt", "note": "caf\u00e9 \"quoted\"\n"}, "reference"),
        ("legacy_order.safetensors", legacy, None, "name"),
        ("empty.safetensors", {}, None, "reference"),
    ]


def write_fixtures():
    os.makedirs(OUT_DIR, exist_ok=True)
    expected = {}
    for file, tensors, metadata, order in cases():
        blob = serialize(tensors, metadata, order)
        if reference is not None and order == "reference" and (metadata is None or len(metadata) <= 1):
            assert reference.save(tensors, metadata=metadata) == blob, f"{file}: differs from the safetensors package"
        metadata_back, named = deserialize(blob)
        assert metadata_back == metadata
        with open(os.path.join(OUT_DIR, file), "wb") as f:
            f.write(blob)
        entry = describe(metadata, named)
        entry["referenceOrder"] = order == "reference"
        expected[file] = entry
    with open(os.path.join(OUT_DIR, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {len(expected)} files to {os.path.normpath(OUT_DIR)}")


def check(path):
    with open(path, "rb") as f:
        blob = f.read()
    if reference is not None:
        named_dict = reference.load(blob)
        with open(path, "rb") as f:  # the package's load() does not return metadata
            (n,) = struct.unpack("<Q", f.read(8))
            metadata = json.loads(f.read(n)).get(METADATA_KEY)
        named = sorted(named_dict.items(), key=lambda item: item[0])
        reader = "safetensors " + getattr(sys.modules["safetensors"], "__version__", "?")
    else:
        metadata, named = deserialize(blob)
        reader = "plain python"
    result = describe(metadata, named)
    result["reader"] = reader
    result["sameBytes"] = serialize(dict(named), metadata) == blob
    json.dump(result, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    assert sys.byteorder == "little", "safetensors data is little-endian; this script assumes a little-endian host"
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        check(sys.argv[2])
    elif len(sys.argv) == 1:
        write_fixtures()
    else:
        sys.exit(f"usage: {sys.argv[0]} [--check FILE]")
