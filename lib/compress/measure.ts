/**
 * What the pipeline measures of one variant: accuracy over a loader of [input, target] batches,
 * latency of a forward (the median of timed runs after a warm-up, without autograd), and the
 * inputs for the latency runs (held-out images repeated up to the batch size).
 * @module
 */
import { noGrad } from '../tensor/autograd.js';
import { cat } from '../tensor/creation.js';
import { tidy } from '../tensor/scope.js';
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
    correct += tidy(() => noGrad(() => Number(scoresOf(model.forward(input)).argmax(1).eq(target).sum().item())));
    total += target.shape[0]!;
  }
  if (total === 0) throw new Error('compress: the test data had no samples');
  return correct / total;
}

/** Options of {@link latency} and {@link interleavedLatency}. */
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

function checkedCounts(options: LatencyOptions): { warmup: number; runs: number } {
  const warmup = options.warmup ?? 10;
  const runs = options.runs ?? 50;
  if (!Number.isInteger(warmup) || warmup < 0) throw new RangeError(`compress: latency warmup must be an integer >= 0, got ${warmup}`);
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`compress: latency runs must be a positive integer, got ${runs}`);
  return { warmup, runs };
}

function forwardOnce(model: Forward, input: Tensor): number {
  const start = performance.now();
  noGrad(() => scoresOf(model.forward(input)).dispose());
  return (performance.now() - start) * 1000;
}

function summary(times: number[]): Latency {
  const sorted = [...times].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const medianUs = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { medianUs, minUs: sorted[0]!, runs: sorted.length };
}

/** Times `model.forward(input)` under noGrad: `warmup` runs, then the median of `runs` timed ones. */
export function latency(model: Forward, input: Tensor, options: LatencyOptions = {}): Latency {
  return interleavedLatency([model], input, { ...options, rounds: 1 })[0]!;
}

/**
 * Times several models on the same input, interleaved: each is warmed up, then `rounds` rounds
 * each time every model `runs / rounds` times (rounded up), so that a busy moment of the machine
 * slows every model alike rather than the one measured then. One Latency per model, in order.
 */
export function interleavedLatency(
  models: readonly Forward[],
  input: Tensor,
  options: LatencyOptions & { rounds?: number } = {},
): Latency[] {
  const { warmup, runs } = checkedCounts(options);
  const rounds = Math.min(options.rounds ?? 5, runs);
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`compress: latency rounds must be a positive integer, got ${rounds}`);
  for (const model of models) for (let i = 0; i < warmup; i++) forwardOnce(model, input);
  const times = models.map((): number[] => []);
  const perRound = Math.ceil(runs / rounds);
  for (let round = 0; round < rounds; round++)
    models.forEach((model, m) => {
      for (let i = 0; i < perRound && times[m]!.length < runs; i++) times[m]!.push(forwardOnce(model, input));
    });
  return times.map(summary);
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
