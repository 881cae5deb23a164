/** The native optimizers with PyTorch's names, options and defaults (validated at construction). */
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, type OptionSpec, type ParamGroupInput } from './optimizer.js';

const nonNegative = (value: unknown) => ((value as number) < 0 ? 'must be >= 0' : null);
const unit = (value: unknown) => ((value as number) < 0 || (value as number) >= 1 ? 'must be in [0, 1)' : null);
const betas = (value: unknown) => {
  const [b1, b2] = value as [number, number];
  return b1 < 0 || b1 >= 1 || b2 < 0 || b2 >= 1 ? 'must both be in [0, 1)' : null;
};

/** What an optimizer is built from: tensors, or parameter groups (like PyTorch's params argument). */
export type Params = Iterable<Tensor> | Iterable<ParamGroupInput>;

/** Options of SGD. */
export interface SGDOptions {
  /** Learning rate (required, as in PyTorch 1.13). */
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). */
  nesterov?: boolean;
}

/** Stochastic gradient descent, optionally with momentum, like torch.optim.SGD. */
export class SGD extends Optimizer {
  static readonly specs: Record<string, OptionSpec> = {
    lr: { default: 0.01, check: nonNegative },
    momentum: { default: 0, check: nonNegative },
    dampening: { default: 0 },
    weightDecay: { default: 0, check: nonNegative },
    nesterov: { default: false },
  };

  /** Optimizes `params` (tensors or parameter groups); `options.lr` is required, the rest default to 0/false. */
  constructor(params: Params, options: SGDOptions) {
    if (options?.lr === undefined) throw new TypeError('SGD: options.lr is required');
    // LibTorch rejects nesterov without momentum or with dampening, with PyTorch's message.
    super('sgd', SGD.specs, params, options as unknown as Record<string, unknown>);
  }
}

/** Options of Adam and AdamW. */
export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
}

/** Adam, like torch.optim.Adam (lr 1e-3, betas [0.9, 0.999], eps 1e-8). */
export class Adam extends Optimizer {
  static readonly specs: Record<string, OptionSpec> = {
    lr: { default: 1e-3, check: nonNegative },
    betas: { default: [0.9, 0.999], check: betas },
    eps: { default: 1e-8, check: nonNegative },
    weightDecay: { default: 0, check: nonNegative },
    amsgrad: { default: false },
  };

  /** Optimizes `params` (tensors or parameter groups); options default to lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0. */
  constructor(params: Params, options: AdamOptions = {}) {
    super('adam', Adam.specs, params, options as Record<string, unknown>);
  }
}

/** Adam with decoupled weight decay, like torch.optim.AdamW (weight decay 1e-2). */
export class AdamW extends Optimizer {
  static readonly specs: Record<string, OptionSpec> = { ...Adam.specs, weightDecay: { default: 1e-2, check: nonNegative } };

  /** Optimizes `params` (tensors or parameter groups); options default as Adam's but weightDecay 1e-2. */
  constructor(params: Params, options: AdamOptions = {}) {
    super('adamw', AdamW.specs, params, options as Record<string, unknown>);
  }
}

/** Options of RMSprop. */
export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
}

/** RMSprop, like torch.optim.RMSprop (lr 1e-2, alpha 0.99). */
export class RMSprop extends Optimizer {
  static readonly specs: Record<string, OptionSpec> = {
    lr: { default: 1e-2, check: nonNegative },
    alpha: { default: 0.99, check: unit },
    eps: { default: 1e-8, check: nonNegative },
    weightDecay: { default: 0, check: nonNegative },
    momentum: { default: 0, check: nonNegative },
    centered: { default: false },
  };

  /** Optimizes `params` (tensors or parameter groups); options default to lr 1e-2, alpha 0.99, eps 1e-8, the rest 0/false. */
  constructor(params: Params, options: RMSpropOptions = {}) {
    super('rmsprop', RMSprop.specs, params, options as Record<string, unknown>);
  }
}

/** Options of Adagrad. */
export interface AdagradOptions {
  lr?: number;
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
}

/** Adagrad, like torch.optim.Adagrad (lr 1e-2, eps 1e-10). */
export class Adagrad extends Optimizer {
  static readonly specs: Record<string, OptionSpec> = {
    lr: { default: 1e-2, check: nonNegative },
    lrDecay: { default: 0, check: nonNegative },
    weightDecay: { default: 0, check: nonNegative },
    initialAccumulatorValue: { default: 0, check: nonNegative },
    eps: { default: 1e-10, check: nonNegative },
  };

  /** Optimizes `params` (tensors or parameter groups); options default to lr 1e-2, eps 1e-10, the rest 0. */
  constructor(params: Params, options: AdagradOptions = {}) {
    super('adagrad', Adagrad.specs, params, options as Record<string, unknown>);
  }
}
