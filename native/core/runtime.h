// Process-wide runtime settings: malloc tuning, thread counts, and a report of the build.
#pragma once
#include <string>
#include <vector>

namespace nodetorch {

/** Keeps glibc from returning tensor-sized blocks to the OS every step (ENVIRONMENT.md: 2-4x faster). */
void tuneMalloc();
/** Sets LibTorch intra-op and BLAS threads to the same count (timings turn bimodal otherwise). */
void setNumThreads(int threads);
int getNumThreads();
/** Gives the calling thread the process's intra-op thread count (OpenMP keeps it per thread); cheap when it has it. */
void adoptProcessThreads();
/** The intra-op team size for ops run on the calling thread only (OpenMP builds), leaving the process's setting. */
void setThreadIntraOpThreads(int threads);
/** The count used at load: NODETORCH_NUM_THREADS, else OMP_NUM_THREADS, else LibTorch's default. */
int defaultNumThreads();

/** The quantized engine in use ('onednn', 'x86', 'fbgemm', 'qnnpack'; 'none' without one). */
std::string quantizedEngine();
/** Selects a quantized engine by name; throws naming the supported ones for another name. */
void setQuantizedEngine(const std::string& name);
/**
 * Turns LibTorch's TensorExpr fuser off: on a CPU build it compiles kernels with LLVM the first time
 * a TorchScript graph runs with new input shapes, which took minutes on Debian's LibTorch 2.6 (an
 * optimized CNN's first batch of 64 seemed to hang). Graphs run unfused, as in PyTorch 1.13's default.
 */
void disableTensorExprFuser();
/** The best quantized engine this build has (x86, fbgemm, onednn, then qnnpack: slow on x86). */
void selectBestQuantizedEngine();

struct RuntimeConfig {
  std::string torchVersion;
  bool cudaAvailable;
  int cudaDeviceCount;
  std::string blas;
  std::string blasCore;  // OpenBLAS's kernels for this CPU ("SkylakeX", "Haswell", ...), empty if not OpenBLAS
  int numThreads;
  int blasThreads;  // -1 when the BLAS library does not say
  std::vector<std::string> quantizedEngines;
  bool mallocTuned;
  /** Whether LibTorch has oneDNN (MKL-DNN): optimize_for_inference moves convolutions to it. */
  bool mkldnn;
};
RuntimeConfig runtimeConfig();

}  // namespace nodetorch
