/**
 * aten::lstm, aten::gru, aten::rnn_tanh and aten::rnn_relu as ONNX's LSTM, GRU and RNN, one
 * ONNX op per layer. The weights are reordered: PyTorch stacks the LSTM gates as (i, f, g, o) and
 * ONNX as (i, o, f, c); the GRU gates as (r, z, n) against ONNX's (z, r, h). A zero initial state
 * (what the layers make when none is given) is left out, so ONNX makes one for any batch size.
 * @module
 */
import { UnsupportedError } from '../errors.js';
import type { GraphContext } from '../graph-context.js';
import { numbersOf, valuesOf, type TensorData } from '../tensor-data.js';
import type { TensorValue, Value } from '../values.js';
import { bool, int, listItems, tensorArg } from './args.js';
import { squeeze, transpose, type SymbolicTable } from './common.js';

type Cell = 'LSTM' | 'GRU' | 'RNN_TANH' | 'RNN_RELU';

// Where each ONNX gate block comes from in PyTorch's stacking.
const GATE_ORDER: Record<Cell, number[]> = { LSTM: [0, 3, 1, 2], GRU: [1, 0, 2], RNN_TANH: [0], RNN_RELU: [0] };

function reordered(data: TensorData, order: number[]): number[] {
  const values = numbersOf(data);
  const block = values.length / order.length;
  return order.flatMap((gate) => values.slice(gate * block, (gate + 1) * block));
}

// The stacked [directions, ...] constant of one weight kind, gates in ONNX's order.
function stacked(g: GraphContext, pieces: TensorData[][], order: number[]): TensorValue {
  const first = pieces[0]![0]!;
  const values = pieces.flatMap((parts) => parts.flatMap((part) => reordered(part, order)));
  const inner = pieces[0]!.length === 1 ? first.dims : [pieces[0]!.reduce((sum, p) => sum + p.dims[0]!, 0)];
  return g.constant({ dtype: first.dtype, dims: [pieces.length, ...inner], values: valuesOf(first.dtype, values) });
}

const isZero = (g: GraphContext, value: TensorValue): boolean => {
  const known = g.constantOf(value);
  return known !== undefined && numbersOf(known).every((v) => v === 0);
};

interface RecurrentArgs {
  input: Value | undefined;
  states: (Value | undefined)[];
  params: Value | undefined;
  hasBiases: Value | undefined;
  numLayers: Value | undefined;
  train: Value | undefined;
  bidirectional: Value | undefined;
  batchFirst: Value | undefined;
}

function recurrent(g: GraphContext, cell: Cell, args: RecurrentArgs): TensorValue[] {
  if (bool(args.train, 'train'))
    throw new UnsupportedError('a recurrent layer in training mode cannot be exported: call model.eval() first');
  const layers = int(args.numLayers, 'num_layers');
  const directions = bool(args.bidirectional, 'bidirectional') ? 2 : 1;
  const biases = bool(args.hasBiases, 'has_biases');
  const perDirection = biases ? 4 : 2;
  const weights = listItems(args.params, 'params').map((p) => {
    const known = g.constantOf(tensorArg(p, 'a weight'));
    if (!known) throw new UnsupportedError('recurrent weights must be constants (the exported graph is frozen)');
    return known;
  });
  if (weights.length !== layers * directions * perDirection)
    throw new UnsupportedError(`expected ${layers * directions * perDirection} weights, got ${weights.length}`);
  const hidden = weights[1]!.dims[1]!;
  const order = GATE_ORDER[cell];
  const states = args.states.map((s) => tensorArg(s, 'the initial state'));
  const batchFirst = bool(args.batchFirst, 'batch_first');
  let x = tensorArg(args.input, 'input');
  if (batchFirst) x = transpose(g, x, [1, 0, 2]);
  const finals: TensorValue[][] = states.map(() => []);
  const type = cell.startsWith('RNN') ? 'RNN' : cell;
  for (let layer = 0; layer < layers; layer++) {
    const base = layer * directions * perDirection;
    const at = (direction: number, k: number) => weights[base + direction * perDirection + k]!;
    const dirs = Array.from({ length: directions }, (_, d) => d);
    const W = stacked(
      g,
      dirs.map((d) => [at(d, 0)]),
      order,
    );
    const R = stacked(
      g,
      dirs.map((d) => [at(d, 1)]),
      order,
    );
    const B = biases
      ? stacked(
          g,
          dirs.map((d) => [at(d, 2), at(d, 3)]),
          order,
        )
      : undefined;
    const initial = states.map((state) => {
      if (isZero(g, state)) return undefined;
      if (layers === 1) return state;
      return g.op('Slice', [state, g.ints([layer * directions]), g.ints([(layer + 1) * directions]), g.ints([0])]);
    });
    const attributes = {
      hidden_size: hidden,
      direction: directions === 2 ? 'bidirectional' : 'forward',
      linear_before_reset: cell === 'GRU' ? 1 : undefined,
      activations: cell === 'RNN_RELU' ? dirs.map(() => 'Relu') : cell === 'RNN_TANH' ? dirs.map(() => 'Tanh') : undefined,
    };
    const outputs = g.ops(type, [x, W, R, B, undefined, ...initial], attributes, 1 + states.length);
    const [y, ...last] = outputs;
    last.forEach((state, i) => finals[i]!.push(state));
    // Y is (seq, directions, batch, hidden): the next layer's input is (seq, batch, directions * hidden).
    x = directions === 1 ? squeeze(g, y!, [1]) : g.op('Reshape', [transpose(g, y!, [0, 2, 1, 3]), g.ints([0, 0, -1])]);
  }
  const output = batchFirst ? transpose(g, x, [1, 0, 2]) : x;
  return [output, ...finals.map((parts) => (parts.length === 1 ? parts[0]! : g.op('Concat', parts, { axis: 0 })))];
}

// (input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first); the
// packed-sequence overloads (data, batch_sizes, ...) are not supported.
function overload(cell: Cell, [input, hx, params, hasBiases, numLayers, , train, bidirectional, batchFirst]: Value[]): RecurrentArgs {
  const packed = cell === 'LSTM' ? hx?.kind === 'tensor' : params?.kind === 'tensor';
  if (packed) throw new UnsupportedError('packed sequences are not supported');
  const states = cell === 'LSTM' ? listItems(hx, 'hx') : [hx];
  return { input, states, params, hasBiases, numLayers, train, bidirectional, batchFirst };
}

/** Recurrent-layer symbolics. */
export const recurrentLayers: SymbolicTable = {
  'aten::lstm': (g, args) => recurrent(g, 'LSTM', overload('LSTM', args)),
  'aten::gru': (g, args) => recurrent(g, 'GRU', overload('GRU', args)),
  'aten::rnn_tanh': (g, args) => recurrent(g, 'RNN_TANH', overload('RNN_TANH', args)),
  'aten::rnn_relu': (g, args) => recurrent(g, 'RNN_RELU', overload('RNN_RELU', args)),
};
