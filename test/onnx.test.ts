// torch.onnx.export end to end: models built from our layers and a custom module are traced,
// exported, run in onnxruntime-node (outputs within 1e-5 of nodetorch, also at batch sizes other
// than the traced one along a dynamic axis), and pass onnx.checker's full check where python3-onnx
// is installed.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import * as torch from '../lib/index.ts';
import { decodeModel } from '../lib/onnx/proto.ts';
import { readFileSync } from 'node:fs';
import { registerCheckerTest, roundTrip } from './onnx-helpers.ts';

const { nn } = torch;
torch.manualSeed(0);

const batchAxis = (name = 'input_0', axis = 0) => ({ [name]: { [axis]: 'batch' } });
const opTypes = (file: string) => decodeModel(readFileSync(file)).graph.node.map((n) => n.op_type);

// Batch norm with statistics that are not the initial zeros and ones.
function randomizeBatchNorm(model: torch.nn.Module): void {
  for (const [name, buffer] of model.namedBuffers()) {
    if (name.endsWith('running_mean')) buffer.copy_(torch.randn(buffer.shape).mul(0.5));
    if (name.endsWith('running_var')) buffer.copy_(torch.rand(buffer.shape).add(0.5));
  }
  for (const [name, p] of model.namedParameters())
    if (/\d\.(weight|bias)$/.test(name) && p.dim() === 1) torch.noGrad(() => p.copy_(torch.randn(p.shape)));
}

test('MLP: Gemm layers, dynamic batch', async () => {
  const model = new nn.Sequential(new nn.Linear(8, 16), new nn.ReLU(), new nn.Linear(16, 16), new nn.Tanh(), new nn.Linear(16, 3));
  const file = await roundTrip('mlp', {
    model,
    example: [torch.randn([4, 8])],
    others: [[torch.randn([1, 8])], [torch.randn([9, 8])]],
    options: { inputNames: ['features'], outputNames: ['logits'], dynamicAxes: { features: { 0: 'batch' }, logits: { 0: 'batch' } } },
  });
  const proto = decodeModel(readFileSync(file));
  assert.deepEqual(
    proto.graph.node.map((n) => n.op_type),
    ['Gemm', 'Relu', 'Gemm', 'Tanh', 'Gemm'],
  );
  assert.equal(proto.opset_import[0]!.version, 17);
  assert.equal(proto.graph.input[0]!.type.tensor_type.shape!.dim[0]!.dim_param, 'batch');
  assert.equal(proto.graph.input[0]!.type.tensor_type.shape!.dim[1]!.dim_value, 8);
  assert.equal(proto.graph.output[0]!.name, 'logits');
});

test('CNN with batch norm, max pool and adaptive average pools (global and 2x2), dynamic batch', async () => {
  const model = new nn.Sequential(
    new nn.Conv2d(2, 6, 3, { padding: 1 }),
    new nn.BatchNorm2d(6),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(6, 8, 3, { stride: 1, padding: 'same', bias: false }),
    new nn.BatchNorm2d(8),
    new nn.LeakyReLU(0.1),
    new nn.AdaptiveAvgPool2d(2),
    new nn.Flatten(),
    new nn.Linear(32, 5),
  );
  randomizeBatchNorm(model);
  const cnnFile = await roundTrip('cnn', {
    model,
    example: [torch.randn([3, 2, 12, 12])],
    others: [[torch.randn([1, 2, 12, 12])], [torch.randn([5, 2, 12, 12])]],
    options: { dynamicAxes: batchAxis() },
  });
  // Freezing folds the first batch norm into its convolution; the one after the bias-free convolution stays.
  assert.ok(opTypes(cnnFile).includes('BatchNormalization'));
  const global = new nn.Sequential(
    new nn.Conv2d(1, 4, 3),
    new nn.BatchNorm2d(4),
    new nn.ReLU(),
    new nn.AdaptiveAvgPool2d(1),
    new nn.Flatten(),
  );
  randomizeBatchNorm(global);
  const file = await roundTrip('cnn-global', {
    model: global,
    example: [torch.randn([2, 1, 9, 9])],
    others: [[torch.randn([4, 1, 9, 9])]],
    options: { dynamicAxes: batchAxis() },
  });
  assert.ok(opTypes(file).includes('GlobalAveragePool'));
});

test('1-d convolution, batch norm, max and average pools, without constant folding', async () => {
  const model = new nn.Sequential(new nn.Conv1d(3, 4, 3), new nn.BatchNorm1d(4), new nn.ReLU(), new nn.MaxPool1d(2), new nn.AvgPool1d(2));
  randomizeBatchNorm(model);
  await roundTrip('cnn1d', {
    model,
    example: [torch.randn([2, 3, 14])],
    others: [[torch.randn([3, 3, 14])]],
    options: { dynamicAxes: batchAxis(), doConstantFolding: false },
  });
});

