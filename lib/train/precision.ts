/**
 * Device and precision, resolved once into a plain record (no plugin objects): what the Trainer
 * runs on and in which arithmetic, and the few things that follow from it: moving the module and
 * each batch, opening the autocast region around steps, and the gradient scaler for '16-mixed'.
 * @module
 */
import { enterAutocast } from '../amp/autocast.js';
import { GradScaler } from '../amp/grad-scaler.js';
import type { Module } from '../nn/module.js';
import { cuda } from '../tensor/runtime.js';
import { Tensor } from '../tensor/tensor.js';
import type { Device } from '../tensor/types.js';

/** Lightning's precision names. */
export type Precision = '32' | '32-true' | '64' | '64-true' | 'bf16-mixed' | '16-mixed';

/** The resolved device and precision. */
export interface Resolved {
  device: string;
  precision: Precision;
}

const KNOWN: readonly Precision[] = ['32', '32-true', '64', '64-true', 'bf16-mixed', '16-mixed'];

/** Checks and resolves `device` ('cpu', 'cuda', 'cuda:N', 'auto') and `precision`. */
export function resolvePrecision(device: string, precision: Precision): Resolved {
  if (!KNOWN.includes(precision))
    throw new TypeError(`Trainer: unknown precision '${String(precision)}'; expected one of ${KNOWN.join(', ')}`);
  let resolved: string;
  if (device === 'auto') resolved = cuda.isAvailable() ? 'cuda' : 'cpu';
  else if (device === 'cpu') resolved = 'cpu';
  else if (typeof device === 'string' && /^cuda(:\d+)?$/.test(device)) {
    if (!cuda.isAvailable()) throw new Error(`Trainer: device '${device}' was asked for, but CUDA is not available`);
    resolved = device;
  } else throw new TypeError(`Trainer: unknown device '${String(device)}'; expected 'cpu', 'cuda', 'cuda:N' or 'auto'`);
  // As Lightning: float16 autocast needs a GPU; bfloat16 is the CPU's mixed precision.
  if (precision === '16-mixed' && resolved === 'cpu')
    throw new Error("Trainer: precision '16-mixed' needs a CUDA device; on CPU use 'bf16-mixed'");
  return { device: resolved, precision: precision === '32' ? '32-true' : precision === '64' ? '64-true' : precision };
}

/** Moves `module` to the device, and to float64 for '64-true' (in place, so optimizers built later see it). */
export function prepareModule(module: Module, resolved: Resolved): void {
  module.to({ device: resolved.device as Device, dtype: resolved.precision === '64-true' ? 'float64' : undefined });
}

/**
 * `batch` with its tensors (in arrays and plain objects, at any depth) on the device, and floating
 * ones in float64 for '64-true'. Returns the batch itself when nothing needs to move.
 */
export function transferBatch(batch: unknown, resolved: Resolved): unknown {
  if (resolved.device === 'cpu' && resolved.precision !== '64-true') return batch;
  const double = resolved.precision === '64-true';
  const move = (value: unknown): unknown => {
    if (value instanceof Tensor) {
      const floating = value.dtype === 'float32' || value.dtype === 'float16' || value.dtype === 'bfloat16';
      return value.to({ device: resolved.device as Device, dtype: double && floating ? 'float64' : undefined });
    }
    if (Array.isArray(value)) return value.map(move);
    if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype)
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, move(item)]));
    return value;
  };
  return move(batch);
}

/** Runs `step` inside the precision's autocast region (bfloat16 or float16), or as is for the true precisions. */
export async function inPrecision<T>(resolved: Resolved, step: () => T | Promise<T>): Promise<T> {
  if (resolved.precision !== 'bf16-mixed' && resolved.precision !== '16-mixed') return await step();
  const deviceType = resolved.device.startsWith('cuda') ? 'cuda' : 'cpu';
  const exit = enterAutocast(deviceType, { dtype: resolved.precision === 'bf16-mixed' ? 'bfloat16' : 'float16' });
  try {
    return await step();
  } finally {
    exit();
  }
}

/** The gradient scaler '16-mixed' trains with (PyTorch's defaults), or null. */
export function gradScalerFor(resolved: Resolved): GradScaler | null {
  return resolved.precision === '16-mixed' ? new GradScaler('cuda') : null;
}
