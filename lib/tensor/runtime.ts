import { addonPath, native, type NativeConfig, type NativeMemory } from '../native.js';

/** The LibTorch build and process settings, as `torch.config()` reports them. */
export interface Config extends NativeConfig {
  /** The addon file in use. */
  addonPath: string;
}

/** LibTorch version, CUDA, BLAS library, thread counts, quantized engines, malloc tuning. */
export function config(): Config {
  return { ...native.config(), addonPath };
}

/** Sets the intra-op thread count of LibTorch and of the BLAS library together. */
export function setNumThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) throw new TypeError(`setNumThreads: threads must be a positive integer, got ${threads}`);
  native.setNumThreads(threads);
}

/** The intra-op thread count. */
export function getNumThreads(): number {
  return native.getNumThreads();
}

/** Live tensor handles, distinct storages and their bytes (each storage counted once), and the CPU allocator's totals. */
export function memory(): NativeMemory {
  return native.memory();
}

/** Returns the CPU allocator's cached free blocks to the system. */
export function emptyCache(): void {
  native.emptyCache();
}

/** torch.cuda */
export const cuda = {
  /** Whether this LibTorch build has CUDA and a GPU is visible. */
  isAvailable(): boolean {
    return native.cudaIsAvailable();
  },
  /** Number of visible CUDA devices (0 without CUDA). */
  deviceCount(): number {
    return native.cudaDeviceCount();
  },
};
