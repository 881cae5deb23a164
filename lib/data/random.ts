/**
 * The random draws of the data pipeline. On the main thread they come from LibTorch's default
 * generator (so `torch.manualSeed` makes them reproducible, and they match PyTorch's draws); inside a
 * DataLoader worker they come from the worker's own {@link Generator}, seeded like PyTorch seeds its
 * worker processes (base seed + worker id).
 */
import { aten } from '../ops/surface.js';
import { native } from '../native.js';
import { empty } from '../tensor/creation.js';
import type { Generator } from './generator.js';
import { getWorkerInfo } from './worker-info.js';

/** The generator random transforms use here: the worker's, or undefined for LibTorch's default generator. */
function transformGenerator(): Generator | undefined {
  return getWorkerInfo()?.generator;
}

/** A float32-precision uniform sample in [0, 1), like `torch.rand(1).item()`. */
export function randomFloat(generator: Generator | undefined = transformGenerator()): number {
  if (generator) return generator.uniformFloat();
  return native.draw.uniform();
}

/** A uniform sample in [low, high), like `torch.empty(1).uniform_(low, high).item()`. */
export function randomUniform(low: number, high: number, generator: Generator | undefined = transformGenerator()): number {
  return randomFloat(generator) * (high - low) + low;
}

/** An integer uniform in [low, high), like `torch.randint(low, high, (1,)).item()`. */
export function randomInt(low: number, high: number, generator: Generator | undefined = transformGenerator()): number {
  if (generator) return generator.randint(low, high);
  return native.draw.int(low, high);
}

/**
 * A non-negative int64 seed, as PyTorch draws one with `torch.empty((), dtype=torch.int64).random_(generator=g)`:
 * from `generator`, or from LibTorch's default generator when it is undefined.
 */
export function drawSeed(generator?: Generator): bigint {
  if (generator) return generator.seedDraw();
  const holder = empty([], { dtype: 'int64' });
  try {
    aten.random_.default(holder);
    return (holder.toTypedArray() as BigInt64Array)[0]!;
  } finally {
    holder.dispose();
  }
}
