/**
 * CustomFromMask: prunes with a mask the caller computed (what globalUnstructured applies to each
 * tensor), as in torch.nn.utils.prune.
 * @module
 */
import type { Device } from '../../../tensor/types.js';
import { Tensor } from '../../../tensor/tensor.js';
import { describeValue } from '../../../util/validate.js';
import { BasePruningMethod, type PruningType } from './base.js';

/** Options of CustomFromMask. */
export interface CustomFromMaskOptions {
  /** The mask, of the pruned tensor's shape: 0 (or false) where an entry is pruned. */
  mask: Tensor;
}

/** Prunes the entries where `mask` is 0, on top of earlier pruning. */
export class CustomFromMask extends BasePruningMethod {
  /** Composes as a global method (on the whole tensor). */
  readonly pruningType: PruningType = 'global';
  /** The mask given. */
  readonly mask: Tensor;
  /** Keeps `mask` (its shape is checked against the tensor's). */
  constructor(options: CustomFromMaskOptions) {
    super();
    if (!(options?.mask instanceof Tensor))
      throw new TypeError(`prune.CustomFromMask: mask must be a Tensor, got ${describeValue(options?.mask)}`);
    this.mask = options.mask;
  }
  /** `defaultMask * mask`. */
  computeMask(_t: Tensor, defaultMask: Tensor): Tensor {
    if (defaultMask.shape.join() !== this.mask.shape.join())
      throw new Error(
        `prune.CustomFromMask: the mask's shape [${this.mask.shape.join(', ')}] is not the tensor's [${defaultMask.shape.join(', ')}]`,
      );
    return defaultMask.mul(this.mask.to({ dtype: defaultMask.dtype, device: defaultMask.device as Device }));
  }
}
