/** Normalization layers and Embedding. */
import { aten } from '../../ops/surface.js';
import { empty, ones, tensor, zeros } from '../../tensor/creation.js';
import { noGrad } from '../../tensor/autograd.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional.js';
import * as init from '../init.js';
import { Module, pyRepr } from '../module.js';
import type { PlanStep } from '../sequential-plan.js';
import { positiveInt, type FactoryOptions } from './linear.js';

/** Options of BatchNorm1d/2d/3d. */
export interface BatchNormOptions extends FactoryOptions {
  eps?: number;
  /** Weight of the newest batch in the running statistics; null keeps a cumulative average. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}

abstract class BatchNorm extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  readonly numBatchesTracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;

  protected constructor(
    readonly numFeatures: number,
    private readonly inputDims: number[],
    options: BatchNormOptions,
  ) {
    super();
    positiveInt(this.constructor.name, 'numFeatures', numFeatures);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    const factory = { device: options.device, dtype: options.dtype };
    const affine = options.affine ?? true;
    this.weight = this.registerParameter('weight', affine ? ones([numFeatures], factory) : null);
    this.bias = this.registerParameter('bias', affine ? zeros([numFeatures], factory) : null);
    const track = options.trackRunningStats ?? true;
    this.runningMean = this.registerBuffer('running_mean', track ? zeros([numFeatures], factory) : null);
    this.runningVar = this.registerBuffer('running_var', track ? ones([numFeatures], factory) : null);
    this.numBatchesTracked = this.registerBuffer(
      'num_batches_tracked',
      track ? tensor(0, { dtype: 'int64', device: options.device }) : null,
    );
  }

  forward(input: Tensor): Tensor {
    if (!this.inputDims.includes(input.dim())) {
      throw new RangeError(`${this.constructor.name}: expected ${this.inputDims.join('D or ')}D input, got ${input.dim()}D`);
    }
    let momentum = this.momentum ?? 0;
    if (this.training && this.numBatchesTracked) {
      noGrad(() => this.numBatchesTracked!.add_(1));
      if (this.momentum === null) momentum = 1 / this.numBatchesTracked.item();
    }
    // Without running statistics, batch statistics are used in eval mode too (as in PyTorch).
    return F.batchNorm(input, this.runningMean, this.runningVar, {
      weight: this.weight,
      bias: this.bias,
      training: this.training || !this.runningMean,
      momentum,
      eps: this.eps,
    });
  }

  override nativeStep(): PlanStep | null {
    if (this.momentum === null) return null; // the cumulative average needs the batch count in JS
    return {
      kind: 'batch_norm',
      name: this.constructor.name,
      weight: this.weight,
      bias: this.bias,
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      numBatchesTracked: this.numBatchesTracked,
      momentum: this.momentum,
      eps: this.eps,
      training: this.training,
      inputDims: this.inputDims,
    };
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyRepr(this.eps)}, momentum=${pyRepr(this.momentum)}, affine=${pyRepr(this.weight !== null)}, track_running_stats=${pyRepr(this.runningMean !== null)}`;
  }
}

/** Batch normalization over (N, C) or (N, C, L) input, per channel, like nn.BatchNorm1d. */
export class BatchNorm1d extends BatchNorm {
  /** `numFeatures` is C. Options: eps 1e-5, momentum 0.1, affine true, trackRunningStats true, device and dtype. */
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, [2, 3], options);
  }
}
/** Batch normalization over (N, C, H, W) input, per channel, like nn.BatchNorm2d. */
export class BatchNorm2d extends BatchNorm {
  /** `numFeatures` is C. Options: eps 1e-5, momentum 0.1, affine true, trackRunningStats true, device and dtype. */
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, [4], options);
  }
}

/** Batch normalization over (N, C, D, H, W) input, per channel, like nn.BatchNorm3d. */
export class BatchNorm3d extends BatchNorm {
  /** `numFeatures` is C. Options: eps 1e-5, momentum 0.1, affine true, trackRunningStats true, device and dtype. */
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, [5], options);
  }
}

