/**
 * Training and fine-tuning a classifier with the Trainer (cross-entropy, the caller's optimizer,
 * nothing logged or checkpointed), as the pipeline does for the fp32 model and after pruning.
 * @module
 */
import { CrossEntropyLoss } from '../nn/layers/loss.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Tensor } from '../tensor/tensor.js';
import { SupervisedModule } from '../train/supervised-module.js';
import { Trainer, type Loader } from '../train/trainer.js';

/** Options of {@link fitClassifier}. */
export interface FitClassifierOptions {
  /** Epochs over the loader. */
  epochs: number;
  /** Makes the optimizer from the model's parameters. */
  optimizer: (params: Tensor[]) => Optimizer;
  /** Seeds the fit (the Trainer's `seed`). */
  seed?: number;
  /** Where the Trainer may write (it writes nothing here: no logger, no checkpoints, no curves). */
  rootDir?: string;
}

/**
 * Trains `model` in place on `loader` for `epochs` epochs with cross-entropy; leaves it in eval
 * mode. A pruned model trains through its masks (the Trainer steps it from JS then).
 */
export async function fitClassifier(model: Module, loader: Loader, options: FitClassifierOptions): Promise<void> {
  if (!Number.isInteger(options.epochs) || options.epochs < 0)
    throw new RangeError(`compress: epochs must be an integer >= 0, got ${options.epochs}`);
  if (options.epochs > 0) {
    const module = new SupervisedModule(model, { loss: new CrossEntropyLoss(), optimizer: options.optimizer });
    const trainer = new Trainer({
      maxEpochs: options.epochs,
      enableProgressBar: false,
      enableCheckpointing: false,
      enableCurves: false,
      logger: false,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.rootDir === undefined ? {} : { defaultRootDir: options.rootDir }),
    });
    await trainer.fit(module, loader);
  }
  model.eval();
}
