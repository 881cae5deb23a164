// `bench train`: the training loop a LibTorch user writes (randperm per epoch, index_select per
// batch, forward, cross entropy, backward, step, zero_grad); prints milliseconds per epoch.
#include <chrono>
#include <iostream>

#include "models.h"

int runTrain(const std::string& modelName, const std::string& optimizerName, int64_t batch, int64_t samples,
             int64_t epochs) {
  torch::manual_seed(0);
  BenchModel model = makeModel(modelName);
  torch::Tensor inputs = torch::randn(batchShape(model, samples));
  torch::Tensor targets = torch::randint(0, 10, {samples});
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  if (optimizerName == "adam")
    optimizer = std::make_unique<torch::optim::Adam>(model.module->parameters(), torch::optim::AdamOptions(1e-3));
  else
    optimizer = std::make_unique<torch::optim::SGD>(model.module->parameters(), torch::optim::SGDOptions(0.01).momentum(0.9));
  std::cout << "{\"msPerEpoch\":[";
  for (int64_t epoch = 0; epoch < epochs; ++epoch) {
    auto start = std::chrono::steady_clock::now();
    torch::Tensor order = torch::randperm(samples);
    for (int64_t first = 0; first < samples; first += batch) {
      torch::Tensor index = order.slice(0, first, std::min(first + batch, samples));
      torch::Tensor loss = torch::cross_entropy_loss(model.forward(inputs.index_select(0, index)), targets.index_select(0, index));
      loss.backward();
      optimizer->step();
      optimizer->zero_grad();
    }
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::cout << (epoch ? "," : "") << ms;
  }
  std::cout << "]}" << std::endl;
  return 0;
}
