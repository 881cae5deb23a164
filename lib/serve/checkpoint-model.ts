/**
 * A nodetorch training checkpoint as a servable model: its `hyper_parameters` hold the experiment
 * config it was trained with, so the model is rebuilt from the `model` section, the weights are
 * loaded from `state_dict` (the LightningModule's `model.` prefix removed), and the model is traced
 * on a batch of the `data` section's image shape, as `nodetorch export` does: images in, logits out,
 * any batch size.
 * @module
 */
import { load } from '../io/serialization.js';
import { trace } from '../jit/trace.js';
import type { ScriptModule } from '../jit/script-module.js';
import { zeros } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ModelBuilder } from './load-model.js';

interface CheckpointContents {
  state_dict?: Record<string, Tensor>;
  hyper_parameters?: { model?: Record<string, unknown>; data?: { channels?: number; image_size?: number } };
}

/** Rebuilds, loads and traces the model of a checkpoint file. */
export async function loadCheckpointModel(file: string, buildModel: ModelBuilder): Promise<ScriptModule> {
  const checkpoint = await load<CheckpointContents>(file);
  const config = checkpoint.hyper_parameters;
  if (!checkpoint.state_dict || !config?.model || !config.data)
    throw new Error(`${file} is not a nodetorch training checkpoint (it needs state_dict and hyper_parameters.model/data)`);
  const { channels, image_size: size } = config.data;
  if (!Number.isInteger(channels) || !Number.isInteger(size))
    throw new Error(`${file}: hyper_parameters.data must give integer channels and image_size`);
  const model = buildModel(config.model);
  const prefix = 'model.';
  const weights = Object.fromEntries(
    Object.entries(checkpoint.state_dict)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
  model.loadStateDict(weights);
  model.eval();
  const example = zeros([2, channels!, size!, size!]);
  try {
    return trace(model, example, { inputNames: ['images'], outputNames: ['logits'] });
  } finally {
    example.dispose();
  }
}
