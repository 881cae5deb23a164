// Names of dtypes, devices, layouts and memory formats as the TypeScript API spells them.
#pragma once
#include <c10/core/Device.h>
#include <c10/core/Layout.h>
#include <c10/core/MemoryFormat.h>
#include <c10/core/ScalarType.h>

#include <string>

namespace nodetorch {

/** Parses 'float32', 'float', 'int64', 'long', ...; throws std::invalid_argument naming the choices. */
c10::ScalarType parseDtype(const std::string& name);
/** The canonical TypeScript name of a dtype ('float32', 'int64', ...). */
const char* dtypeName(c10::ScalarType type);
/** Parses 'cpu', 'cuda', 'cuda:1'; throws when the device is malformed or CUDA is absent. */
c10::Device parseDevice(const std::string& name);
/** 'cpu', 'cuda:0', ... */
std::string deviceName(const c10::Device& device);
c10::Layout parseLayout(const std::string& name);
c10::MemoryFormat parseMemoryFormat(const std::string& name);
/** Throws a clear error when a CUDA device is asked for and this build or machine has none. */
void requireDeviceAvailable(const c10::Device& device);

}  // namespace nodetorch
