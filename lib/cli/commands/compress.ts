/**
 * `nodetorch compress [overrides...]`: compose configs/compress.yaml (Hydra's grammar: the `model`,
 * `optimizer` and `data` groups of `train`, plus `variants=[...]`, `epochs=`, `prune_amounts=[...]`
 * ...), train the fp32 model, make and measure its compressed variants (lib/compress), and write
 * results.json and results.md (atomically) and each variant's file under models/ in the Hydra run
 * folder. `--cfg job` prints the config instead.
 * @module
 */
import path from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { MissingLayersError } from '../../compress/layers.js';
import { compressModel, type CompressionReport } from '../../compress/pipeline.js';
import { formatCompressionTable } from '../../compress/table.js';
import { VARIANTS } from '../../compress/variants.js';
import { compose, type ComposeResult } from '../../conf/compose.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { manualSeed } from '../../tensor/creation.js';
import { buildLoaders, buildModel, buildOptimizer } from '../build-experiment.js';
import { UsageError } from '../exit-codes.js';
import { runDirOf, teeOutput, writeHydraFiles } from '../run-folder.js';
import { validateCompressConfig } from './compress-config.js';
import { configDirOf, groupsHelp, requireNoMissing, type ConfigOptions } from './train.js';

/** What `compress` writes to results.json: the report, the run folder and the overrides that made it. */
export interface CompressResult extends CompressionReport {
  /** The run folder. */
  runDir: string;
  /** The command's task overrides. */
  overrides: string[];
  /** The model config's kind ('mlp' or 'cnn'). */
  model: string;
}

/** Runs one composed compress job in its run folder; returns what it wrote to results.json. */
export async function compressJob(composed: ComposeResult): Promise<CompressResult> {
  requireNoMissing(composed.config);
  const config = validateCompressConfig(composed.config);
  const runDir = runDirOf(composed);
  await writeHydraFiles(runDir, composed);
  const stopTee = teeOutput(path.join(runDir, 'compress.log'));
  try {
    const { trainLoader, testLoader } = await buildLoaders(config);
    manualSeed(config.seed);
    const model = buildModel(config.model);
    console.log(`[nodetorch] run folder: ${runDir}`);
    let report: CompressionReport;
    try {
      report = await compressModel({
        model,
        trainLoader,
        testLoader,
        optimizer: (params) => buildOptimizer(config.optimizer, params),
        outputDir: path.join(runDir, 'models'),
        variants: config.variants,
        trainEpochs: config.epochs,
        fineTuneEpochs: config.finetune_epochs,
        pruneAmounts: config.prune_amounts,
        structuredAmount: config.structured_amount,
        calibrationBatches: config.calibration_batches,
        batchSizes: config.latency.batch_sizes,
        latency: { warmup: config.latency.warmup, runs: config.latency.runs },
        threads: config.threads,
        seed: config.seed,
        log: (line) => console.log(`[nodetorch] ${line}`),
      });
    } catch (error) {
      // A model without the layers a variant needs is a config problem: nothing was trained.
      if (error instanceof MissingLayersError) throw new UsageError(`${error.message} (model=${config.model.kind})`);
      throw error;
    }
    const result: CompressResult = { runDir, overrides: composed.taskOverrides, model: config.model.kind, ...report };
    const table = formatCompressionTable(report, `# nodetorch compress: ${config.model.kind}`);
    const command = `nodetorch compress ${composed.taskOverrides.join(' ')}`.trim();
    await writeFileAtomic(path.join(runDir, 'results.json'), JSON.stringify(result, null, 2) + '\n');
    await writeFileAtomic(path.join(runDir, 'results.md'), `${table}\n\nCommand: \`${command}\`\n`);
    console.log(`\n${table}\n`);
    console.log(`[nodetorch] results: ${path.join(runDir, 'results.json')} and results.md`);
    return result;
  } finally {
    await stopTee();
  }
}

function variantsHelp(): string {
  return Object.entries(VARIANTS)
    .map(([name, what]) => `  ${name}: ${what}`)
    .join('\n');
}

/** Adds `compress` to `program`. */
export function addCompressCommand(program: Command): void {
  const defaultDir = configDirOf({ configName: 'compress' });
  program
    .command('compress')
    .description(
      'train a model, then make and measure its pruned, int8 and compiled variants (accuracy, file size, latency): nodetorch compress model=cnn variants=[fp32,static_int8] epochs=2',
    )
    .argument('[overrides...]', 'Hydra overrides: key=value, group=option (configs/compress.yaml)')
    .option('--cfg <which>', 'print the config instead of running: job')
    .option('--config-dir <dir>', "a folder of configs to use instead of the package's")
    .option('--config-name <name>', 'the primary config', 'compress')
    .addHelpText('after', `${groupsHelp(defaultDir)}\n\n== Variants (variants=[...]) ==\n${variantsHelp()}`)
    .action(async (overrides: string[], options: ConfigOptions & { cfg?: string }) => {
      if (options.cfg !== undefined && options.cfg !== 'job') throw new UsageError(`--cfg must be job, got '${options.cfg}'`);
      const composed = compose({ configDir: configDirOf(options), configName: options.configName, overrides });
      if (options.cfg) return void process.stdout.write(stringify(composed.config));
      await compressJob(composed);
    });
}
