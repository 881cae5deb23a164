/**
 * torch.backends.quantized: the quantized engine (kernel library) quantized ops use. nodetorch
 * starts on the best one the LibTorch build has (x86 or fbgemm on official 2.x builds, onednn on
 * Debian's; qnnpack, slow on x86, only when nothing else exists). Set it before prepacking weights:
 * packed weights belong to the engine they were packed for.
 */
import { native } from '../native.js';

/** The engine in use ('onednn', 'x86', 'fbgemm', 'qnnpack'), as `torch.backends.quantized.engine`. */
export function getEngine(): string {
  return native.quantizedEngine();
}

/** Selects the engine; an engine this build lacks is an error naming the ones it has. */
export function setEngine(engine: string): void {
  native.setQuantizedEngine(engine);
}

/** The engines this build supports, as `torch.backends.quantized.supported_engines` (with 'none'). */
export function supportedEngines(): string[] {
  return [...native.config().quantizedEngines, 'none'];
}

/** PyTorch's object form: `torch.backends.quantized.engine = 'onednn'`. */
export const quantized = {
  /** The engine in use. */
  get engine(): string {
    return getEngine();
  },
  /** Selects the engine (an error names the supported ones for another). */
  set engine(engine: string) {
    setEngine(engine);
  },
  /** The engines this build supports, with 'none'. */
  get supportedEngines(): string[] {
    return supportedEngines();
  },
};
