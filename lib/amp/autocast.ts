/**
 * torch.autocast: runs a region with LibTorch's automatic mixed precision, so that matmuls and
 * convolutions compute in bfloat16 (CPU) or float16 (CUDA) while reductions and losses stay in
 * float32, the op lists being LibTorch's own.
 *
 * The state is LibTorch's thread-local autocast state: it covers the ops that run synchronously on
 * the JS thread (what `forward` does), not async ops, which run on worker threads. A region whose
 * function returns a promise stays open until the promise settles, so other work the event loop
 * runs meanwhile is autocast too, as with a Python context manager held across `await`.
 * @module
 */
import { native, type DTypeName } from '../native.js';
import { cuda } from '../tensor/runtime.js';

/** The device types autocast has (PyTorch's `device_type`). */
export type AutocastDevice = 'cpu' | 'cuda';

/** Options of {@link autocast}. */
export interface AutocastOptions {
  /** The lower precision: 'bfloat16' (CPU default) or 'float16' (CUDA default). */
  dtype?: 'bfloat16' | 'float16';
  /** Whether autocast is on in the region (default true); false runs the region in full precision. */
  enabled?: boolean;
}

const DEFAULT_DTYPE: Record<AutocastDevice, 'bfloat16' | 'float16'> = { cpu: 'bfloat16', cuda: 'float16' };

/** Runs `fn` under autocast for `deviceType`; returns what `fn` returns. */
export function autocast<T>(deviceType: AutocastDevice, fn: () => T): T;
/** Runs `fn` under autocast for `deviceType` with `options`. */
export function autocast<T>(deviceType: AutocastDevice, options: AutocastOptions, fn: () => T): T;
export function autocast<T>(deviceType: AutocastDevice, optionsOrFn: AutocastOptions | (() => T), maybeFn?: () => T): T {
  const fn = typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn;
  const options = typeof optionsOrFn === 'function' ? {} : optionsOrFn;
  if (typeof fn !== 'function') throw new TypeError('autocast: the last argument must be the function to run');
  const exit = enterAutocast(deviceType, options);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    exit();
    throw error;
  }
  if (isPromise(result)) return result.finally(exit) as T;
  exit();
  return result;
}

/**
 * Opens an autocast region and returns the function that closes it (restoring the state before).
 * For code that cannot wrap its region in one function, such as the Trainer's steps.
 */
export function enterAutocast(deviceType: AutocastDevice, options: AutocastOptions = {}): () => void {
  checkDevice(deviceType);
  const dtype = options.dtype ?? DEFAULT_DTYPE[deviceType];
  if (dtype !== 'bfloat16' && dtype !== 'float16')
    throw new TypeError(`autocast: dtype must be 'bfloat16' or 'float16', got ${String(dtype)}`);
  if (deviceType === 'cpu' && dtype === 'float16' && native.config().torchVersion.startsWith('1.'))
    throw new Error(`autocast: CPU autocast in LibTorch ${native.config().torchVersion} supports only bfloat16`);
  const previous = native.autocastGet(deviceType);
  native.autocastSet(deviceType, options.enabled ?? true, dtype);
  native.autocastEnter();
  let open = true;
  return () => {
    if (!open) return;
    open = false;
    native.autocastExit();
    native.autocastSet(deviceType, previous.enabled, previous.dtype);
  };
}

/** Whether autocast is on for `deviceType` (PyTorch's `torch.is_autocast_enabled(device_type)`). */
export function isAutocastEnabled(deviceType: AutocastDevice = 'cuda'): boolean {
  checkDevice(deviceType, false);
  return native.autocastGet(deviceType).enabled;
}

/** The dtype autocast casts to on `deviceType` (PyTorch's `torch.get_autocast_dtype`). */
export function getAutocastDtype(deviceType: AutocastDevice): DTypeName {
  checkDevice(deviceType, false);
  return native.autocastGet(deviceType).dtype;
}

function checkDevice(deviceType: AutocastDevice, needsCuda = true): void {
  if (deviceType !== 'cpu' && deviceType !== 'cuda')
    throw new TypeError(`autocast: device type must be 'cpu' or 'cuda', got ${String(deviceType)}`);
  if (needsCuda && deviceType === 'cuda' && !cuda.isAvailable())
    throw new Error("autocast: device type 'cuda' was asked for, but CUDA is not available; use 'cpu' (bfloat16)");
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as Promise<unknown>).then === 'function';
}
