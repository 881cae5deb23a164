/**
 * What the pipeline measures of one variant: accuracy over a loader of [input, target] batches,
 * latency of a forward (the median of timed runs after a warm-up, without autograd), and the
 * inputs for the latency runs (held-out images repeated up to the batch size).
 * @module
 */
import { noGrad } from '../tensor/autograd.js';
import { cat } from '../tensor/creation.js';
import { Tensor } from '../tensor/tensor.js';

/** Anything with a forward from a batch of inputs to class scores: a Module or a ScriptModule. */
export interface Forward {
  /** Class scores (batch, classes) for a batch of inputs. */
  forward(input: Tensor): unknown;
}

/** A source of [input, target] batches (a DataLoader, or any iterable of pairs). */
export type Batches = AsyncIterable<unknown> | Iterable<unknown>;

function pairOf(batch: unknown, index: number): [Tensor, Tensor] {
  if (Array.isArray(batch) && batch[0] instanceof Tensor && batch[1] instanceof Tensor) return [batch[0], batch[1]];
  throw new TypeError(`compress: batch ${index} is not an [input, target] pair of tensors`);
}

function scoresOf(output: unknown): Tensor {
  if (output instanceof Tensor) return output;
  throw new TypeError('compress: the model returned something other than a tensor of class scores');
}

/** The fraction of samples in `batches` whose arg-max class score equals the target. */
export async function accuracy(model: Forward, batches: Batches): Promise<number> {
  let correct = 0;
  let total = 0;
  let index = 0;
  for await (const batch of batches as AsyncIterable<unknown>) {
    const [input, target] = pairOf(batch, index++);
    correct += noGrad(() => Number(scoresOf(model.forward(input)).argmax(1).eq(target).sum().item()));
    total += target.shape[0]!;
  }
  if (total === 0) throw new Error('compress: the test data had no samples');
  return correct / total;
}

/** Options of {@link latency}. */
export interface LatencyOptions {
  /** Untimed forwards first (default 10). */
  warmup?: number;
  /** Timed forwards; the median is reported (default 50). */
  runs?: number;
}

/** Latency of one forward on `input`: median, minimum and the runs' count, in microseconds. */
export interface Latency {
  /** The median over the timed runs. */
  medianUs: number;
  /** The fastest run. */
  minUs: number;
  /** Timed runs. */
  runs: number;
}

/** Times `model.forward(input)` under noGrad: `warmup` runs, then the median of `runs` timed ones. */
export function latency(model: Forward, input: Tensor, options: LatencyOptions = {}): Latency {
  const warmup = options.warmup ?? 10;
  const runs = options.runs ?? 50;
  if (!Number.isInteger(warmup) || warmup < 0) throw new RangeError(`compress: latency warmup must be an integer >= 0, got ${warmup}`);
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`compress: latency runs must be a positive integer, got ${runs}`);
  const once = () => noGrad(() => scoresOf(model.forward(input)).dispose());
  for (let i = 0; i < warmup; i++) once();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    once();
    times.push((performance.now() - start) * 1000);
  }
  times.sort((a, b) => a - b);
  const middle = Math.floor(runs / 2);
  const medianUs = runs % 2 ? times[middle]! : (times[middle - 1]! + times[middle]!) / 2;
  return { medianUs, minUs: times[0]!, runs };
}

/** A batch of `size` inputs from `batches`' first inputs, repeated when there are fewer samples. */
export async function inputBatch(batches: Batches, size: number): Promise<Tensor> {
  const inputs: Tensor[] = [];
  let count = 0;
  let index = 0;
  for await (const batch of batches as AsyncIterable<unknown>) {
    const [input] = pairOf(batch, index++);
    inputs.push(input);
    count += input.shape[0]!;
    if (count >= size) break;
  }
  if (count === 0) throw new Error('compress: the test data had no samples for the latency input');
  return noGrad(() => {
    const all = cat(inputs, 0);
    const repeats = Math.ceil(size / count);
    const filled =
      repeats > 1
        ? cat(
            Array.from({ length: repeats }, () => all),
            0,
          )
        : all;
    return filled.narrow(0, 0, size).contiguous();
  });
}
