#include "core/serialization.h"

#include <torch/csrc/jit/serialization/pickle.h>

namespace nodetorch {

std::vector<char> saveToBytes(const c10::IValue& value) { return torch::jit::pickle_save(value); }

}  // namespace nodetorch
