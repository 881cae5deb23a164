// The experiment config's schema (lib/conf/schema.ts: errors name the key, the expectation and the
// value found) and what lib/cli/build-experiment.ts makes of a valid config.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as torch from '../lib/index.ts';
import { buildExperiment, buildModel, trainerOptions } from '../lib/cli/build-experiment.ts';
import { validateExperiment } from '../lib/conf/schema.ts';
import { ConfigValidationError } from '../lib/conf/validation-error.ts';

const base = (): Record<string, unknown> => ({
  name: 'mnist',
  seed: 0,
  ckpt_path: null,
  model: { kind: 'mlp', in_features: 784, hidden: [32], activation: 'relu', dropout: 0, num_classes: 10 },
  optimizer: { name: 'sgd', lr: 0.3, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false },
  scheduler: { name: 'step', interval: 'epoch', step_size: 1, gamma: 0.5 },
  data: {
    name: 'embedded_mnist',
    batch_size: 64,
    train_size: 640,
    test_size: 200,
    num_workers: 0,
    input_size: 784,
    channels: 1,
    image_size: 28,
    num_classes: 10,
  },
  trainer: {
    max_epochs: 2,
    max_steps: -1,
    min_epochs: 0,
    device: 'cpu',
    precision: '32-true',
    accumulate_grad_batches: 1,
    gradient_clip_val: null,
    gradient_clip_algorithm: 'norm',
    val_check_interval: 1.0,
    check_val_every_n_epoch: 1,
    limit_train_batches: 1.0,
    limit_val_batches: 1.0,
    log_every_n_steps: 5,
    deterministic: false,
    enable_progress_bar: false,
    enable_checkpointing: true,
    enable_curves: false,
    native_loop: 'auto',
  },
  logger: { kind: 'csv', save_dir: '.' },
  checkpoint: { monitor: 'val/acc', mode: 'max', save_top_k: 1, save_last: false, filename: 'best' },
  early_stopping: null,
});

test('validateExperiment: a valid config passes typed; every problem names its key, what was expected and what was found', () => {
  assert.equal(validateExperiment(base()).model.kind, 'mlp');
  const bad = base();
  (bad.optimizer as Record<string, unknown>).lr = 'fast';
  (bad.trainer as Record<string, unknown>).precision = 'fp8';
  (bad.data as Record<string, unknown>).extra = 1;
  const error = (() => {
    try {
      validateExperiment(bad);
    } catch (caught) {
      return caught as ConfigValidationError;
    }
    throw new Error('no error');
  })();
  assert.ok(error instanceof ConfigValidationError);
  const text = error.issues.join('\n');
  assert.match(text, /optimizer\.lr: .*number.* \(found "fast"\)/);
  assert.match(text, /trainer\.precision: .*\(found "fp8"\)/);
  assert.match(text, /data: .*extra/);
  assert.throws(() => validateExperiment({ ...base(), model: { kind: 'transformer' } }), /model\.kind/);
});

test('trainerOptions maps the snake_case trainer group onto the Trainer, dropping nulls', () => {
  const options = trainerOptions(validateExperiment(base()).trainer);
  assert.equal(options.maxEpochs, 2);
  assert.equal(options.logEveryNSteps, 5);
  assert.equal('gradientClipVal' in options, false);
  assert.equal(options.nativeLoop, 'auto');
});

test('buildModel: the mlp and cnn options make the layers they describe', () => {
  const mlp = buildModel({ kind: 'mlp', in_features: 784, hidden: [64, 32], activation: 'tanh', dropout: 0.1, num_classes: 10 });
  assert.deepEqual(
    [...(mlp as torch.nn.Sequential)].map((layer) => layer.constructor.name),
    ['Flatten', 'Linear', 'Tanh', 'Dropout', 'Linear', 'Tanh', 'Dropout', 'Linear'],
  );
  const cnn = buildModel({
    kind: 'cnn',
    in_channels: 1,
    channels: [4, 8],
    kernel_size: 3,
    batch_norm: true,
    dropout: 0,
    image_size: 28,
    num_classes: 10,
  });
  assert.deepEqual(
    torch.noGrad(() => (cnn.eval().forward(torch.zeros([2, 1, 28, 28])) as torch.Tensor).shape),
    [2, 10],
  );
});

test('buildExperiment: the config trains (native loop), logs into the run folder and checkpoints', async () => {
  const runDir = mkdtempSync(path.join(tmpdir(), 'nodetorch-experiment-'));
  const config = validateExperiment(base());
  const { module, trainer, trainLoader, testLoader } = await buildExperiment(config, runDir);
  await trainer.fit(module, trainLoader, testLoader);
  assert.equal(trainer.usesNativeLoop, true);
  assert.equal(trainer.currentEpoch, 2);
  assert.ok(trainer.callbackMetrics.get('val/acc')! > 0.5);
  assert.equal(trainer.logger!.logDir, path.join(runDir, 'mnist', 'version_0'));
  assert.equal(trainer.optimizers[0]!.paramGroups[0]!.lr, 0.3 * 0.5 * 0.5, 'StepLR stepped per epoch');
});

test.run();
