// The standalone C++ LibTorch peer of the benchmark suite (built by bench/harness/cpp.mjs):
//   bench sgemm <n> <iterations> <threads>
//   bench train <mlp|cnn|lstm> <sgd|adam> <batch> <samples> <epochs> <threads>
//   bench infer <mlp|cnn|lstm> <batch> <iterations> <rounds> <threads>
// The last argument sets LibTorch's intra-op threads (OpenBLAS's come from OPENBLAS_NUM_THREADS).
#include <iostream>
#include <string>
#include <vector>

#include "models.h"

int runSgemm(int64_t n, int64_t iterations);
int runTrain(const std::string& model, const std::string& optimizer, int64_t batch, int64_t samples, int64_t epochs);
int runInfer(const std::string& model, int64_t batch, int64_t iterations, int64_t rounds);

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto number = [&](size_t i) { return std::stoll(args.at(i)); };
  try {
    torch::set_num_threads(static_cast<int>(number(args.size() - 1)));
    if (args.at(0) == "sgemm" && args.size() == 4) return runSgemm(number(1), number(2));
    if (args.at(0) == "train" && args.size() == 7) return runTrain(args[1], args[2], number(3), number(4), number(5));
    if (args.at(0) == "infer" && args.size() == 6) return runInfer(args[1], number(2), number(3), number(4));
  } catch (const std::exception& error) {
    std::cerr << error.what() << "\n";
    return 1;
  }
  std::cerr << "usage: see the comment at the top of bench/peers/cpp/main.cpp\n";
  return 2;
}