class LstmClassifier extends nn.Module {
  lstm = this.registerModule('lstm', new nn.LSTM(6, 8, { batchFirst: true, numLayers: 2, bidirectional: true }));
  head = this.registerModule('head', new nn.Linear(16, 3));
  forward(x: torch.Tensor): torch.Tensor {
    const [out] = this.lstm.forward(x);
    return this.head.forward(out.select(1, -1));
  }
}

test('LSTM classifier (2 layers, bidirectional, batchFirst) as ONNX LSTMs, dynamic batch', async () => {
  const file = await roundTrip('lstm', {
    model: new LstmClassifier(),
    example: [torch.randn([3, 5, 6])],
    others: [[torch.randn([1, 5, 6])], [torch.randn([7, 5, 6])]],
    options: { dynamicAxes: batchAxis() },
  });
  assert.equal(opTypes(file).filter((t) => t === 'LSTM').length, 2);
});

class GruModel extends nn.Module {
  gru = this.registerModule('gru', new nn.GRU(5, 7, { numLayers: 2 }));
  forward(x: torch.Tensor): [torch.Tensor, torch.Tensor] {
    return this.gru.forward(x);
  }
}

test('GRU (2 layers): output and final state, dynamic batch', async () => {
  const file = await roundTrip('gru', {
    model: new GruModel(),
    example: [torch.randn([4, 3, 5])],
    others: [[torch.randn([4, 6, 5])]],
    options: { dynamicAxes: { input_0: { 1: 'batch' } } },
  });
  assert.ok(opTypes(file).includes('GRU'));
});

test('TransformerEncoderLayer (post-norm, relu; batch axis 1) and pre-norm gelu batchFirst', async () => {
  const layer = new nn.TransformerEncoderLayer(16, 4, { dimFeedforward: 32, dropout: 0.1 });
  const file = await roundTrip('transformer', {
    model: layer,
    example: [torch.randn([5, 3, 16])],
    others: [[torch.randn([5, 1, 16])], [torch.randn([5, 6, 16])]],
    options: { dynamicAxes: { input_0: { 1: 'batch' } } },
  });
  assert.ok(opTypes(file).includes('LayerNormalization'));
  const batchFirst = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, activation: 'gelu', normFirst: true, batchFirst: true });
  await roundTrip('transformer-bf', {
    model: batchFirst,
    example: [torch.randn([2, 4, 8])],
    others: [[torch.randn([5, 4, 8])]],
    options: { dynamicAxes: batchAxis() },
  });
});

// A custom module: elementwise ops, comparisons and where, cat, softmax, a buffer, two inputs, two outputs.
class Custom extends nn.Module {
  scale = this.registerBuffer('scale', torch.tensor([0.5, 2, -1, 3]));
  proj = this.registerModule('proj', new nn.Linear(8, 4));
  forward(x: torch.Tensor, y: torch.Tensor): [torch.Tensor, torch.Tensor] {
    const a = x.mul(this.scale).tanh().add(x.pow(2).mul(0.1)).sub(y.div(3));
    const b = torch.where(x.gt(0), x.exp().neg(), x.abs().add(1).log().sqrt());
    const joined = torch.cat([a, b.sigmoid()], 1);
    const probs = this.proj.forward(joined).softmax(-1);
    return [probs, a.mul(b).sum(1).add(y.max(1).values)];
  }
}

test('custom module: elementwise, where, cat, softmax, two inputs and outputs, dynamic batch', async () => {
  await roundTrip('custom', {
    model: new Custom(),
    example: [torch.randn([3, 4]), torch.randn([3, 4])],
    others: [[torch.randn([6, 4]), torch.randn([6, 4])]],
    options: { dynamicAxes: { input_0: [0], input_1: [0] } },
  });
});

// The functional pieces the layers and attention are made of, one output each so every mapping is compared.
class Ops extends nn.Module {
  w = this.registerBuffer('w', torch.randn([4, 5]));
  bias = this.registerBuffer('bias', torch.randn([5]));
  forward(x: torch.Tensor, seq: torch.Tensor): torch.Tensor[] {
    const F = torch.nn.functional;
    const scores = seq.bmm(seq.transpose(1, 2)); // (B, 3, 3)
    const blended = scores.baddbmm(seq, seq.permute(0, 2, 1), { beta: 0.5, alpha: 0.25 });
    const [p, q] = seq.split(2, 2);
    const chunks = seq.chunk(3, 1);
    const { values, indices } = seq.max(2);
    const causal = F.scaledDotProductAttention(seq, seq, seq, { isCausal: true });
    const [pooled, where] = F.maxPool2d(seq.unsqueeze(1), 2, { stride: 1, returnIndices: true });
    return [
      x.mm(this.w),
      this.bias.addmm(x, this.w, { beta: 0.5, alpha: 2 }),
      blended.maskedFill(blended.lt(0), -1),
      F.elu(x, { alpha: 0.7 }),
      F.softplus(x, { beta: 2 }),
      torch.ops.aten.hardtanh(x, -0.5, 0.5),
      x.clamp(-0.2, 0.3),
      torch.stack([p!, q!], 1),
      torch.cat(chunks.reverse(), 1),
      seq.narrow(1, 1, 2).squeeze(0),
      x.unsqueeze(1).expand(-1, 3, -1).add(seq),
      seq.mean([1, 2]),
      seq.sum(2, true),
      values,
      indices,
      seq.argmax(1),
      x.ge(0).logicalAnd(x.ne(0.5)).logicalNot(),
      x.sub(x.mean()).div(x.abs().add(1)).pow(2).rsqrt(),
      causal,
      pooled,
      where,
    ];
  }
}

