/** Recurrent layers: RNN, LSTM and GRU (multi-layer, bidirectional, batchFirst) over ATen's fused kernels. */
import { aten } from '../../ops/surface.js';
import { empty, zerosLike } from '../../tensor/creation.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import { positiveInt, type FactoryOptions } from './linear.js';

/** Options shared by RNN, LSTM and GRU. */
export interface RNNOptions extends FactoryOptions {
  numLayers?: number;
  bias?: boolean;
  /** Input and output are (batch, seq, feature) instead of (seq, batch, feature). */
  batchFirst?: boolean;
  /** Dropout between layers (training only). */
  dropout?: number;
  bidirectional?: boolean;
}

type HiddenStateKernel = (
  input: Tensor,
  hx: Tensor,
  params: readonly Tensor[],
  hasBiases: boolean,
  numLayers: number,
  dropout: number,
  train: boolean,
  bidirectional: boolean,
  batchFirst: boolean,
) => [Tensor, Tensor];

abstract class RNNBase extends Module {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  /** The weights in ATen's order: per layer and direction w_ih, w_hh, (b_ih, b_hh). */
  protected readonly flatWeights: Tensor[] = [];

  protected constructor(
    gates: number,
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: RNNOptions,
  ) {
    super();
    const name = this.constructor.name;
    positiveInt(name, 'inputSize', inputSize);
    positiveInt(name, 'hiddenSize', hiddenSize);
    this.numLayers = positiveInt(name, 'numLayers', options.numLayers ?? 1);
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = options.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new RangeError(`${name}: dropout must be between 0 and 1, got ${this.dropout}`);
    this.bidirectional = options.bidirectional ?? false;
    const factory = { device: options.device, dtype: options.dtype };
    const directions = this.bidirectional ? 2 : 1;
    for (let layer = 0; layer < this.numLayers; layer++) {
      for (let direction = 0; direction < directions; direction++) {
        const suffix = `_l${layer}${direction === 1 ? '_reverse' : ''}`;
        const layerInput = layer === 0 ? inputSize : hiddenSize * directions;
        this.flatWeights.push(this.registerParameter(`weight_ih${suffix}`, empty([gates * hiddenSize, layerInput], factory)));
        this.flatWeights.push(this.registerParameter(`weight_hh${suffix}`, empty([gates * hiddenSize, hiddenSize], factory)));
        if (this.bias) {
          this.flatWeights.push(this.registerParameter(`bias_ih${suffix}`, empty([gates * hiddenSize], factory)));
          this.flatWeights.push(this.registerParameter(`bias_hh${suffix}`, empty([gates * hiddenSize], factory)));
        }
      }
    }
    this.resetParameters();
  }

  /** PyTorch's reset_parameters: every weight U(-1/sqrt(hidden), 1/sqrt(hidden)), in registration order. */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.hiddenSize);
    for (const weight of this.parameters()) init.uniform_(weight, -bound, bound);
  }

  /** A zero initial state of shape (layers * directions, batch, hidden) for a batched input (made from the input, so traces follow the batch size). */
  protected zeroState(input: Tensor): Tensor {
    return rnnZeroState(input, this);
  }

  /** Throws unless the input is 2-D (unbatched) or 3-D with `inputSize` features in its last dim. */
  protected checkInput(input: Tensor): void {
    checkRnnInput(this.constructor.name, input, this.inputSize);
  }

  /** Runs ATen's kernel on a batched (3-D) input, adding and removing the batch dim for 2-D input. */
  protected batched<T>(input: Tensor, run: (batchedInput: Tensor, unbatched: boolean) => T): T {
    this.checkInput(input);
    const unbatched = input.dim() === 2;
    return run(unbatched ? input.unsqueeze(this.batchFirst ? 0 : 1) : input, unbatched);
  }

  /** The arguments every ATen RNN kernel takes after its input and state, in ATen's order. */
  protected kernelArgs(): [Tensor[], boolean, number, number, boolean, boolean, boolean] {
    return [this.flatWeights, this.bias, this.numLayers, this.dropout, this.training, this.bidirectional, this.batchFirst];
  }

  /** @internal Runs an ATen kernel whose state is one hidden tensor (RNN, GRU): -> [output, hN]. */
  protected runWithHiddenState(kernel: HiddenStateKernel, input: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    return this.batched(input, (x, unbatched) => {
      const hx = h0 ? batchState(h0, unbatched) : this.zeroState(x);
      const [output, hN] = kernel(x, hx, ...this.kernelArgs());
      return [unbatchOutput(output, unbatched, this.batchFirst), unbatchState(hN, unbatched)];
    });
  }

  override extraRepr(): string {
    const parts = [`${this.inputSize}, ${this.hiddenSize}`];
    if (this.numLayers !== 1) parts.push(`num_layers=${this.numLayers}`);
    if (this.batchFirst) parts.push('batch_first=True');
    if (this.bidirectional) parts.push('bidirectional=True');
    return parts.join(', ');
  }
}

