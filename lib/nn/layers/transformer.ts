/** MultiheadAttention, TransformerEncoderLayer and TransformerEncoder, following PyTorch's math and parameter names. */
import { empty } from '../../tensor/creation.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as F from '../functional.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import { Dropout } from './activation.js';
import { Linear, positiveInt, type FactoryOptions } from './linear.js';
import { ModuleList } from './container.js';
import { LayerNorm } from './normalization.js';

/** Options of MultiheadAttention. */
export interface MultiheadAttentionOptions extends FactoryOptions {
  dropout?: number;
  bias?: boolean;
  batchFirst?: boolean;
}

/** Options of a MultiheadAttention forward. */
export interface AttentionForwardOptions {
  /** (batch, S): true where a key is padding and must be ignored (or an additive float mask). */
  keyPaddingMask?: Tensor | null;
  /** Also return the attention weights (default true). */
  needWeights?: boolean;
  /** (L, S) or (batch*heads, L, S): true where attention is NOT allowed (or an additive float mask). */
  attnMask?: Tensor | null;
  /** Average the returned weights over heads (default true). */
  averageAttnWeights?: boolean;
}

/** Attention over `numHeads` heads, like torch.nn.MultiheadAttention (query, key and value of size embedDim). */
export class MultiheadAttention extends Module {
  readonly inProjWeight: Tensor;
  readonly inProjBias: Tensor | null;
  readonly outProj: Linear;
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;

  /** `embedDim` split over `numHeads` heads (it must divide); options: dropout 0, bias true, batchFirst false, device and dtype. */
  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    options: MultiheadAttentionOptions = {},
  ) {
    super();
    positiveInt('MultiheadAttention', 'embedDim', embedDim);
    positiveInt('MultiheadAttention', 'numHeads', numHeads);
    if (embedDim % numHeads) throw new RangeError(`MultiheadAttention: embedDim (${embedDim}) must be divisible by numHeads (${numHeads})`);
    this.headDim = embedDim / numHeads;
    this.dropout = options.dropout ?? 0;
    this.batchFirst = options.batchFirst ?? false;
    const factory = { device: options.device, dtype: options.dtype };
    const bias = options.bias ?? true;
    this.inProjWeight = this.registerParameter('in_proj_weight', empty([3 * embedDim, embedDim], factory));
    this.inProjBias = this.registerParameter('in_proj_bias', bias ? empty([3 * embedDim], factory) : null);
    this.outProj = this.registerModule('out_proj', new Linear(embedDim, embedDim, { bias, ...factory }));
    // PyTorch's _reset_parameters, after out_proj's own initialization.
    init.xavierUniform_(this.inProjWeight);
    if (this.inProjBias) init.constant_(this.inProjBias, 0);
    if (this.outProj.bias) init.constant_(this.outProj.bias, 0);
  }

  /** forward(query, key, value, options) -> [output, weights | null]. */
  forward(query: Tensor, key: Tensor, value: Tensor, options: AttentionForwardOptions = {}): [Tensor, Tensor | null] {
    const { keyPaddingMask = null, needWeights = true, attnMask = null, averageAttnWeights = true } = options;
    // Work in (seq, batch, embed) like PyTorch's functional core.
    const [q0, k0, v0] = this.batchFirst ? [query, key, value].map((t) => t.transpose(0, 1)) : [query, key, value];
    const [L, , E] = q0!.shape as [number, number, number];
    const S = k0!.size(0);
    if (E !== this.embedDim) throw new RangeError(`MultiheadAttention: expected embedding size ${this.embedDim}, got ${E}`);
    const [wq, wk, wv] = this.inProjWeight.chunk(3);
    const [bq, bk, bv] = this.inProjBias ? this.inProjBias.chunk(3) : [null, null, null];
    // -1 rather than the batch size as a number, so that torch.jit.trace records shapes that follow the batch.
    const heads = (t: Tensor, length: number) => t.reshape(length, -1, this.headDim).transpose(0, 1);
    const q = heads(F.linear(q0!, wq!, { bias: bq }), L);
    const k = heads(F.linear(k0!, wk!, { bias: bk }), S);
    const v = heads(F.linear(v0!, wv!, { bias: bv }), S);
    let scores = q.mul(1 / Math.sqrt(this.headDim)).bmm(k.transpose(1, 2)); // (N*H, L, S)
    if (attnMask) scores = attnMask.dtype === 'bool' ? scores.maskedFill(attnMask, -Infinity) : scores.add(attnMask);
    if (keyPaddingMask) {
      const perHead = scores.view(-1, this.numHeads, L, S);
      const mask = keyPaddingMask.view(-1, 1, 1, S);
      scores = (keyPaddingMask.dtype === 'bool' ? perHead.maskedFill(mask, -Infinity) : perHead.add(mask)).view(-1, L, S);
    }
    let weights = scores.softmax(-1);
    if (this.dropout > 0) weights = F.dropout(weights, { p: this.dropout, training: this.training });
    const attended = weights.bmm(v).transpose(0, 1).reshape(L, -1, E);
    let output = this.outProj.forward(attended);
    if (this.batchFirst) output = output.transpose(0, 1);
    if (!needWeights) return [output, null];
    const perHeadWeights = weights.view(-1, this.numHeads, L, S);
    return [output, averageAttnWeights ? perHeadWeights.mean(1) : perHeadWeights];
  }
}

