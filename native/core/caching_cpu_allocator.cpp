#include "core/caching_cpu_allocator.h"

#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>
#include <torch/version.h>

#include <array>
#include <cstdlib>
#include <mutex>
#include <vector>

namespace nodetorch {
namespace {

// Each block starts with a header (kept 64 bytes so the data stays 64-byte aligned) that
// remembers its size class; the data pointer handed out is the byte after it.
constexpr size_t kHeader = 64;
constexpr size_t kMinClass = 64;
constexpr size_t kMaxCached = size_t(64) << 20;  // larger blocks are not cached
constexpr int kStepsPerDoubling = 4;             // classes 1, 1.25, 1.5, 1.75 x 2^k: <= 25% waste
constexpr int kClasses = 64 * kStepsPerDoubling;

struct Header {
  int sizeClass;  // -1: uncached, size in bytes below
  size_t bytes;
};

int classOf(size_t bytes) {
  if (bytes <= kMinClass) return 0;
  int power = 63 - __builtin_clzll(bytes - 1);  // 2^power < bytes <= 2^(power+1)
  size_t base = size_t(1) << power;
  int step = static_cast<int>((bytes - base - 1) / (base / kStepsPerDoubling)) + 1;  // 1..4
  return (power - 6) * kStepsPerDoubling + step;
}

size_t classSize(int sizeClass) {
  if (sizeClass == 0) return kMinClass;
  int power = (sizeClass - 1) / kStepsPerDoubling + 6;
  int step = (sizeClass - 1) % kStepsPerDoubling + 1;
  size_t base = size_t(1) << power;
  return base + step * (base / kStepsPerDoubling);
}

class CachingCpuAllocator final : public c10::Allocator {
 public:
  explicit CachingCpuAllocator(size_t capacity) : capacity_(capacity) {}

#if TORCH_VERSION_MAJOR >= 2 && TORCH_VERSION_MINOR >= 3 || TORCH_VERSION_MAJOR >= 3
  c10::DataPtr allocate(size_t bytes) override { return allocateBlock(bytes); }
  void copy_data(void* dest, const void* src, std::size_t count) const override { default_copy_data(dest, src, count); }
#else
  c10::DataPtr allocate(size_t bytes) const override {
    return const_cast<CachingCpuAllocator*>(this)->allocateBlock(bytes);
  }
#endif
  c10::DeleterFnPtr raw_deleter() const override { return &release; }

  CpuCacheStats stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    return {static_cast<int64_t>(allocated_), static_cast<int64_t>(cached_)};
  }

  void empty() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& blocks : free_) {
      for (void* block : blocks) c10::free_cpu(block);
      blocks.clear();
    }
    cached_ = 0;
  }

  static CachingCpuAllocator* instance;

 private:
  c10::DataPtr allocateBlock(size_t bytes) {
    c10::Device cpu(c10::DeviceType::CPU);
    if (bytes == 0) return {nullptr, nullptr, &release, cpu};
    int sizeClass = bytes <= kMaxCached ? classOf(bytes) : -1;
    size_t blockBytes = sizeClass >= 0 ? classSize(sizeClass) : bytes;
    void* block = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (sizeClass >= 0 && !free_[sizeClass].empty()) {
        block = free_[sizeClass].back();
        free_[sizeClass].pop_back();
        cached_ -= blockBytes;
      }
      allocated_ += blockBytes;
    }
    if (!block) block = c10::alloc_cpu(blockBytes + kHeader);  // throws c10::Error when out of memory
    *static_cast<Header*>(block) = Header{sizeClass, blockBytes};
    void* data = static_cast<char*>(block) + kHeader;
    report(data, static_cast<int64_t>(blockBytes));
    return {data, data, &release, cpu};
  }

  static void release(void* data) {
    if (!data) return;
    void* block = static_cast<char*>(data) - kHeader;
    Header header = *static_cast<Header*>(block);
    CachingCpuAllocator& self = *instance;
    bool keep = false;
    {
      std::lock_guard<std::mutex> lock(self.mutex_);
      self.allocated_ -= header.bytes;
      if (header.sizeClass >= 0 && self.cached_ + header.bytes <= self.capacity_) {
        self.free_[header.sizeClass].push_back(block);
        self.cached_ += header.bytes;
        keep = true;
      }
    }
    if (!keep) c10::free_cpu(block);
    self.report(data, -static_cast<int64_t>(header.bytes));
  }

  // Keeps the autograd profiler's memory view working as with LibTorch's own allocator.
  void report(void* data, int64_t delta) {
    if (!c10::memoryProfilingEnabled()) return;
    c10::reportMemoryUsageToProfiler(data, delta, static_cast<int64_t>(allocated_),
                                     static_cast<int64_t>(allocated_ + cached_), c10::Device(c10::DeviceType::CPU));
  }

  std::mutex mutex_;
  std::array<std::vector<void*>, kClasses> free_;
  size_t allocated_ = 0;
  size_t cached_ = 0;
  size_t capacity_;
};

CachingCpuAllocator* CachingCpuAllocator::instance = nullptr;

}  // namespace

void installCachingCpuAllocator() {
  if (CachingCpuAllocator::instance) return;
  size_t capacityMb = 1024;
  if (const char* value = std::getenv("NODETORCH_CPU_CACHE_MB")) capacityMb = std::strtoull(value, nullptr, 10);
  if (capacityMb == 0) return;
  // Never destroyed: tensors may be freed during process exit, after static destructors.
  CachingCpuAllocator::instance = new CachingCpuAllocator(capacityMb << 20);
  c10::SetCPUAllocator(CachingCpuAllocator::instance, /*priority=*/1);
}

CpuCacheStats cpuCacheStats() {
  return CachingCpuAllocator::instance ? CachingCpuAllocator::instance->stats() : CpuCacheStats{0, 0};
}

void emptyCpuCache() {
  if (CachingCpuAllocator::instance) CachingCpuAllocator::instance->empty();
}

}  // namespace nodetorch
