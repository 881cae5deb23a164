/**
 * Thrown for every failure inside LibTorch: bad shapes, dtypes, devices, out-of-range indices,
 * disposed tensors. The message is PyTorch's, without the C++ backtrace.
 */
export class TorchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TorchError';
  }
}