/** Options of TransformerEncoderLayer. */
export interface TransformerEncoderLayerOptions extends FactoryOptions {
  dimFeedforward?: number;
  dropout?: number;
  activation?: 'relu' | 'gelu';
  layerNormEps?: number;
  batchFirst?: boolean;
  /** Pre-norm (LayerNorm before attention and feed-forward) instead of post-norm. */
  normFirst?: boolean;
}

/** Self-attention plus feed-forward with residuals and LayerNorm, like torch.nn.TransformerEncoderLayer. */
export class TransformerEncoderLayer extends Module {
  readonly selfAttn: MultiheadAttention;
  readonly linear1: Linear;
  readonly dropout: Dropout;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly dropout1: Dropout;
  readonly dropout2: Dropout;

  /**
   * Width `dModel` with `nhead` heads; options: dimFeedforward 2048, dropout 0.1, activation 'relu',
   * layerNormEps 1e-5, batchFirst, normFirst.
   */
  constructor(
    readonly dModel: number,
    readonly nhead: number,
    readonly options: TransformerEncoderLayerOptions = {},
  ) {
    super();
    const factory = { device: options.device, dtype: options.dtype };
    const p = options.dropout ?? 0.1;
    const ff = options.dimFeedforward ?? 2048;
    const eps = options.layerNormEps ?? 1e-5;
    if (options.activation && options.activation !== 'relu' && options.activation !== 'gelu') {
      throw new TypeError(`TransformerEncoderLayer: activation must be 'relu' or 'gelu', got '${options.activation}'`);
    }
    this.selfAttn = this.registerModule(
      'self_attn',
      new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst: options.batchFirst, ...factory }),
    );
    this.linear1 = this.registerModule('linear1', new Linear(dModel, ff, factory));
    this.dropout = this.registerModule('dropout', new Dropout(p));
    this.linear2 = this.registerModule('linear2', new Linear(ff, dModel, factory));
    this.norm1 = this.registerModule('norm1', new LayerNorm(dModel, { eps, ...factory }));
    this.norm2 = this.registerModule('norm2', new LayerNorm(dModel, { eps, ...factory }));
    this.dropout1 = this.registerModule('dropout1', new Dropout(p));
    this.dropout2 = this.registerModule('dropout2', new Dropout(p));
  }

  forward(src: Tensor, options: { srcMask?: Tensor | null; srcKeyPaddingMask?: Tensor | null } = {}): Tensor {
    const attend = (x: Tensor) =>
      this.dropout1.forward(
        this.selfAttn.forward(x, x, x, { attnMask: options.srcMask, keyPaddingMask: options.srcKeyPaddingMask, needWeights: false })[0],
      );
    const activation = (x: Tensor) => (this.options.activation === 'gelu' ? F.gelu(x) : F.relu(x));
    const feedForward = (x: Tensor) =>
      this.dropout2.forward(this.linear2.forward(this.dropout.forward(activation(this.linear1.forward(x)))));
    if (this.options.normFirst) {
      const x = src.add(attend(this.norm1.forward(src)));
      return x.add(feedForward(this.norm2.forward(x)));
    }
    const x = this.norm1.forward(src.add(attend(src)));
    return this.norm2.forward(x.add(feedForward(x)));
  }

  /** A new layer with the same options and a copy of these weights (PyTorch's deepcopy). */
  clone(): TransformerEncoderLayer {
    const copy = new TransformerEncoderLayer(this.dModel, this.nhead, this.options);
    copy.loadStateDict(this.stateDict());
    return copy.train(this.training);
  }
}

/** A stack of `numLayers` copies of an encoder layer, with an optional final norm. */
export class TransformerEncoder extends Module {
  readonly layers: ModuleList;
  readonly norm: Module | null;

  /** `numLayers` independent copies of `encoderLayer` (its weights cloned), then `options.norm` if given. */
  constructor(
    encoderLayer: TransformerEncoderLayer,
    readonly numLayers: number,
    options: { norm?: Module | null } = {},
  ) {
    super();
    positiveInt('TransformerEncoder', 'numLayers', numLayers);
    this.layers = this.registerModule('layers', new ModuleList(Array.from({ length: numLayers }, () => encoderLayer.clone())));
    this.norm = this.registerModule('norm', options.norm ?? null);
  }

  forward(src: Tensor, options: { mask?: Tensor | null; srcKeyPaddingMask?: Tensor | null } = {}): Tensor {
    let output = src;
    for (const layer of this.layers)
      output = (layer as TransformerEncoderLayer).forward(output, { srcMask: options.mask, srcKeyPaddingMask: options.srcKeyPaddingMask });
    return this.norm ? (this.norm.forward as (x: Tensor) => Tensor)(output) : output;
  }
}
