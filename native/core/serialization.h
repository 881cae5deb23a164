// PyTorch's file format (the zip archive torch.save writes since 1.6), through LibTorch's pickler.
// Reading is done in TypeScript (lib/io/pytorch-reader.ts): LibTorch's unpickler rejects ordinary
// Python state dicts (an OrderedDict with _metadata).
#pragma once
#include <ATen/core/ivalue.h>

#include <vector>

namespace nodetorch {

/** Bytes that Python's torch.load reads. */
std::vector<char> saveToBytes(const c10::IValue& value);

}  // namespace nodetorch
