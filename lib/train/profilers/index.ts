/** torch.train.profilers: Lightning's profilers (the PyTorch one, over torch.profiler). */
export { PyTorchProfiler, type PyTorchProfilerOptions } from './pytorch-profiler.js';
