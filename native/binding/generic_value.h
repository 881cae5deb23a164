// JS values as IValues without a schema (TorchScript method inputs): tensors, numbers, strings,
// booleans, null, arrays and string-keyed objects, nested.
#pragma once
#include <ATen/core/ivalue.h>

#include "binding/node_api.h"

namespace nodetorch {

/** A JS value as an IValue: integers become ints, other numbers doubles, objects string-keyed dicts. */
c10::IValue genericToIValue(Napi::Value value);

}  // namespace nodetorch
