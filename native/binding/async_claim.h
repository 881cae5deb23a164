// What an async worker holds of the tensors it uses (core/busy_tensors.h): made on the JS thread
// before the work is queued, released on the JS thread when the worker is destroyed. Claiming
// throws a TorchError when the work would race with other running work on the same memory.
#pragma once
#include <ATen/core/ivalue.h>

#include <memory>
#include <vector>

#include "binding/node_api.h"
#include "core/busy_tensors.h"

namespace nodetorch {

class AsyncClaim {
 public:
  explicit AsyncClaim(Napi::Env env);
  ~AsyncClaim();
  AsyncClaim(AsyncClaim&& other) noexcept = default;
  AsyncClaim& operator=(AsyncClaim&&) = delete;
  AsyncClaim(const AsyncClaim&) = delete;
  AsyncClaim& operator=(const AsyncClaim&) = delete;

  /** The work reads `value` (a tensor, or tensors inside lists, tuples and dicts). */
  void reads(const c10::IValue& value);
  void reads(const at::Tensor& tensor);
  /** The work writes `value` in place (self of an in-place op, out=). Claim writes before reads. */
  void writes(const c10::IValue& value);

 private:
  Napi::Env env_;
  std::shared_ptr<BusyTensors> busy_;
  std::vector<at::Tensor> read_;
  std::vector<at::Tensor> written_;
};

/** Throws a TorchError unless JS may change `tensor` in place now (no running work uses its memory). */
void checkWritable(Napi::Env env, const at::Tensor& tensor);
/** checkWritable for each tensor in `value`. */
void checkWritable(Napi::Env env, const c10::IValue& value);

}  // namespace nodetorch
