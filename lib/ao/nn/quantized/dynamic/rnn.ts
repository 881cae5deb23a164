/**
 * torch.ao.nn.quantized.dynamic.LSTM and GRU: recurrent layers with int8 weights (per-tensor
 * symmetric, packed per layer and direction as PyTorch's CellParamsBase objects) and activations
 * quantized on the fly, over ATen's `quantized_lstm` / `quantized_gru` kernels. Built from a float
 * nn.LSTM / nn.GRU with `fromFloat` (what quantizeDynamic does); forward as the float layer's.
 * @module
 */
import { native } from '../../../../native.js';
import {
  GRU as FloatGRU,
  LSTM as FloatLSTM,
  batchState,
  checkRnnInput,
  rnnZeroState,
  unbatchOutput,
  unbatchState,
  type RnnGeometry,
} from '../../../../nn/layers/rnn.js';
import { Module } from '../../../../nn/module.js';
import { Op } from '../../../../tensor/op.js';
import type { Tensor } from '../../../../tensor/tensor.js';
import type { ObserverFactory, ObserverLike } from '../../../quantization/observers/base.js';
import { MinMaxObserver } from '../../../quantization/observers/min-max.js';
import { quantizeWeight, type ScriptObject } from '../utils.js';

const linearPrepack = new Op<[Tensor, Tensor | null], ScriptObject>('quantized::linear_prepack');
const makeCellParams = new Op<[ScriptObject, ScriptObject, Tensor, Tensor, boolean], ScriptObject>(
  'quantized::make_quantized_cell_params_dynamic',
);
type Flags = [boolean, number, number, boolean, boolean, boolean];
const quantizedLstm = new Op<[Tensor, Tensor[], ScriptObject[], ...Flags, string, boolean], [Tensor, Tensor, Tensor]>(
  'quantized_lstm',
  'input',
);
const quantizedGru = new Op<[Tensor, Tensor, ScriptObject[], ...Flags], [Tensor, Tensor]>('quantized_gru', 'input');

/** PyTorch's default_dynamic_qconfig weight observer: per-tensor symmetric qint8 MinMax. */
const defaultWeightObserver: ObserverFactory<ObserverLike> = MinMaxObserver.withArgs({ dtype: 'qint8', qscheme: 'per_tensor_symmetric' });

/** Base of the dynamically quantized recurrent layers: geometry and packed cell parameters. */
abstract class DynamicRNNBase extends Module implements RnnGeometry {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bidirectional: boolean;
  readonly batchFirst: boolean;
  /** Dropout between layers (0 in eval, the only mode of a quantized layer). */
  readonly dropout: number;
  /** The engine the weights were packed for. */
  readonly engine: string;
  /** One CellParamsBase per layer and direction, in ATen's order. */
  protected readonly cellParams: ScriptObject[];

  /** Quantizes and packs the float layer's weights (its biases stay float), with `weightObserver` per matrix. */
  protected constructor(float: FloatLSTM | FloatGRU, weightObserver: ObserverFactory<ObserverLike>) {
    super();
    const name = new.target.name;
    if (!float.bias)
      throw new TypeError(`quantized.dynamic.${name}.fromFloat: the layer must have biases (bias: true), as PyTorch requires`);
    ({ inputSize: this.inputSize, hiddenSize: this.hiddenSize, numLayers: this.numLayers } = float);
    ({ bidirectional: this.bidirectional, batchFirst: this.batchFirst, dropout: this.dropout } = float);
    this.training = false;
    this.engine = native.quantizedEngine();
    const params = new Map(float.namedParameters());
    const pack = (weight: Tensor, bias: Tensor) => {
      const observer = weightObserver();
      if (observer.dtype !== 'qint8')
        throw new TypeError(`quantized.dynamic.${name}: the weight observer must be qint8, got ${observer.dtype}`);
      observer.forward(weight);
      return linearPrepack.call([quantizeWeight(weight, observer), bias.detach().clone()]);
    };
    this.cellParams = [];
    for (let layer = 0; layer < this.numLayers; layer++)
      for (const suffix of this.bidirectional ? ['', '_reverse'] : ['']) {
        const get = (kind: string) => params.get(`${kind}_l${layer}${suffix}`)!.detach();
        const [wIh, wHh, bIh, bHh] = ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'].map(get) as [Tensor, Tensor, Tensor, Tensor];
        this.cellParams.push(makeCellParams.call([pack(wIh, bIh), pack(wHh, bHh), bIh.clone(), bHh.clone(), true]));
      }
  }

