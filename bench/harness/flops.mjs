// Floating-point operations of the suite's models, counted as GEMMs (2 flops per multiply-add),
// so that GEMM-bound rows can say what fraction of the machine's measured SGEMM peak they reach.
// Elementwise work (activations, pooling, the optimizer) is left out: it is not what the peak measures.

const linear = (inputs, outputs) => 2 * inputs * outputs;
// A convolution is a GEMM per output pixel: outputs x (inputs x k x k).
const conv = (inputs, outputs, kernel, height, width) => 2 * height * width * outputs * inputs * kernel * kernel;
// Each LSTM step: the four gates from the input and the previous hidden state.
const lstm = (inputs, hidden, steps) => steps * 2 * 4 * hidden * (inputs + hidden);

/** Forward flops of one sample of each model. */
export const FORWARD_FLOPS_PER_SAMPLE = {
  mlp: linear(784, 256) + linear(256, 128) + linear(128, 10),
  cnn: conv(1, 16, 3, 28, 28) + conv(16, 32, 3, 14, 14) + linear(32 * 7 * 7, 10),
  lstm: lstm(28, 128, 28) + linear(128, 10),
  tiny: linear(16, 16) + linear(16, 16) + linear(16, 4),
};

/** Forward flops of a batch. */
export const forwardFlops = (model, batch) => FORWARD_FLOPS_PER_SAMPLE[model] * batch;

// The first layer's GEMM work: its input is the data, which needs no gradient.
const FIRST_LAYER_FLOPS_PER_SAMPLE = {
  mlp: linear(784, 256),
  cnn: conv(1, 16, 3, 28, 28),
  lstm: 28 * 2 * 4 * 128 * 28,
  tiny: linear(16, 16),
};

/**
 * A training step: the forward, and a backward of twice its work (the gradients of each layer's
 * input and of its weights), less the first layer's input gradient.
 */
export const trainStepFlops = (model, batch) => 3 * forwardFlops(model, batch) - FIRST_LAYER_FLOPS_PER_SAMPLE[model] * batch;

/** Share of `peakGflops` that `flops` done in `ms` milliseconds reach (null without a peak or time). */
export function fractionOfPeak(flops, ms, peakGflops) {
  if (!Number.isFinite(ms) || !(peakGflops > 0)) return null;
  return flops / (ms / 1000) / (peakGflops * 1e9);
}
