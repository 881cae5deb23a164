// The tensors JS holds, by slot number. A JS Tensor carries its slot; freeing a slot bumps its
// generation, so a garbage-collector finalizer that arrives after an explicit dispose (when the
// slot may already hold another tensor) frees nothing.
#pragma once
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <deque>
#include <vector>

namespace nodetorch {

class TensorTable {
 public:
  /** A slot and the generation it had when it was filled: what a finalizer needs to free it. */
  struct Key {
    uint32_t slot;
    uint32_t generation;
  };

  /** Stores `tensor` in a free slot. */
  Key add(at::Tensor tensor) {
    uint32_t slot;
    if (free_.empty()) {
      slot = static_cast<uint32_t>(entries_.size());
      entries_.emplace_back();
    } else {
      slot = free_.back();
      free_.pop_back();
    }
    Entry& entry = entries_[slot];
    entry.tensor = std::move(tensor);
    entry.used = true;
    return {slot, entry.generation};
  }

  /** The tensor in `slot`, or nullptr when the slot is free or out of range. Stays valid while it is held. */
  const at::Tensor* find(int64_t slot) const {
    if (slot < 0 || static_cast<uint64_t>(slot) >= entries_.size()) return nullptr;
    const Entry& entry = entries_[static_cast<size_t>(slot)];
    return entry.used ? &entry.tensor : nullptr;
  }

  /** Empties `key.slot` if it still holds the tensor `key` was made for; returns that tensor (or an undefined one). */
  at::Tensor release(Key key) {
    if (key.slot >= entries_.size()) return {};
    Entry& entry = entries_[key.slot];
    if (!entry.used || entry.generation != key.generation) return {};
    entry.used = false;
    ++entry.generation;
    free_.push_back(key.slot);
    return std::move(entry.tensor);
  }

  /** The current key of `slot` (for an explicit dispose, which frees whatever the slot holds). */
  Key keyOf(uint32_t slot) const {
    return {slot, slot < entries_.size() ? entries_[slot].generation : 0};
  }

 private:
  struct Entry {
    at::Tensor tensor;
    uint32_t generation = 0;
    bool used = false;
  };
  // A deque, not a vector: references handed out by find() survive later add()s.
  std::deque<Entry> entries_;
  std::vector<uint32_t> free_;
};

}  // namespace nodetorch
