#include "core/runtime.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <c10/core/QEngine.h>
#include <dlfcn.h>
#include <malloc.h>
#include <torch/csrc/jit/passes/tensorexpr_fuser.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <atomic>
#include <cctype>
#include <cstdlib>

namespace nodetorch {
namespace {

bool mallocWasTuned = false;
// The count setNumThreads gave (0 until it is called: LibTorch's default applies).
std::atomic<int> processThreads{0};

// OpenBLAS is loaded as the libblas.so.3 alternative, so its entry points are found at run time.
template <typename Fn>
Fn blasSymbol(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, name));
}

int envInt(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::atoi(value) : 0;
}

// PyTorch's names for the engines ('onednn', 'qnnpack', 'x86', 'fbgemm', 'none'); c10 prints 'ONEDNN'.
std::string engineName(c10::QEngine engine) {
  if (engine == c10::QEngine::NoQEngine) return "none";
  std::string name = c10::toString(engine);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

}  // namespace

void tuneMalloc() {
  if (std::getenv("NODETORCH_NO_MALLOC_TUNING")) return;
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);  // mallopt takes an int: 1 GiB is the largest round value
  mallopt(M_TOP_PAD, 64 * 1024 * 1024);
  mallocWasTuned = true;
}

void setNumThreads(int threads) {
  if (threads < 1)
    throw std::invalid_argument("setNumThreads expects a positive integer, got " + std::to_string(threads));
  at::set_num_threads(threads);
  if (auto setBlasThreads = blasSymbol<void (*)(int)>("openblas_set_num_threads")) setBlasThreads(threads);
  processThreads.store(threads, std::memory_order_relaxed);
}

void adoptProcessThreads() {
  // LibTorch's once-per-thread initializer applies its setting here, as its first parallel op would.
  at::get_num_threads();
  int threads = processThreads.load(std::memory_order_relaxed);
  if (threads <= 0) return;
  // Only OpenMP's team size is per thread. at::init_num_threads would set it too, but through
  // at::set_num_threads, which also rebuilds XNNPACK's global pthreadpool (its threads spin as they
  // start) and clears oneDNN's cache: done per async call, that made a 2-thread GEMM on the pool 6x
  // slower than on the JS thread (docs/performance.md, section 7).
  static auto getOmpThreads = blasSymbol<int (*)()>("omp_get_max_threads");
  static auto setOmpThreads = blasSymbol<void (*)(int)>("omp_set_num_threads");
  if (getOmpThreads && setOmpThreads && getOmpThreads() != threads) setOmpThreads(threads);
}

int getNumThreads() { return at::get_num_threads(); }

void setThreadIntraOpThreads(int threads) {
  if (threads < 1)
    throw std::invalid_argument("setThreadIntraOpThreads expects a positive integer, got " + std::to_string(threads));
  // OpenMP keeps the team size per thread; LibTorch's builds without OpenMP share one pool (no-op).
  // LibTorch sets a thread's team size from the process's on the thread's first parallel op: make
  // that happen now (in LibTorch's copy of the inline initializer and in ours) so it cannot undo this.
  at::get_num_threads();
  at::internal::lazy_init_num_threads();
  if (auto setOmpThreads = blasSymbol<void (*)(int)>("omp_set_num_threads")) setOmpThreads(threads);
}

int defaultNumThreads() {
  if (int n = envInt("NODETORCH_NUM_THREADS"); n > 0) return n;
  if (int n = envInt("OMP_NUM_THREADS"); n > 0) return n;
  return at::get_num_threads();
}

RuntimeConfig runtimeConfig() {
  RuntimeConfig config;
  config.torchVersion = TORCH_VERSION;
  config.cudaAvailable = torch::cuda::is_available();
  config.cudaDeviceCount = config.cudaAvailable ? static_cast<int>(torch::cuda::device_count()) : 0;
  if (auto blasConfig = blasSymbol<char* (*)()>("openblas_get_config")) {
    config.blas = blasConfig();  // "OpenBLAS 0.3.21 DYNAMIC_ARCH ..."
  } else if (blasSymbol<void*>("mkl_get_max_threads")) {
    config.blas = "MKL";
  } else {
    config.blas = "reference BLAS (slow: install libopenblas0-pthread)";
  }
  if (auto coreName = blasSymbol<char* (*)()>("openblas_get_corename")) config.blasCore = coreName();
  auto blasThreads = blasSymbol<int (*)()>("openblas_get_num_threads");
  config.blasThreads = blasThreads ? blasThreads() : -1;
  config.numThreads = at::get_num_threads();
  for (auto engine : at::globalContext().supportedQEngines()) {
    if (engine != c10::QEngine::NoQEngine) config.quantizedEngines.push_back(engineName(engine));
  }
  config.mallocTuned = mallocWasTuned;
  config.mkldnn = at::hasMKLDNN();
  return config;
}

std::string quantizedEngine() { return engineName(at::globalContext().qEngine()); }

void setQuantizedEngine(const std::string& name) {
  std::string known;
  for (auto engine : at::globalContext().supportedQEngines()) {
    std::string candidate = engineName(engine);
    if (candidate == name) {
      at::globalContext().setQEngine(engine);
      return;
    }
    if (engine != c10::QEngine::NoQEngine) known += (known.empty() ? "" : ", ") + candidate;
  }
  throw std::invalid_argument("unknown quantized engine '" + name + "': this LibTorch build supports " +
                              (known.empty() ? std::string("none") : known));
}

void disableTensorExprFuser() { torch::jit::setTensorExprFuserEnabled(false); }

void selectBestQuantizedEngine() {
  const auto& supported = at::globalContext().supportedQEngines();
  for (const char* preferred : {"x86", "fbgemm", "onednn", "qnnpack"}) {
    for (auto engine : supported) {
      if (engineName(engine) == preferred) {
        at::globalContext().setQEngine(engine);
        return;
      }
    }
  }
}

}  // namespace nodetorch
