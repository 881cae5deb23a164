// A CPU allocator that keeps freed tensor blocks for reuse, by size class.
//
// Tensors here are freed in batches by the garbage collector, not one by one as in Python. With
// glibc malloc that pattern fragments the heap: freed 4 KiB blocks get split by small allocations
// and RSS grows without bound in a loop that never yields (measured: +3 KiB per tensor). Blocks
// of one size class are interchangeable, so reuse is exact; the cache is capped, and blocks above
// the largest class go straight back to the system.
#pragma once
#include <c10/core/Allocator.h>

#include <cstdint>

namespace nodetorch {

struct CpuCacheStats {
  int64_t allocatedBytes;  // in live tensors (size-class rounded)
  int64_t cachedBytes;     // freed and kept for reuse
};

/** Installs the allocator for CPU tensors (once per process); NODETORCH_CPU_CACHE_MB=0 disables it. */
void installCachingCpuAllocator();
CpuCacheStats cpuCacheStats();
/** Returns every cached block to the system. */
void emptyCpuCache();

}  // namespace nodetorch
