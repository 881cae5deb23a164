// LibTorch's autocast state (thread-local: it covers ops run on the calling thread only), behind one
// API for LibTorch 1.13 and 2.x, whose autocast functions were renamed in 2.4.
#pragma once
#include <c10/core/DeviceType.h>
#include <c10/core/ScalarType.h>

#include <string>

namespace nodetorch {

struct AutocastState {
  bool enabled;
  c10::ScalarType dtype;
};

/** Whether autocast is on for `device` ('cpu' or 'cuda') on this thread, and its dtype. */
AutocastState autocastState(c10::DeviceType device);
/** Sets this thread's autocast state for `device`. */
void setAutocastState(c10::DeviceType device, AutocastState state);
/** Enters one autocast region (PyTorch's `__enter__` counts nesting so the cast cache lives per region). */
void autocastEnter();
/** Leaves one region; the outermost exit clears the cache of casted weights. */
void autocastExit();
/** Parses 'cpu' / 'cuda' (autocast's device types). */
c10::DeviceType parseAutocastDevice(const std::string& name);
/** Whether `aten::<name>.<overload>` has a kernel for the device's backend (CPU kernels of some AMP ops came in 2.x).
 */
bool hasBackendKernel(const std::string& name, const std::string& overload, c10::DeviceType device);

}  // namespace nodetorch