/** The shape settings of a recurrent layer that its state and input checks depend on. */
export interface RnnGeometry {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bidirectional: boolean;
  readonly batchFirst: boolean;
}

/**
 * @internal A zero initial state of shape (layers * directions, batch, hidden) for a batched input.
 * Made from the input (one element per batch entry, expanded) rather than from its size as a
 * number, so that torch.jit.trace records a state that follows the batch size.
 */
export function rnnZeroState(input: Tensor, geometry: RnnGeometry): Tensor {
  const perBatch = input.select(geometry.batchFirst ? 1 : 0, 0).narrow(-1, 0, 1); // (batch, 1)
  const states = geometry.numLayers * (geometry.bidirectional ? 2 : 1);
  return zerosLike(perBatch).unsqueeze(0).expand([states, -1, geometry.hiddenSize]).contiguous();
}

/** @internal Throws unless the input is 2-D (unbatched) or 3-D with `inputSize` features in its last dim. */
export function checkRnnInput(name: string, input: Tensor, inputSize: number): void {
  if (input.dim() !== 2 && input.dim() !== 3) throw new RangeError(`${name}: expected 2D or 3D input, got ${input.dim()}D`);
  if (input.size(-1) !== inputSize)
    throw new RangeError(`${name}: input.size(-1) must be equal to inputSize. Expected ${inputSize}, got ${input.size(-1)}`);
}

/** @internal The output without the batch dim an unbatched (2-D) input lacked. */
export const unbatchOutput = (output: Tensor, unbatched: boolean, batchFirst: boolean) =>
  unbatched ? output.squeeze(batchFirst ? 0 : 1) : output;
/** @internal A state without the batch dim an unbatched input lacked. */
export const unbatchState = (state: Tensor, unbatched: boolean) => (unbatched ? state.squeeze(1) : state);
/** @internal A state with the batch dim an unbatched input lacks. */
export const batchState = (state: Tensor, unbatched: boolean) => (unbatched ? state.unsqueeze(1) : state);

/** Elman RNN with tanh or ReLU. forward(input, h0?) -> [output, hN]. */
export class RNN extends RNNBase {
  readonly nonlinearity: 'tanh' | 'relu';
  /** `inputSize` features in, `hiddenSize` out; options as {@link RNNOptions} plus `nonlinearity` ('tanh' or 'relu', default 'tanh'). */
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions & { nonlinearity?: 'tanh' | 'relu' } = {}) {
    super(1, inputSize, hiddenSize, options);
    this.nonlinearity = options.nonlinearity ?? 'tanh';
    if (this.nonlinearity !== 'tanh' && this.nonlinearity !== 'relu')
      throw new TypeError(`RNN: nonlinearity must be 'tanh' or 'relu', got '${this.nonlinearity}'`);
  }
  forward(input: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    return this.runWithHiddenState(this.nonlinearity === 'tanh' ? aten.rnn_tanh.input : aten.rnn_relu.input, input, h0);
  }
}

/** LSTM. forward(input, [h0, c0]?) -> [output, [hN, cN]]. */
export class LSTM extends RNNBase {
  /** `inputSize` features in, `hiddenSize` out; options as {@link RNNOptions} (numLayers 1, bias true, batchFirst false, dropout 0). */
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super(4, inputSize, hiddenSize, options);
  }
  forward(input: Tensor, state?: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    return this.batched(input, (x, unbatched) => {
      const hx = state ? state.map((s) => batchState(s, unbatched)) : [this.zeroState(x), this.zeroState(x)];
      const [output, hN, cN] = aten.lstm.input(x, hx, ...this.kernelArgs());
      return [unbatchOutput(output, unbatched, this.batchFirst), [unbatchState(hN, unbatched), unbatchState(cN, unbatched)]];
    });
  }
}

/** GRU. forward(input, h0?) -> [output, hN]. */
export class GRU extends RNNBase {
  /** `inputSize` features in, `hiddenSize` out; options as {@link RNNOptions} (numLayers 1, bias true, batchFirst false, dropout 0). */
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super(3, inputSize, hiddenSize, options);
  }
  forward(input: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    return this.runWithHiddenState(aten.gru.input, input, h0);
  }
}
