#include "core/storage_accounting.h"

namespace nodetorch {
namespace {

const void* storageKey(const at::Tensor& tensor) {
  if (!tensor.defined() || !tensor.has_storage()) return nullptr;
  return tensor.storage().unsafeGetStorageImpl();
}

}  // namespace

StorageAccounting::Acquired StorageAccounting::acquire(const at::Tensor& tensor) {
  ++liveTensors_;
  const void* key = storageKey(tensor);
  if (!key) return {nullptr, 0};
  auto [entry, inserted] = storages_.emplace(key, Entry{0, 0});
  ++entry->second.handles;
  if (!inserted) return {key, 0};
  entry->second.bytes = static_cast<int64_t>(tensor.storage().nbytes());
  liveBytes_ += entry->second.bytes;
  return {key, entry->second.bytes};
}

int64_t StorageAccounting::release(const void* key) {
  --liveTensors_;
  if (!key) return 0;
  auto entry = storages_.find(key);
  if (entry == storages_.end() || --entry->second.handles > 0) return 0;
  int64_t bytes = entry->second.bytes;
  liveBytes_ -= bytes;
  storages_.erase(entry);
  return bytes;
}

}  // namespace nodetorch