  /** @internal The flags every quantized RNN kernel takes after its parameters, in ATen's order. */
  protected flags(): Flags {
    return [true, this.numLayers, this.dropout, false, this.bidirectional, this.batchFirst];
  }

  /** Runs `kernel` on a batched input (adding and removing the batch dim of a 2-D one). */
  protected batched<T>(input: Tensor, run: (x: Tensor, unbatched: boolean) => T): T {
    checkRnnInput(this.constructor.name, input, this.inputSize);
    const unbatched = input.dim() === 2;
    return run(unbatched ? input.unsqueeze(this.batchFirst ? 0 : 1) : input, unbatched);
  }

  /** @internal The packed cell parameters, module attributes in traces. */
  override tracedObjects(): [string, unknown][] {
    return this.cellParams.map((params, i) => [`_all_weight_values_${i}`, params]);
  }

  override extraRepr(): string {
    const parts = [`${this.inputSize}, ${this.hiddenSize}`];
    if (this.numLayers !== 1) parts.push(`num_layers=${this.numLayers}`);
    if (this.batchFirst) parts.push('batch_first=True');
    if (this.bidirectional) parts.push('bidirectional=True');
    return [...parts, 'dtype=torch.qint8'].join(', ');
  }
}

/** Dynamically quantized LSTM: forward(input, [h0, c0]?) -> [output, [hN, cN]], as nn.LSTM's. */
export class LSTM extends DynamicRNNBase {
  /** PyTorch's `from_float`: quantizes `lstm`'s weights with `weightObserver` (per-tensor symmetric qint8 MinMax). */
  static fromFloat(lstm: FloatLSTM, weightObserver = defaultWeightObserver): LSTM {
    if (!(lstm instanceof FloatLSTM)) throw new TypeError('quantized.dynamic.LSTM.fromFloat: expected an nn.LSTM');
    return new LSTM(lstm, weightObserver);
  }

  forward(input: Tensor, state?: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    return this.batched(input, (x, unbatched) => {
      const hx = state ? state.map((s) => batchState(s, unbatched)) : [rnnZeroState(x, this), rnnZeroState(x, this)];
      const [output, hN, cN] = quantizedLstm.call([x, hx, this.cellParams, ...this.flags(), 'qint8', true]);
      return [unbatchOutput(output, unbatched, this.batchFirst), [unbatchState(hN, unbatched), unbatchState(cN, unbatched)]];
    });
  }
}

/** Dynamically quantized GRU: forward(input, h0?) -> [output, hN], as nn.GRU's. */
export class GRU extends DynamicRNNBase {
  /** PyTorch's `from_float`: quantizes `gru`'s weights with `weightObserver` (per-tensor symmetric qint8 MinMax). */
  static fromFloat(gru: FloatGRU, weightObserver = defaultWeightObserver): GRU {
    if (!(gru instanceof FloatGRU)) throw new TypeError('quantized.dynamic.GRU.fromFloat: expected an nn.GRU');
    return new GRU(gru, weightObserver);
  }

  forward(input: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    return this.batched(input, (x, unbatched) => {
      const hx = h0 ? batchState(h0, unbatched) : rnnZeroState(x, this);
      const [output, hN] = quantizedGru.call([x, hx, this.cellParams, ...this.flags()]);
      return [unbatchOutput(output, unbatched, this.batchFirst), unbatchState(hN, unbatched)];
    });
  }
}
