/**
 * Thrown for every failure inside LibTorch: bad shapes, dtypes, devices, out-of-range indices,
 * disposed tensors. The message is PyTorch's, without the C++ backtrace.
 */
export class TorchError extends Error {
  /** An error with LibTorch's `message` (the addon makes these; name 'TorchError'). */
  constructor(message: string) {
    super(message);
    this.name = 'TorchError';
  }
}
