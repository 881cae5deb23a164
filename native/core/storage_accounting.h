// Counts live tensor handles and the bytes of the storages they hold, each storage once however
// many views share it, so the JS garbage collector can be told how much native memory it keeps alive.
#pragma once
#include <ATen/core/Tensor.h>
#include <c10/util/flat_hash_map.h>

#include <cstdint>

namespace nodetorch {

class StorageAccounting {
 public:
  /** A handle counted: the storage it counts against (nullptr for none) and the bytes newly kept alive. */
  struct Acquired {
    const void* storage;
    int64_t bytes;
  };
  /** Records a new handle to `tensor`; its bytes count only when no other handle shares the storage. */
  Acquired acquire(const at::Tensor& tensor);
  /**
   * Forgets a handle counted against `storage` (what acquire returned: the tensor may have been
   * given another storage since, by set_ or .data =); returns the bytes no handle keeps alive any more.
   */
  int64_t release(const void* storage);

  int64_t liveTensors() const { return liveTensors_; }
  int64_t liveBytes() const { return liveBytes_; }
  int64_t liveStorages() const { return static_cast<int64_t>(storages_.size()); }

 private:
  struct Entry {
    int64_t handles;
    int64_t bytes;
  };
  // Open addressing: one insert and one erase per op result, without a node allocation each.
  ska::flat_hash_map<const void*, Entry> storages_;
  int64_t liveTensors_ = 0;
  int64_t liveBytes_ = 0;
};

}  // namespace nodetorch