test('functional pieces: mm, addmm, bmm, baddbmm, masked_fill, activations, split/chunk/stack/cat, reductions, attention, pool indices', async () => {
  await roundTrip('ops', {
    model: new Ops(),
    example: [torch.randn([3, 4]), torch.randn([3, 3, 4])],
    others: [[torch.randn([5, 4]), torch.randn([5, 3, 4])]],
    options: { dynamicAxes: { input_0: [0], input_1: [0] } },
  });
});

test('a zoo of the other built-in layers', async () => {
  const model = new nn.Sequential(
    new nn.Conv2d(3, 4, 3, { padding: 1, paddingMode: 'reflect' }),
    new nn.GroupNorm(2, 4),
    new nn.GELU(),
    new nn.ConvTranspose2d(4, 3, 2, { stride: 2 }),
    new nn.SiLU(),
    new nn.AvgPool2d(2),
    new nn.Conv2d(3, 4, 3, { padding: 1, paddingMode: 'circular' }),
    new nn.Sigmoid(),
    new nn.Conv2d(4, 4, 3, { padding: 1, paddingMode: 'replicate', groups: 2 }),
    new nn.Flatten(2),
    new nn.LayerNorm(36),
    new nn.Unflatten(2, [6, 6]),
    new nn.Flatten(),
    new nn.Dropout(0.5),
    new nn.Linear(144, 6),
    new nn.LogSoftmax(1),
  );
  await roundTrip('zoo', {
    model,
    example: [torch.randn([2, 3, 6, 6])],
    others: [[torch.randn([5, 3, 6, 6])]],
    options: { dynamicAxes: batchAxis() },
  });
});

class EmbeddingBag extends nn.Module {
  embedding = this.registerModule('embedding', new nn.Embedding(20, 6));
  bilinear = this.registerModule('bilinear', new nn.Bilinear(6, 6, 3));
  convT = this.registerModule('convT', new nn.ConvTranspose1d(6, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }));
  forward(tokens: torch.Tensor): [torch.Tensor, torch.Tensor] {
    const e = this.embedding.forward(tokens); // (batch, seq, 6)
    const pooled = e.mean(1);
    return [this.bilinear.forward(pooled, pooled.flip([1])), this.convT.forward(e.transpose(1, 2))];
  }
}

test('embedding, bilinear, flip and a transposed 1-d convolution on int64 tokens', async () => {
  await roundTrip('embedding', {
    model: new EmbeddingBag(),
    example: [torch.randint(0, 20, [3, 7])],
    others: [[torch.randint(0, 20, [5, 7])]],
    options: { dynamicAxes: batchAxis() },
  });
});

test('the same models at opsets 13, 18 and 20 (LayerNormalization and Gelu only where they exist)', async () => {
  const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, activation: 'gelu' });
  for (const opsetVersion of [13, 18, 20]) {
    const file = await roundTrip(`transformer-opset${opsetVersion}`, {
      model: layer,
      example: [torch.randn([3, 2, 8])],
      others: [[torch.randn([3, 4, 8])]],
      options: { opsetVersion, dynamicAxes: { input_0: { 1: 'batch' } } },
    });
    const types = opTypes(file);
    assert.equal(types.includes('LayerNormalization'), opsetVersion >= 17, `opset ${opsetVersion}`);
    assert.equal(types.includes('Gelu'), opsetVersion >= 20, `opset ${opsetVersion}`);
  }
});

test('a ScriptModule from torch.jit.trace exports too', async () => {
  const model = new nn.Sequential(new nn.Linear(3, 5), new nn.Softmax(1));
  const traced = torch.jit.trace(model.eval(), [torch.randn([2, 3])]);
  await roundTrip('scripted', {
    model: traced,
    example: [torch.randn([2, 3])],
    others: [[torch.randn([4, 3])]],
    options: { dynamicAxes: batchAxis() },
    reference: (x) => model.forward(x),
  });
  traced.dispose();
});

registerCheckerTest(test);

test.run();
