// The tensors JS holds. A JS Tensor carries a handle: its slot and the slot's generation, which
// changes whenever the slot is freed. A stale handle (a disposed tensor, a copy of a collected
// tensor object, a finalizer that runs after an explicit dispose) therefore never reaches the
// tensor that took the slot next. Slots are reused first-in first-out, and a slot whose generation
// would wrap is retired, so a generation is never seen twice.
#pragma once
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <deque>
#include <stdexcept>

namespace nodetorch {

class TensorTable {
 public:
  static constexpr int kSlotBits = 26;  // 67M live tensors
  static constexpr int64_t kSlots = int64_t(1) << kSlotBits;
  static constexpr int64_t kGenerations = int64_t(1) << 26;  // handle < 2^52: exact as a JS number

  /** A slot and the generation it had when it was filled. */
  struct Key {
    uint32_t slot;
    uint32_t generation;

    /** The number JS keeps: exact in a double. */
    int64_t handle() const { return (int64_t(generation) << kSlotBits) | slot; }
    /** The key of a handle JS passed; a handle out of range gives a key no slot matches. */
    static Key of(int64_t handle) {
      if (handle < 0 || handle >= kSlots * kGenerations) return {0, uint32_t(kGenerations)};
      return {static_cast<uint32_t>(handle & (kSlots - 1)), static_cast<uint32_t>(handle >> kSlotBits)};
    }
  };

  /** Stores `tensor` (with the storage it counts against, see StorageAccounting) in a free slot. */
  Key add(at::Tensor tensor, const void* storage) {
    uint32_t slot;
    if (free_.empty()) {
      if (static_cast<int64_t>(entries_.size()) >= kSlots) throw std::length_error("too many live tensors");
      slot = static_cast<uint32_t>(entries_.size());
      entries_.emplace_back();
    } else {
      slot = free_.front();
      free_.pop_front();
    }
    Entry& entry = entries_[slot];
    entry.tensor = std::move(tensor);
    entry.storage = storage;
    entry.used = true;
    return {slot, entry.generation};
  }

  /** The tensor `key` was made for, or nullptr when it was freed. Stays valid while it is held. */
  const at::Tensor* find(Key key) const {
    const Entry* entry = live(key);
    return entry ? &entry->tensor : nullptr;
  }

  /**
   * Empties the slot of `key` if it still holds the tensor `key` was made for; returns that tensor
   * (undefined otherwise) and the storage it was counted against.
   */
  std::pair<at::Tensor, const void*> release(Key key) {
    Entry* entry = const_cast<Entry*>(live(key));
    if (!entry) return {at::Tensor(), nullptr};
    entry->used = false;
    if (++entry->generation < kGenerations) free_.push_back(key.slot);  // else retired for good
    return {std::move(entry->tensor), entry->storage};
  }

 private:
  struct Entry {
    at::Tensor tensor;
    const void* storage = nullptr;
    uint32_t generation = 0;
    bool used = false;
  };

  const Entry* live(Key key) const {
    if (key.slot >= entries_.size()) return nullptr;
    const Entry& entry = entries_[key.slot];
    return entry.used && entry.generation == key.generation ? &entry : nullptr;
  }

  // A deque, not a vector: references handed out by find() survive later add()s.
  std::deque<Entry> entries_;
  std::deque<uint32_t> free_;
};

}  // namespace nodetorch
