// The standalone C++ LibTorch training loop bench/train-loop.mjs compares the native epoch loop with:
// the same model, data layout, shuffling (a randperm per epoch, index_select per batch), loss and
// optimizer, written as a LibTorch user would. Prints one JSON line of milliseconds per epoch.
//   train_loop <mlp|cnn> <batch> <samples> <epochs> <threads>
#include <torch/torch.h>

#include <chrono>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  if (argc != 6) {
    std::cerr << "usage: train_loop <mlp|cnn> <batch> <samples> <epochs> <threads>\n";
    return 2;
  }
  std::string model = argv[1];
  int64_t batch = std::stoll(argv[2]), samples = std::stoll(argv[3]), epochs = std::stoll(argv[4]);
  torch::set_num_threads(std::stoi(argv[5]));
  torch::manual_seed(0);
  torch::nn::Sequential net;
  torch::Tensor inputs;
  if (model == "mlp") {
    net = torch::nn::Sequential(torch::nn::Linear(784, 256), torch::nn::ReLU(), torch::nn::Linear(256, 128),
                                torch::nn::ReLU(), torch::nn::Linear(128, 10));
    inputs = torch::randn({samples, 784});
  } else {
    net = torch::nn::Sequential(
        torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 16, 3).padding(1)), torch::nn::ReLU(),
        torch::nn::MaxPool2d(2), torch::nn::Conv2d(torch::nn::Conv2dOptions(16, 32, 3).padding(1)),
        torch::nn::ReLU(), torch::nn::MaxPool2d(2), torch::nn::Flatten(), torch::nn::Linear(32 * 7 * 7, 10));
    inputs = torch::randn({samples, 1, 28, 28});
  }
  torch::Tensor targets = torch::randint(0, 10, {samples});
  torch::optim::SGD optimizer(net->parameters(), torch::optim::SGDOptions(0.01).momentum(0.9));
  std::cout << "{\"msPerEpoch\":[";
  for (int64_t epoch = 0; epoch < epochs; ++epoch) {
    auto start = std::chrono::steady_clock::now();
    torch::Tensor order = torch::randperm(samples);
    for (int64_t first = 0; first < samples; first += batch) {
      torch::Tensor index = order.slice(0, first, std::min(first + batch, samples));
      torch::Tensor loss = torch::cross_entropy_loss(net->forward(inputs.index_select(0, index)), targets.index_select(0, index));
      loss.backward();
      optimizer.step();
      optimizer.zero_grad();
    }
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::cout << (epoch ? "," : "") << ms;
  }
  std::cout << "]}" << std::endl;
  return 0;
}
