#include "core/autocast.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include <stdexcept>

#include "core/op_registry.h"

// 2.4 replaced set_cpu_enabled / set_autocast_cpu_dtype and friends with per-device functions.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define NODETORCH_AUTOCAST_PER_DEVICE 1
#endif

namespace nodetorch {

AutocastState autocastState(c10::DeviceType device) {
#ifdef NODETORCH_AUTOCAST_PER_DEVICE
  return {at::autocast::is_autocast_enabled(device), at::autocast::get_autocast_dtype(device)};
#else
  if (device == c10::DeviceType::CPU) return {at::autocast::is_cpu_enabled(), at::autocast::get_autocast_cpu_dtype()};
  return {at::autocast::is_enabled(), at::autocast::get_autocast_gpu_dtype()};
#endif
}

void setAutocastState(c10::DeviceType device, AutocastState state) {
#ifdef NODETORCH_AUTOCAST_PER_DEVICE
  at::autocast::set_autocast_enabled(device, state.enabled);
  at::autocast::set_autocast_dtype(device, state.dtype);
#else
  if (device == c10::DeviceType::CPU) {
    at::autocast::set_cpu_enabled(state.enabled);
    at::autocast::set_autocast_cpu_dtype(state.dtype);
  } else {
    at::autocast::set_enabled(state.enabled);
    at::autocast::set_autocast_gpu_dtype(state.dtype);
  }
#endif
}

void autocastEnter() { at::autocast::increment_nesting(); }

void autocastExit() {
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
}

c10::DeviceType parseAutocastDevice(const std::string& name) {
  if (name == "cpu") return c10::DeviceType::CPU;
  if (name == "cuda") return c10::DeviceType::CUDA;
  throw std::invalid_argument("autocast: device type must be 'cpu' or 'cuda', got '" + name + "'");
}

bool hasBackendKernel(const std::string& name, const std::string& overload, c10::DeviceType device) {
  c10::OperatorHandle op = findOperator(name, overload);
  return op.hasKernelForDispatchKey(device == c10::DeviceType::CPU ? c10::DispatchKey::CPU : c10::DispatchKey::CUDA);
}

}  // namespace nodetorch
