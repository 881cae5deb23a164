/**
 * torch.ao.nn.intrinsic: the modules `fuseModules` makes. Each is a Sequential of the layers it
 * fuses (so `fused.at(0)` is the conv), whose forward is theirs in order; quantization swaps them
 * for quantized kernels that run the pair as one.
 * @module
 */
import { Conv1d, Conv2d, Conv3d } from '../../../nn/layers/conv.js';
import { Sequential } from '../../../nn/layers/container.js';
import { Linear } from '../../../nn/layers/linear.js';
import { ReLU } from '../../../nn/layers/activation.js';
import { BatchNorm2d, BatchNorm3d } from '../../../nn/layers/normalization.js';
import type { Module } from '../../../nn/module.js';

/** A class of modules, as the fused modules name the layers they hold. */
export type ModuleClass<M extends Module = Module> = abstract new (...args: never[]) => M;

/** Base of the fused modules (PyTorch's `_FusedModule`): a Sequential whose layers have fixed classes. */
export abstract class FusedModule extends Sequential {
  /**
   * Holds `modules` in order, each exactly of the class at the same place in `classes` (a subclass is
   * refused, as PyTorch compares types), else a TypeError naming what it got.
   */
  protected constructor(classes: readonly ModuleClass[], modules: readonly Module[]) {
    const got = modules.map((module) => (module as object).constructor);
    if (got.length !== classes.length || got.some((cls, i) => cls !== classes[i]))
      throw new TypeError(
        `${new.target.name}: expected (${classes.map((cls) => cls.name).join(', ')}), got (${got.map((cls) => cls.name).join(', ')})`,
      );
    super(...modules);
  }
}

/** Conv1d then ReLU, as torch.ao.nn.intrinsic.ConvReLU1d. */
export class ConvReLU1d extends FusedModule {
  /** Holds `conv` (a Conv1d) and `relu` (a ReLU). */
  constructor(conv: Conv1d, relu: ReLU) {
    super([Conv1d, ReLU], [conv, relu]);
  }
}
/** Conv2d then ReLU, as torch.ao.nn.intrinsic.ConvReLU2d. */
export class ConvReLU2d extends FusedModule {
  /** Holds `conv` (a Conv2d) and `relu` (a ReLU). */
  constructor(conv: Conv2d, relu: ReLU) {
    super([Conv2d, ReLU], [conv, relu]);
  }
}
/** Conv3d then ReLU, as torch.ao.nn.intrinsic.ConvReLU3d. */
export class ConvReLU3d extends FusedModule {
  /** Holds `conv` (a Conv3d) and `relu` (a ReLU). */
  constructor(conv: Conv3d, relu: ReLU) {
    super([Conv3d, ReLU], [conv, relu]);
  }
}
/** Linear then ReLU, as torch.ao.nn.intrinsic.LinearReLU. */
export class LinearReLU extends FusedModule {
  /** Holds `linear` (a Linear) and `relu` (a ReLU). */
  constructor(linear: Linear, relu: ReLU) {
    super([Linear, ReLU], [linear, relu]);
  }
}
/** BatchNorm2d then ReLU, as torch.ao.nn.intrinsic.BNReLU2d. */
export class BNReLU2d extends FusedModule {
  /** Holds `batchNorm` (a BatchNorm2d) and `relu` (a ReLU). */
  constructor(batchNorm: BatchNorm2d, relu: ReLU) {
    super([BatchNorm2d, ReLU], [batchNorm, relu]);
  }
}
/** BatchNorm3d then ReLU, as torch.ao.nn.intrinsic.BNReLU3d. */
export class BNReLU3d extends FusedModule {
  /** Holds `batchNorm` (a BatchNorm3d) and `relu` (a ReLU). */
  constructor(batchNorm: BatchNorm3d, relu: ReLU) {
    super([BatchNorm3d, ReLU], [batchNorm, relu]);
  }
}
/** Conv2d then BatchNorm2d, unfolded (quantization-aware training keeps the batch norm), as torch.ao.nn.intrinsic.ConvBn2d. */
export class ConvBn2d extends FusedModule {
  /** Holds `conv` (a Conv2d) and `batchNorm` (a BatchNorm2d). */
  constructor(conv: Conv2d, batchNorm: BatchNorm2d) {
    super([Conv2d, BatchNorm2d], [conv, batchNorm]);
  }
}
/** Conv2d, BatchNorm2d, ReLU, unfolded, as torch.ao.nn.intrinsic.ConvBnReLU2d. */
export class ConvBnReLU2d extends FusedModule {
  /** Holds `conv` (a Conv2d), `batchNorm` (a BatchNorm2d) and `relu` (a ReLU). */
  constructor(conv: Conv2d, batchNorm: BatchNorm2d, relu: ReLU) {
    super([Conv2d, BatchNorm2d, ReLU], [conv, batchNorm, relu]);
  }
}
