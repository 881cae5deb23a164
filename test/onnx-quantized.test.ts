// ONNX export of quantized models in the QDQ form (lib/onnx/symbolic/quantized.ts): a statically
// quantized CNN with a residual add, a QAT-converted model, and a dynamically quantized MLP, run
// in onnxruntime-node against nodetorch's int8 outputs, and checked by onnx.checker.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as torch from '../lib/index.ts';
import { registerCheckerTest, roundTrip } from './onnx-helpers.ts';

const { nn } = torch;
const q = torch.ao.quantization;

/** A CNN with every quantized op the exporter maps: conv-relu, conv, max pool, a residual add, cat, linear-relu, linear. */
class QuantizableNet extends nn.Module {
  quant = this.registerModule('quant', new q.QuantStub());
  conv1 = this.registerModule('conv1', new nn.Conv2d(1, 4, 3, { padding: 1 }));
  relu1 = this.registerModule('relu1', new nn.ReLU());
  pool = this.registerModule('pool', new nn.MaxPool2d(2));
  conv2 = this.registerModule('conv2', new nn.Conv2d(4, 4, 3, { padding: 1, stride: 1 }));
  skip = this.registerModule('skip', new torch.ao.nn.quantized.FloatFunctional());
  join = this.registerModule('join', new torch.ao.nn.quantized.FloatFunctional());
  flatten = this.registerModule('flatten', new nn.Flatten());
  fc1 = this.registerModule('fc1', new nn.Linear(128, 16));
  relu2 = this.registerModule('relu2', new nn.ReLU());
  fc2 = this.registerModule('fc2', new nn.Linear(16, 3));
  dequant = this.registerModule('dequant', new q.DeQuantStub());

  forward(input: torch.Tensor): torch.Tensor {
    const x = this.pool.forward(this.relu1.forward(this.conv1.forward(this.quant.forward(input))));
    const y = this.skip.addRelu(x, this.conv2.forward(x));
    const z = this.flatten.forward(this.join.cat([x, y], 1));
    return this.dequant.forward(this.fc2.forward(this.relu2.forward(this.fc1.forward(z))));
  }
}

function staticModel(): torch.nn.Module {
  torch.manualSeed(4);
  const fused = q.fuseModules(new QuantizableNet().eval(), [
    ['conv1', 'relu1'],
    ['fc1', 'relu2'],
  ]);
  // x86's qconfig (7-bit activations): onednn's int8 kernels on CPUs without VNNI saturate 16-bit
  // sums of full-range activations, where onnxruntime does not (PyTorch's reason for reduce_range).
  fused.qconfig = q.getDefaultQconfig('x86');
  const prepared = q.prepare(fused);
  torch.noGrad(() => [0, 1, 2].forEach(() => prepared.forward(torch.randn([8, 1, 8, 8]))));
  return q.convert(prepared);
}

/** The scale of the model's last quantized Linear: one step of its int8 output. */
function outputStep(model: torch.nn.Module): number {
  const linears = [...model.modules()].filter((m) => m instanceof torch.ao.nn.quantized.Linear);
  return (linears.at(-1) as torch.ao.nn.quantized.Linear).scale;
}

test('a statically quantized CNN exports as QDQ and onnxruntime gives its int8 outputs, at other batch sizes too', async () => {
  const model = staticModel();
  const file = await roundTrip('static-int8-cnn', {
    model,
    example: [torch.randn([4, 1, 8, 8])],
    others: [[torch.randn([1, 1, 8, 8])], [torch.randn([9, 1, 8, 8])]],
    options: { dynamicAxes: { input_0: [0] } },
    quantizationStep: outputStep(model),
  });
  const bytes = readFileSync(file).toString('latin1');
  for (const op of ['QuantizeLinear', 'DequantizeLinear', 'Conv', 'Gemm', 'Concat', 'MaxPool'])
    assert.ok(bytes.includes(op), `${op} in the file`);
});

test('a QAT-converted model and a dynamically quantized MLP export too', async () => {
  torch.manualSeed(5);
  const net = new nn.Sequential(
    new q.QuantStub(),
    new nn.Conv2d(1, 2, 3),
    new nn.BatchNorm2d(2),
    new nn.ReLU(),
    new nn.Flatten(),
    new nn.Linear(72, 2),
    new q.DeQuantStub(),
  );
  const fused = q.fuseModulesQat(net.train(), [['1', '2', '3']]);
  fused.qconfig = q.getDefaultQatQconfig('x86');
  const prepared = q.prepareQat(fused);
  prepared.forward(torch.randn([6, 1, 8, 8]));
  const qat = q.convert(prepared.eval());
  await roundTrip('qat-int8-cnn', { model: qat, example: [torch.randn([3, 1, 8, 8])], quantizationStep: outputStep(qat) });
  const mlp = q.quantizeDynamic(new nn.Sequential(new nn.Linear(10, 8), new nn.ReLU(), new nn.Linear(8, 4)).eval()) as torch.nn.Sequential;
  // Dynamic int8 kernels quantize the activations per batch; the file keeps them float, with the
  // int8 weights: the reference is the float MLP on the dequantized weights.
  const layers = [mlp.at(0), mlp.at(2)] as torch.ao.nn.quantized.dynamic.Linear[];
  const reference = (input: torch.Tensor) =>
    layers.reduce((x, layer, i) => {
      const y = nn.functional.linear(x, layer.weight().dequantize(), { bias: layer.bias() });
      return i === 0 ? y.relu() : y;
    }, input);
  const x = torch.randn([5, 10]);
  await roundTrip('dynamic-int8-mlp', { model: mlp, example: [x], reference });
  const int8 = torch.noGrad(() => mlp.forward(x));
  assert.ok(int8.sub(reference(x)).abs().max().item() < 0.02, 'and that is close to the int8 kernels');
});

test('a quantized op without an ONNX mapping is an error naming it', async () => {
  const model = q.quantizeDynamic(new nn.Sequential(new nn.LSTM(4, 3)).eval());
  class Head extends nn.Module {
    rnn = this.registerModule('rnn', model);
    forward(x: torch.Tensor): torch.Tensor {
      return (this.rnn.forward(x) as [torch.Tensor, unknown])[0];
    }
  }
  await assert.rejects(
    torch.onnx.export(new Head().eval(), [torch.randn([2, 1, 4])], '/tmp/nodetorch-unmapped.onnx'),
    /quantized_lstm.*no ONNX mapping/,
  );
});

registerCheckerTest(test);
test.run();
