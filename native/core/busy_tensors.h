// Which tensors running async work reads or writes. JS may go on using its tensors while a worker
// thread computes with them; what it must not do is change what the worker sees: write the memory
// a worker reads (set_, resize_ or in-place ops could free or move it under the kernel), or touch
// a tensor a worker writes (an out= or in-place call may resize it). One registry per environment,
// used on its JS thread only; tensors are keyed by storage (views share one), or by TensorImpl when
// they have none.
#pragma once
#include <ATen/core/Tensor.h>
#include <c10/util/flat_hash_map.h>

namespace nodetorch {

class BusyTensors {
 public:
  void addReader(const at::Tensor& tensor) { ++readers_[keyOf(tensor)]; }
  void removeReader(const at::Tensor& tensor) { drop(readers_, keyOf(tensor)); }
  void addWriter(const at::Tensor& tensor) {
    ++writtenImpls_[tensor.unsafeGetTensorImpl()];
    ++writtenStorages_[keyOf(tensor)];
  }
  void removeWriter(const at::Tensor& tensor) {
    drop(writtenImpls_, tensor.unsafeGetTensorImpl());
    drop(writtenStorages_, keyOf(tensor));
  }

  /** Whether any work writes a tensor now: the cheap test before isWritten on every access. */
  bool anyWritten() const { return !writtenImpls_.empty(); }
  /** Whether a worker writes `tensor` or memory it shares. The TensorImpl is tested first: a worker
   * may be giving it another storage. */
  bool isWritten(const at::Tensor& tensor) const {
    return writtenImpls_.count(tensor.unsafeGetTensorImpl()) > 0 || writtenStorages_.count(keyOf(tensor)) > 0;
  }
  /** Whether a worker reads memory `tensor` shares. */
  bool isRead(const at::Tensor& tensor) const { return readers_.count(keyOf(tensor)) > 0; }

  /** What tensors sharing memory have in common: the StorageImpl, or the TensorImpl without one. */
  static const void* keyOf(const at::Tensor& tensor) {
    if (tensor.has_storage()) return tensor.storage().unsafeGetStorageImpl();
    return tensor.unsafeGetTensorImpl();
  }

 private:
  using Counts = ska::flat_hash_map<const void*, int>;
  static void drop(Counts& counts, const void* key) {
    auto found = counts.find(key);
    if (found != counts.end() && --found->second == 0) counts.erase(found);
  }

  Counts readers_;
  Counts writtenImpls_;
  Counts writtenStorages_;
};

}  // namespace nodetorch
