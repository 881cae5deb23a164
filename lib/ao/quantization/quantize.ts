/**
 * torch.ao.quantization.quantize and calibrate: eager-mode static post-training quantization in one
 * call (prepare, run calibration, convert), and calibration over a DataLoader.
 * @module
 */
import type { Module } from '../../nn/module.js';
import { noGrad } from '../../tensor/autograd.js';
import { Tensor } from '../../tensor/tensor.js';
import { convert, type ConvertOptions } from './convert.js';
import { prepare } from './prepare.js';

/** Options of {@link calibrate}. */
export interface CalibrateOptions {
  /** Stop after this many batches (default: all of them). */
  numBatches?: number;
}

/**
 * Runs a prepared model (in eval mode, without gradients) on each batch of `batches` (a DataLoader
 * or any iterable) so its observers record the activations' ranges. A batch is a tensor, or an
 * array / `{ input }` record whose first element / `input` is the model's input. Returns the
 * number of batches run.
 */
export async function calibrate(
  model: Module,
  batches: AsyncIterable<unknown> | Iterable<unknown>,
  options: CalibrateOptions = {},
): Promise<number> {
  const limit = options.numBatches ?? Infinity;
  if (!(limit > 0)) throw new RangeError(`calibrate: numBatches must be positive, got ${limit}`);
  model.eval();
  let count = 0;
  for await (const batch of batches as AsyncIterable<unknown>) {
    const input = inputOf(batch, count);
    noGrad(() => (model.forward as (x: Tensor) => unknown)(input));
    if (++count >= limit) break;
  }
  if (count === 0) throw new Error('calibrate: the calibration data had no batches');
  return count;
}

function inputOf(batch: unknown, index: number): Tensor {
  if (batch instanceof Tensor) return batch;
  if (Array.isArray(batch) && batch[0] instanceof Tensor) return batch[0];
  const input = (batch as { input?: unknown } | null)?.input;
  if (input instanceof Tensor) return input;
  throw new TypeError(`calibrate: batch ${index} is not a tensor, an array starting with one or an { input } record`);
}

/**
 * PyTorch's `quantize(model, run_fn, run_args)`: eval, prepare, `runFn(prepared)` for calibration
 * (it may be async), convert. Returns the quantized model (a copy unless `inplace`).
 */
export async function quantize<M extends Module>(model: M, runFn: (prepared: M) => unknown, options: ConvertOptions = {}): Promise<M> {
  const prepared = prepare(model, { inplace: options.inplace });
  prepared.eval();
  await runFn(prepared);
  return convert(prepared, { ...options, inplace: true });
}
