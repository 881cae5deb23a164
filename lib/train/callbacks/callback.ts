/**
 * torch.train.callbacks.Callback: subclass it and implement any of Lightning's hooks (camelCase),
 * each called with the trainer and the module (and the hook's own arguments after them).
 * @module
 */
import type { LightningModule } from '../lightning-module.js';
import type { Trainer } from '../trainer.js';

/** A hook: the trainer, the module, then the hook's own arguments. */
export type CallbackHook = (trainer: Trainer, module: LightningModule, ...args: never[]) => void | Promise<void>;

/** Base class of callbacks. State returned by `stateDict` is saved in checkpoints under `stateKey`. */
export class Callback {
  /** The key of this callback's state in a checkpoint's `callbacks` (default: the class name). */
  get stateKey(): string {
    return this.constructor.name;
  }
  /** State to save in checkpoints (default none). */
  stateDict(): Record<string, unknown> {
    return {};
  }
  /** Restores what `stateDict` returned. */
  loadStateDict(_state: Record<string, unknown>): void {}
}
