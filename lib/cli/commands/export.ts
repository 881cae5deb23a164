/**
 * `nodetorch export ckpt=PATH format=torchscript|onnx [optimize=true] [output=FILE] [opset=17]`:
 * rebuilds a checkpoint's model from the config it was trained with (as `eval` does), traces it
 * on an example batch of the config's image size, and writes a TorchScript file (optionally
 * frozen and optimized for inference) or an ONNX file with a dynamic batch axis. The file is
 * written atomically; a JSON line reports where it went and what its signature is.
 * @module
 */
import path from 'node:path';
import type { Command } from 'commander';
import { trace } from '../../jit/trace.js';
import { exportModel as exportOnnx } from '../../onnx/export.js';
import { zeros } from '../../tensor/creation.js';
import { UsageError } from '../exit-codes.js';
import { experimentFromCheckpoint, takeArguments } from './evaluate.js';
import type { ConfigOptions } from './train.js';

/** The formats `export` writes. */
const FORMATS = ['torchscript', 'onnx'] as const;
type Format = (typeof FORMATS)[number];

/** Names in the exported signature (and the ONNX graph): a batch of images in, class scores out. */
const INPUT_NAME = 'images';
const OUTPUT_NAME = 'logits';

/** The export settings from the command's own arguments; bad values are usage errors naming them. */
export function exportSettings(taken: Record<string, string>): { format: Format; optimize: boolean; opset: number; output?: string } {
  const format = (taken.format ?? 'torchscript') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`format must be one of ${FORMATS.join(', ')}, got '${taken.format}'`);
  const optimize = parseBoolean(taken.optimize ?? 'false', 'optimize');
  const opset = Number(taken.opset ?? 17);
  if (!Number.isInteger(opset)) throw new UsageError(`opset must be an integer, got '${taken.opset}'`);
  if (format === 'onnx' && taken.optimize !== undefined && optimize)
    throw new UsageError('optimize=true applies to format=torchscript (ONNX runtimes optimize the graph themselves)');
  return { format, optimize, opset, ...(taken.output ? { output: taken.output } : {}) };
}

function parseBoolean(value: string, name: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new UsageError(`${name} must be true or false, got '${value}'`);
}

/** The output file next to the checkpoint: `last.ckpt` -> `last.pt` / `last.optimized.pt` / `last.onnx`. */
export function defaultOutput(ckpt: string, format: Format, optimize: boolean): string {
  const base = path.join(path.dirname(ckpt), path.basename(ckpt, path.extname(ckpt)));
  return format === 'onnx' ? `${base}.onnx` : `${base}${optimize ? '.optimized' : ''}.pt`;
}

/** Adds `export` to `program`. */
export function addExportCommand(program: Command): void {
  program
    .command('export')
    .description(
      'export a checkpoint for inference: nodetorch export ckpt=PATH format=torchscript|onnx [optimize=true] [output=FILE] [opset=17] [overrides...]',
    )
    .argument('<args...>', 'ckpt=PATH format=torchscript|onnx [optimize=true] [output=FILE] [opset=N], then Hydra overrides')
    .option('--config-dir <dir>', "a folder of configs to use instead of the package's")
    .option('--config-name <name>', 'the primary config', 'config')
    .action(async (args: string[], options: ConfigOptions) => {
      const { taken, overrides } = takeArguments(args, ['ckpt', 'format', 'optimize', 'output', 'opset']);
      if (!taken.ckpt) throw new UsageError('export needs ckpt=PATH');
      const settings = exportSettings(taken);
      const { config, experiment } = await experimentFromCheckpoint(taken.ckpt, overrides, options);
      const model = experiment.module.model.eval();
      const example = zeros([2, config.data.channels, config.data.image_size, config.data.image_size]);
      const output = settings.output ?? defaultOutput(taken.ckpt, settings.format, settings.optimize);
      if (settings.format === 'onnx') {
        await exportOnnx(model, [example], output, {
          opsetVersion: settings.opset,
          inputNames: [INPUT_NAME],
          outputNames: [OUTPUT_NAME],
          dynamicAxes: { [INPUT_NAME]: { 0: 'batch' }, [OUTPUT_NAME]: { 0: 'batch' } },
        });
        console.log(JSON.stringify({ ckpt: taken.ckpt, format: 'onnx', output, opset: settings.opset }));
        return;
      }
      const traced = trace(model, example, { inputNames: [INPUT_NAME], outputNames: [OUTPUT_NAME] });
      const module = settings.optimize ? traced.optimizeForInference() : traced;
      await module.save(output);
      console.log(
        JSON.stringify({ ckpt: taken.ckpt, format: 'torchscript', optimized: settings.optimize, output, signature: module.signature }),
      );
    });
}
