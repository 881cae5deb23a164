// `bench infer`: forward calls under NoGradGuard on a model in eval mode, timed in rounds;
// prints microseconds per call for each round.
#include <chrono>
#include <iostream>

#include "models.h"

int runInfer(const std::string& modelName, int64_t batch, int64_t iterations, int64_t rounds) {
  torch::manual_seed(0);
  BenchModel model = makeModel(modelName);
  model.module->eval();
  torch::NoGradGuard noGrad;
  torch::Tensor input = torch::randn(batchShape(model, batch));
  for (int64_t i = 0; i < iterations / 10 + 1; ++i) model.forward(input);  // warm-up
  std::cout << "{\"usPerCall\":[";
  for (int64_t round = 0; round < rounds; ++round) {
    auto start = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < iterations; ++i) model.forward(input);
    double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() / iterations;
    std::cout << (round ? "," : "") << us;
  }
  std::cout << "]}" << std::endl;
  return 0;
}
