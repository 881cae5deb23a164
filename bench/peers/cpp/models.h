// The suite's models written as a LibTorch C++ user would: the same layers and sizes as the
// nodetorch, Python and TensorFlow.js peers.
#pragma once
#include <torch/torch.h>

#include <string>

// LSTM over 28 steps of 28 features, the last step's hidden state into a linear classifier.
struct LSTMClassifierImpl : torch::nn::Module {
  torch::nn::LSTM lstm{nullptr};
  torch::nn::Linear head{nullptr};
  LSTMClassifierImpl() {
    lstm = register_module("lstm", torch::nn::LSTM(torch::nn::LSTMOptions(28, 128).batch_first(true)));
    head = register_module("head", torch::nn::Linear(128, 10));
  }
  torch::Tensor forward(torch::Tensor x) {
    auto output = std::get<0>(lstm->forward(x));
    return head->forward(output.select(1, -1));
  }
};
TORCH_MODULE(LSTMClassifier);

// A model with one forward(Tensor) and the shape of one input sample.
struct BenchModel {
  std::shared_ptr<torch::nn::Module> module;
  std::function<torch::Tensor(torch::Tensor)> forward;
  std::vector<int64_t> sample;
};

inline BenchModel makeModel(const std::string& name) {
  namespace nn = torch::nn;
  if (name == "mlp") {
    nn::Sequential net(nn::Linear(784, 256), nn::ReLU(), nn::Linear(256, 128), nn::ReLU(), nn::Linear(128, 10));
    return {net.ptr(), [net](torch::Tensor x) mutable { return net->forward(x); }, {784}};
  }
  if (name == "cnn") {
    nn::Sequential net(nn::Conv2d(nn::Conv2dOptions(1, 16, 3).padding(1)), nn::ReLU(), nn::MaxPool2d(2),
                       nn::Conv2d(nn::Conv2dOptions(16, 32, 3).padding(1)), nn::ReLU(), nn::MaxPool2d(2),
                       nn::Flatten(), nn::Linear(32 * 7 * 7, 10));
    return {net.ptr(), [net](torch::Tensor x) mutable { return net->forward(x); }, {1, 28, 28}};
  }
  if (name == "lstm") {
    LSTMClassifier net;
    return {net.ptr(), [net](torch::Tensor x) mutable { return net->forward(x); }, {28, 28}};
  }
  if (name == "tiny") {  // overhead-bound: its kernels take less time than the calls into them
    nn::Sequential net(nn::Linear(16, 16), nn::ReLU(), nn::Linear(16, 16), nn::ReLU(), nn::Linear(16, 4));
    return {net.ptr(), [net](torch::Tensor x) mutable { return net->forward(x); }, {16}};
  }
  throw std::invalid_argument("unknown model " + name);
}

// Shape of a batch of `batch` samples of the model.
inline std::vector<int64_t> batchShape(const BenchModel& model, int64_t batch) {
  std::vector<int64_t> shape{batch};
  shape.insert(shape.end(), model.sample.begin(), model.sample.end());
  return shape;
}
