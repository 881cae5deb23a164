"""The suite's models in Python torch: the same layers as the nodetorch, C++ and TensorFlow.js peers."""
import torch
from torch import nn


class LSTMClassifier(nn.Module):
    """LSTM over 28 steps of 28 features; the last step's hidden state into a linear classifier."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(28, 128, batch_first=True)
        self.head = nn.Linear(128, 10)

    def forward(self, x):
        output, _ = self.lstm(x)
        return self.head(output[:, -1])


def build_model(name):
    if name == "mlp":
        return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    if name == "cnn":
        return nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 7 * 7, 10),
        )
    if name == "lstm":
        return LSTMClassifier()
    if name == "tiny":
        return nn.Sequential(nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 4))
    raise ValueError(f"unknown model {name}")


SAMPLE_SHAPES = {"mlp": (784,), "cnn": (1, 28, 28), "lstm": (28, 28), "tiny": (16,)}


def build_optimizer(name, params):
    if name == "adam":
        return torch.optim.Adam(params, lr=1e-3)
    return torch.optim.SGD(params, lr=0.01, momentum=0.9)


def set_threads(threads):
    """'default' leaves torch's own choice (the 'defaults' peer); a number pins the intra-op threads."""
    if threads != "default":
        torch.set_num_threads(int(threads))
