/**
 * `nodetorch eval ckpt=PATH [overrides...]` and `nodetorch predict ckpt=PATH input=FILE [topk=N]`:
 * a checkpoint's run folder holds the overrides it was trained with (.hydra/overrides.yaml), so
 * the same config is composed again (plus any new overrides), the model is rebuilt and the
 * checkpoint's weights are loaded into it.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { compose } from '../../conf/compose.js';
import { validateExperiment, type ExperimentConfig } from '../../conf/schema.js';
import { load } from '../../io/serialization.js';
import { noGrad } from '../../tensor/autograd.js';
import { stack, tensor } from '../../tensor/creation.js';
import type { Tensor } from '../../tensor/tensor.js';
import { decodeGrayPng } from '../../train/loggers/png.js';
import { buildExperiment, type Experiment } from '../build-experiment.js';
import { UsageError } from '../exit-codes.js';
import { configDirOf, requireNoMissing, type ConfigOptions } from './train.js';

/** Splits `name=value` arguments the command itself takes (ckpt=, input=, ...) from config overrides. */
export function takeArguments(args: readonly string[], names: readonly string[]): { taken: Record<string, string>; overrides: string[] } {
  const taken: Record<string, string> = {};
  const overrides: string[] = [];
  for (const arg of args) {
    const at = arg.indexOf('=');
    const name = at > 0 ? arg.slice(0, at) : '';
    if (names.includes(name)) taken[name] = arg.slice(at + 1);
    else overrides.push(arg);
  }
  return { taken, overrides };
}

/** The overrides a checkpoint was trained with: `.hydra/overrides.yaml` in a folder above it, or none. */
export function trainedOverrides(ckptPath: string): string[] {
  for (let dir = path.dirname(path.resolve(ckptPath)); ; dir = path.dirname(dir)) {
    const file = path.join(dir, '.hydra', 'overrides.yaml');
    if (existsSync(file)) return (parse(readFileSync(file, 'utf8')) as string[] | null) ?? [];
    if (path.dirname(dir) === dir) return [];
  }
}

/** The experiment of a checkpoint, with its weights loaded (no logger, no progress bar, no checkpoints). */
export async function experimentFromCheckpoint(
  ckptPath: string,
  overrides: readonly string[],
  options: ConfigOptions,
): Promise<{ config: ExperimentConfig; experiment: Experiment }> {
  if (!existsSync(ckptPath)) throw new UsageError(`ckpt: ${ckptPath} does not exist`);
  const composed = compose({
    configDir: configDirOf(options),
    configName: options.configName,
    overrides: [...trainedOverrides(ckptPath), ...overrides],
  });
  requireNoMissing(composed.config);
  const config = validateExperiment(composed.config);
  const quiet: ExperimentConfig = {
    ...config,
    logger: null,
    checkpoint: null,
    trainer: { ...config.trainer, enable_progress_bar: false, enable_checkpointing: false, enable_curves: false },
  };
  const experiment = await buildExperiment(quiet, path.dirname(path.resolve(ckptPath)));
  const checkpoint = await load<{ state_dict?: Record<string, Tensor> }>(ckptPath);
  if (!checkpoint.state_dict) throw new UsageError(`ckpt: ${ckptPath} is not a training checkpoint (no state_dict)`);
  experiment.module.loadStateDict(checkpoint.state_dict);
  return { config, experiment };
}

/** Adds `eval` and `predict` to `program`. */
export function addEvaluateCommands(program: Command): void {
  program
    .command('eval')
    .description("test a checkpoint on its config's test split: nodetorch eval ckpt=PATH [overrides...]")
    .argument('<args...>', 'ckpt=PATH, then Hydra overrides')
    .option('--config-dir <dir>', "a folder of configs to use instead of the package's")
    .option('--config-name <name>', 'the primary config', 'config')
    .action(async (args: string[], options: ConfigOptions) => {
      const { taken, overrides } = takeArguments(args, ['ckpt']);
      if (!taken.ckpt) throw new UsageError('eval needs ckpt=PATH');
      const { experiment } = await experimentFromCheckpoint(taken.ckpt, overrides, options);
      const [metrics] = await experiment.trainer.test(experiment.module, experiment.testLoader);
      console.log(JSON.stringify({ ckpt: taken.ckpt, ...metrics }));
    });
  program
    .command('predict')
    .description('classify images with a checkpoint: nodetorch predict ckpt=PATH input=FILE.png|FILE.json [topk=3]')
    .argument('<args...>', 'ckpt=PATH input=FILE [topk=N], then Hydra overrides')
    .option('--config-dir <dir>', "a folder of configs to use instead of the package's")
    .option('--config-name <name>', 'the primary config', 'config')
    .action(async (args: string[], options: ConfigOptions) => {
      const { taken, overrides } = takeArguments(args, ['ckpt', 'input', 'topk']);
      if (!taken.ckpt || !taken.input) throw new UsageError('predict needs ckpt=PATH and input=FILE');
      const topk = Number(taken.topk ?? 3);
      if (!Number.isInteger(topk) || topk < 1) throw new UsageError(`topk must be a positive integer, got '${taken.topk}'`);
      const { config, experiment } = await experimentFromCheckpoint(taken.ckpt, overrides, options);
      const images = readInputs(taken.input, config.data.image_size);
      const module = experiment.module.eval();
      const probabilities = noGrad(() => module.forward(images).softmax(1));
      const k = Math.min(topk, probabilities.shape[1]!);
      const rows = probabilities.toArray() as number[][];
      rows.forEach((row, index) => {
        const ranked = row
          .map((p, label) => ({ label, probability: p }))
          .sort((a, b) => b.probability - a.probability)
          .slice(0, k);
        console.log(JSON.stringify({ input: taken.input, index, prediction: ranked[0]!.label, top: ranked }));
      });
    });
}

/** A batch (N, 1, S, S) from a PNG (one image) or JSON (one image or a list: nested arrays or S*S numbers in [0, 1]). */
export function readInputs(file: string, size: number): Tensor {
  if (!existsSync(file)) throw new UsageError(`input: ${file} does not exist`);
  const check = (image: Tensor, where: string): Tensor => {
    const [height, width] = image.shape.slice(-2);
    if (height !== size || width !== size)
      throw new UsageError(`input: ${where} is ${width}x${height}; the model takes ${size}x${size} images`);
    return image.reshape([1, size, size]);
  };
  if (file.endsWith('.png')) return stack([check(decodeGrayPng(readFileSync(file), file), file)]);
  if (!file.endsWith('.json')) throw new UsageError(`input: ${file} must be a .png image or a .json array of pixels`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`input: ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const depth = (value: unknown): number => (Array.isArray(value) ? 1 + depth(value[0]) : 0);
  // One image is S*S numbers or S rows of S; a list of images has one more level.
  const single =
    depth(parsed) === 1 ? (parsed as unknown[]).length === size * size : depth(parsed) === 2 && (parsed as unknown[]).length === size;
  const images = (single ? [parsed] : (parsed as unknown[])).map((image, i) => {
    const flat = (image as unknown[]).flat(2);
    if (flat.some((v) => typeof v !== 'number' || !Number.isFinite(v)))
      throw new UsageError(`input: image ${i} of ${file} holds something other than finite numbers`);
    if (flat.length !== size * size)
      throw new UsageError(`input: image ${i} of ${file} has ${flat.length} values; the model takes ${size * size}`);
    return tensor(flat as number[], { dtype: 'float32' }).reshape([1, size, size]);
  });
  if (images.length === 0) throw new UsageError(`input: ${file} holds no images`);
  return stack(images);
}
