/** The value of a monitored key, or an error that lists the keys that were logged. */
import type { Trainer } from '../trainer.js';

/** Reads `key` from the trainer's callback metrics; `who` names the callback in the error. */
export function monitored(trainer: Trainer, key: string, who: string): number {
  const value = trainer.callbackMetrics.get(key);
  if (value === undefined) {
    const logged = [...trainer.callbackMetrics.keys()];
    throw new Error(`${who}: monitor '${key}' was never logged; logged keys: ${logged.length ? logged.join(', ') : 'none'}`);
  }
  return value;
}

/** Whether `candidate` improves on `best` in `mode` by more than `minDelta`. */
export function improves(candidate: number, best: number, mode: 'min' | 'max', minDelta = 0): boolean {
  return mode === 'min' ? candidate < best - minDelta : candidate > best + minDelta;
}
