#include "core/dtype.h"

#include <torch/cuda.h>

#include <stdexcept>
#include <unordered_map>

namespace nodetorch {
namespace {

const std::unordered_map<std::string, c10::ScalarType>& dtypeTable() {
  static const std::unordered_map<std::string, c10::ScalarType> table = {
      {"float16", c10::kHalf},
      {"half", c10::kHalf},
      {"bfloat16", c10::kBFloat16},
      {"float32", c10::kFloat},
      {"float", c10::kFloat},
      {"float64", c10::kDouble},
      {"double", c10::kDouble},
      {"int8", c10::kChar},
      {"uint8", c10::kByte},
      {"int16", c10::kShort},
      {"short", c10::kShort},
      {"int32", c10::kInt},
      {"int", c10::kInt},
      {"int64", c10::kLong},
      {"long", c10::kLong},
      {"bool", c10::kBool},
      {"complex64", c10::kComplexFloat},
      {"complex128", c10::kComplexDouble},
      {"qint8", c10::kQInt8},
      {"quint8", c10::kQUInt8},
      {"qint32", c10::kQInt32},
  };
  return table;
}

}  // namespace

c10::ScalarType parseDtype(const std::string& name) {
  auto found = dtypeTable().find(name);
  if (found == dtypeTable().end()) {
    throw std::invalid_argument("unknown dtype '" + name +
                                "': expected one of float16, bfloat16, float32, float64, int8, uint8, "
                                "int16, int32, int64, bool, complex64, complex128, qint8, quint8, qint32");
  }
  return found->second;
}

const char* dtypeName(c10::ScalarType type) {
  switch (type) {
    case c10::kHalf: return "float16";
    case c10::kBFloat16: return "bfloat16";
    case c10::kFloat: return "float32";
    case c10::kDouble: return "float64";
    case c10::kChar: return "int8";
    case c10::kByte: return "uint8";
    case c10::kShort: return "int16";
    case c10::kInt: return "int32";
    case c10::kLong: return "int64";
    case c10::kBool: return "bool";
    case c10::kComplexFloat: return "complex64";
    case c10::kComplexDouble: return "complex128";
    case c10::kQInt8: return "qint8";
    case c10::kQUInt8: return "quint8";
    case c10::kQInt32: return "qint32";
    default: return c10::toString(type);
  }
}

void requireDeviceAvailable(const c10::Device& device) {
  if (device.is_cuda()) {
    if (!torch::cuda::is_available()) {
      throw std::invalid_argument(
          "CUDA is not available: this LibTorch build has no CUDA support or no GPU is visible "
          "(torch.cuda.isAvailable() is false)");
    }
    auto count = static_cast<int64_t>(torch::cuda::device_count());
    if (device.has_index() && device.index() >= count) {
      throw std::invalid_argument("CUDA device " + std::to_string(device.index()) +
                                  " does not exist: " + std::to_string(count) + " device(s) visible");
    }
  }
}

c10::Device parseDevice(const std::string& name) {
  if (name.rfind("cpu", 0) != 0 && name.rfind("cuda", 0) != 0 && name != "meta") {
    throw std::invalid_argument("unknown device '" + name + "': expected 'cpu', 'cuda', 'cuda:N' or 'meta'");
  }
  c10::Device device(name);  // validates the index syntax; throws c10::Error with the reason
  requireDeviceAvailable(device);
  return device;
}

std::string deviceName(const c10::Device& device) {
  if (device.is_cuda()) return "cuda:" + std::to_string(device.has_index() ? device.index() : 0);
  return device.str();
}

c10::Layout parseLayout(const std::string& name) {
  if (name == "strided") return c10::kStrided;
  if (name == "sparse_coo") return c10::kSparse;
  throw std::invalid_argument("unknown layout '" + name + "': expected 'strided' or 'sparse_coo'");
}

c10::MemoryFormat parseMemoryFormat(const std::string& name) {
  if (name == "contiguous_format") return c10::MemoryFormat::Contiguous;
  if (name == "preserve_format") return c10::MemoryFormat::Preserve;
  if (name == "channels_last") return c10::MemoryFormat::ChannelsLast;
  if (name == "channels_last_3d") return c10::MemoryFormat::ChannelsLast3d;
  throw std::invalid_argument("unknown memory format '" + name +
                              "': expected contiguous_format, preserve_format, channels_last or channels_last_3d");
}

}  // namespace nodetorch