/** Normalizes over the last dims (normalizedShape), with an elementwise affine transform. */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;

  /** Normalizes over trailing dims of `normalizedShape`; options: eps 1e-5, elementwiseAffine true, device and dtype. */
  constructor(
    normalizedShape: number | readonly number[],
    readonly options: { eps?: number; elementwiseAffine?: boolean } & FactoryOptions = {},
  ) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    const factory = { device: options.device, dtype: options.dtype };
    const affine = options.elementwiseAffine ?? true;
    this.weight = this.registerParameter('weight', affine ? ones(this.normalizedShape, factory) : null);
    this.bias = this.registerParameter('bias', affine ? zeros(this.normalizedShape, factory) : null);
  }
  forward(input: Tensor): Tensor {
    return F.layerNorm(input, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.options.eps ?? 1e-5 });
  }
  override nativeStep(): PlanStep {
    return {
      kind: 'layer_norm',
      name: 'LayerNorm',
      weight: this.weight,
      bias: this.bias,
      normalizedShape: this.normalizedShape,
      eps: this.options.eps ?? 1e-5,
    };
  }
  override extraRepr(): string {
    return `(${this.normalizedShape.join(', ')},), eps=${pyRepr(this.options.eps ?? 1e-5)}, elementwise_affine=${pyRepr(this.weight !== null)}`;
  }
}

/** Normalizes channel groups. */
export class GroupNorm extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;

  /** Splits `numChannels` (divisible by `numGroups`) into `numGroups` groups; options: eps 1e-5, affine true, device and dtype. */
  constructor(
    readonly numGroups: number,
    readonly numChannels: number,
    readonly options: { eps?: number; affine?: boolean } & FactoryOptions = {},
  ) {
    super();
    if (numChannels % numGroups)
      throw new RangeError(`GroupNorm: numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`);
    const factory = { device: options.device, dtype: options.dtype };
    const affine = options.affine ?? true;
    this.weight = this.registerParameter('weight', affine ? ones([numChannels], factory) : null);
    this.bias = this.registerParameter('bias', affine ? zeros([numChannels], factory) : null);
  }
  forward(input: Tensor): Tensor {
    return F.groupNorm(input, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.options.eps ?? 1e-5 });
  }
}

/** A lookup table of `numEmbeddings` vectors, initialized N(0, 1) (the padding row zero). */
export class Embedding extends Module {
  readonly weight: Tensor;
  readonly paddingIdx: number | null;

  /** `numEmbeddings` vectors of size `embeddingDim`; options as nn.Embedding (paddingIdx, maxNorm, normType 2, ...), device and dtype. */
  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    readonly options: {
      paddingIdx?: number | null;
      maxNorm?: number | null;
      normType?: number;
      scaleGradByFreq?: boolean;
      sparse?: boolean;
    } & FactoryOptions = {},
  ) {
    super();
    positiveInt('Embedding', 'numEmbeddings', numEmbeddings);
    positiveInt('Embedding', 'embeddingDim', embeddingDim);
    const padding = options.paddingIdx ?? null;
    if (padding !== null && (padding >= numEmbeddings || padding < -numEmbeddings))
      throw new RangeError(`Embedding: paddingIdx must be within numEmbeddings (${numEmbeddings}), got ${padding}`);
    this.paddingIdx = padding === null ? null : padding < 0 ? padding + numEmbeddings : padding;
    this.weight = this.registerParameter('weight', empty([numEmbeddings, embeddingDim], { device: options.device, dtype: options.dtype }));
    init.normal_(this.weight);
    if (this.paddingIdx !== null) noGrad(() => aten.fill_.Scalar(this.weight.index(this.paddingIdx), 0));
  }
  forward(input: Tensor): Tensor {
    return F.embedding(input, this.weight, { ...this.options, paddingIdx: this.paddingIdx });
  }
  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ''}`;
  }
}
