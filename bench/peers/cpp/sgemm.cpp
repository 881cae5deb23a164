// `bench sgemm`: the ceiling. GFLOP/s of at::mm on n x n float32 matrices (2 n^3 flops per call) at
// the thread count set by the caller; the best of a few timed batches, as a peak should be.
#include <chrono>
#include <iostream>

#include "models.h"

int runSgemm(int64_t n, int64_t iterations) {
  torch::manual_seed(0);
  torch::Tensor a = torch::randn({n, n}), b = torch::randn({n, n}), c = torch::empty({n, n});
  at::mm_out(c, a, b);  // warm-up: packing buffers, thread pool
  double best = 0;
  for (int batch = 0; batch < 5; ++batch) {
    auto start = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < iterations; ++i) at::mm_out(c, a, b);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = std::max(best, 2.0 * n * n * n * iterations / seconds / 1e9);
  }
  std::cout << "{\"gflops\":" << best << ",\"threads\":" << at::get_num_threads() << "}" << std::endl;
  return 0;
}
