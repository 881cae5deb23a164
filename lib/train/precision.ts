/**
 * Device and precision, resolved once into a plain record (no plugin objects): what the Trainer
 * runs on and in which arithmetic.
 * @module
 */
import { cuda } from '../tensor/runtime.js';

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
  if (precision === 'bf16-mixed' || precision === '16-mixed')
    throw new Error(`Trainer: precision '${precision}' (autocast) is not available in this version yet; use '32-true'`);
  let resolved: string;
  if (device === 'auto') resolved = cuda.isAvailable() ? 'cuda' : 'cpu';
  else if (device === 'cpu') resolved = 'cpu';
  else if (typeof device === 'string' && /^cuda(:\d+)?$/.test(device)) {
    if (!cuda.isAvailable()) throw new Error(`Trainer: device '${device}' was asked for, but CUDA is not available`);
    resolved = device;
  } else throw new TypeError(`Trainer: unknown device '${String(device)}'; expected 'cpu', 'cuda', 'cuda:N' or 'auto'`);
  return { device: resolved, precision: precision === '32' ? '32-true' : precision === '64' ? '64-true' : precision };
}
