// The Trainer's precisions: 'bf16-mixed' runs steps under CPU autocast (forward in bfloat16, float32
// parameters and losses) and still learns; '64-true' trains in float64; '16-mixed' needs CUDA. The
// CUDA runs (float16 with the gradient scaler) are in test/cuda.test.ts.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as torch from '../lib/index.ts';

const { Trainer, LightningModule } = torch.train;
const { nn, optim, data } = torch;
const quiet = { enableProgressBar: false, logger: false as const, enableCheckpointing: false };

function blobs(n: number, seed: number): torch.data.TensorDataset {
  torch.manualSeed(seed);
  const labels = torch.randint(0, 2, [n]);
  const x = torch.randn([n, 3]).add(labels.unsqueeze(1).float().mul(3));
  return new data.TensorDataset(x, labels);
}

/** Records the dtypes its steps see. */
class Probe extends LightningModule {
  readonly net = this.registerModule('net', new nn.Sequential(new nn.Linear(3, 8), new nn.ReLU(), new nn.Linear(8, 2)));
  readonly seen = { input: new Set<string>(), logits: new Set<string>(), loss: new Set<string>(), val: new Set<string>() };

  override forward(x: torch.Tensor): torch.Tensor {
    return this.net.forward(x);
  }

  trainingStep([x, y]: torch.Tensor[]): torch.Tensor {
    const logits = this.forward(x!);
    const loss = nn.functional.crossEntropy(logits, y!);
    this.seen.input.add(x!.dtype);
    this.seen.logits.add(logits.dtype);
    this.seen.loss.add(loss.dtype);
    this.log('train/loss', loss);
    return loss;
  }

  override validationStep([x, y]: torch.Tensor[]): void {
    const logits = this.forward(x!);
    this.seen.val.add(logits.dtype);
    const accuracy = logits.argmax(1).eq(y!).float().mean();
    this.log('val/acc', accuracy);
  }

  configureOptimizers(): torch.optim.Optimizer {
    return new optim.SGD(this.parameters(), { lr: 0.1 });
  }
}

const loaders = () =>
  [
    new data.DataLoader(blobs(128, 1), { batchSize: 16, shuffle: true, seed: 2 }),
    new data.DataLoader(blobs(64, 3), { batchSize: 32 }),
  ] as const;

test("'bf16-mixed' on CPU: forward in bfloat16, float32 losses and parameters, and it learns", async () => {
  torch.manualSeed(0);
  const module = new Probe();
  const [train, val] = loaders();
  const trainer = new Trainer({
    maxEpochs: 8,
    precision: 'bf16-mixed',
    defaultRootDir: mkdtempSync(path.join(tmpdir(), 'nt-prec-')),
    ...quiet,
  });
  await trainer.fit(module, train, val);
  assert.deepEqual([...module.seen.logits], ['bfloat16']);
  assert.deepEqual([...module.seen.val], ['bfloat16'], 'validation steps run under autocast too');
  assert.deepEqual([...module.seen.loss], ['float32']);
  assert.ok([...module.parameters()].every((p) => p.dtype === 'float32'));
  assert.equal(torch.isAutocastEnabled('cpu'), false, 'the region is closed after fit');
  assert.ok(trainer.callbackMetrics.get('val/acc')! > 0.9, `val/acc ${trainer.callbackMetrics.get('val/acc')}`);
  const predictions = (await trainer.predict(module, val)) as torch.Tensor[];
  assert.equal(predictions[0]!.dtype, 'bfloat16');
});

test("'64-true': the module and floating batches are float64", async () => {
  torch.manualSeed(0);
  const module = new Probe();
  const [train] = loaders();
  const trainer = new Trainer({
    maxEpochs: 1,
    precision: '64',
    limitTrainBatches: 2,
    defaultRootDir: mkdtempSync(path.join(tmpdir(), 'nt-prec-')),
    ...quiet,
  });
  await trainer.fit(module, train);
  assert.ok([...module.parameters()].every((p) => p.dtype === 'float64'));
  assert.deepEqual([...module.seen.input], ['float64']);
  assert.deepEqual([...module.seen.loss], ['float64']);
  assert.equal(trainer.precision.precision, '64-true');
});

test("'16-mixed' needs CUDA: a clear error on CPU", () => {
  assert.throws(() => new Trainer({ precision: '16-mixed', device: 'cpu' }), /'16-mixed' needs a CUDA device; on CPU use 'bf16-mixed'/);
  assert.equal(new Trainer({ precision: 'bf16-mixed' }).scaler, null);
});

test.run();
