/**
 * `nodetorch train [overrides...]`: compose the config (Hydra's grammar and semantics), validate it,
 * train and test in a Hydra run folder; `-m` runs the cartesian product of the sweeps, one job
 * after another as Hydra's basic launcher does. `--cfg job|hydra|all` prints the config instead.
 * @module
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { compose, type ComposeResult } from '../../conf/compose.js';
import { createFileRepository } from '../../conf/defaults/index.js';
import { MISSING, isContainer, type ConfigValue } from '../../conf/omegaconf/index.js';
import { sweepJobs } from '../../conf/overrides/index.js';
import { validateExperiment } from '../../conf/schema.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { packageRoot } from '../../native.js';
import { ModelCheckpoint } from '../../train/callbacks/model-checkpoint.js';
import { buildExperiment } from '../build-experiment.js';
import { UsageError } from '../exit-codes.js';
import { runDirOf, teeOutput, writeHydraFiles, writeMultirunFile } from '../run-folder.js';

/** Options every config-driven command takes. */
export interface ConfigOptions {
  configDir?: string;
  configName: string;
}

/** What one training job leaves in its run folder's result.json (sweeps read it). */
export interface JobResult {
  runDir: string;
  metrics: Record<string, number>;
  bestModelPath: string | null;
  nativeLoop: boolean;
  seconds: number;
}

/** The config folder: `--config-dir`, else the package's configs/. */
export function configDirOf(options: ConfigOptions): string {
  return path.resolve(options.configDir ?? path.join(packageRoot(), 'configs'));
}

/** Hydra's `--help` section listing the config groups and their options. */
export function groupsHelp(configDir: string): string {
  const repo = createFileRepository(configDir);
  const groups = (dir: string, prefix = ''): string[] =>
    readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((entry) => {
        const group = prefix + entry.name;
        return [`${group}: ${repo.listGroup(group).join(', ')}`, ...groups(path.join(dir, entry.name), `${group}/`)];
      });
  const exists = statSync(configDir, { throwIfNoEntry: false })?.isDirectory() ?? false;
  return [
    '',
    '== Configuration groups ==',
    'Compose your configuration from those groups (group=option)',
    '',
    ...(exists ? groups(configDir) : [`(no config folder at ${configDir})`]),
    '',
    '== Overrides ==',
    'key=value changes a value, +key=value adds one, ++key=value adds or changes, ~key deletes;',
    'a,b,c / choice() / range() / glob() sweep with -m. Example:',
    '  nodetorch train model=cnn optimizer=adam optimizer.lr=0.003 trainer.max_epochs=5',
    '  nodetorch train -m optimizer.lr=0.1,0.01 model=mlp,cnn',
  ].join('\n');
}

/** Adds `train` to `program`. */
export function addTrainCommand(program: Command): void {
  const defaultDir = configDirOf({ configName: 'config' });
  program
    .command('train')
    .description('train from the composed config (Hydra-style overrides); -m sweeps')
    .argument('[overrides...]', 'Hydra overrides: key=value, +key=value, ~key, group=option')
    .option('-m, --multirun', 'run every combination of the sweeps in the overrides')
    .option('--cfg <which>', 'print the config instead of running: job, hydra or all')
    .option('--profile', "profile a few training steps (as +profiler=pytorch) into the run folder's profiler/")
    .option('--config-dir <dir>', "a folder of configs to use instead of the package's", undefined)
    .option('--config-name <name>', 'the primary config', 'config')
    .addHelpText('after', groupsHelp(defaultDir))
    .action(async (given: string[], options: ConfigOptions & { multirun?: boolean; cfg?: string; profile?: boolean }) => {
      const configDir = configDirOf(options);
      const overrides = options.profile ? withProfiler(given) : given;
      if (options.cfg !== undefined && !['job', 'hydra', 'all'].includes(options.cfg))
        throw new UsageError(`--cfg must be job, hydra or all, got '${options.cfg}'`);
      if (!options.multirun) {
        const composed = compose({ configDir, configName: options.configName, overrides });
        if (options.cfg) return void process.stdout.write(printedConfig(composed, options.cfg));
        await trainJob(composed);
        return;
      }
      const jobs = sweepJobs(overrides);
      const first = compose({ configDir, configName: options.configName, overrides: jobs[0] ?? [], mode: 'MULTIRUN' });
      if (options.cfg) return void process.stdout.write(printedConfig(first, options.cfg));
      const sweepDir = path.resolve(String((first.hydra.sweep as Record<string, unknown>).dir));
      await writeMultirunFile(sweepDir, first);
      console.log(`[nodetorch] Launching ${jobs.length} jobs locally in ${sweepDir}`);
      // Compose every job first: a bad combination stops the sweep before anything trains.
      const composedJobs = jobs.map((job, jobNum) =>
        compose({ configDir, configName: options.configName, overrides: job, mode: 'MULTIRUN', jobNum }),
      );
      for (const [jobNum, composed] of composedJobs.entries()) {
        console.log(`[nodetorch] \t#${jobNum} : ${composed.taskOverrides.join(' ')}`);
        await trainJob(composed);
      }
    });
}

/** `--profile`: `+profiler=pytorch`, unless the overrides pick a profiler already. */
function withProfiler(overrides: string[]): string[] {
  return overrides.some((override) => /^[+~]*profiler(=|$)/.test(override)) ? overrides : [...overrides, '+profiler=pytorch'];
}

function printedConfig(composed: ComposeResult, which: string): string {
  if (which === 'job') return stringify(composed.config);
  if (which === 'hydra') return stringify({ hydra: composed.hydra });
  return stringify({ hydra: composed.hydra, ...composed.config });
}

/** Throws a usage error naming the first `???` value left in `config`. */
export function requireNoMissing(config: ConfigValue, prefix = ''): void {
  if (config === MISSING) throw new UsageError(`Missing mandatory value: ${prefix}`);
  if (!isContainer(config)) return;
  for (const [key, value] of Object.entries(config as Record<string, ConfigValue>)) {
    const name = Array.isArray(config) ? `${prefix}[${key}]` : prefix ? `${prefix}.${key}` : key;
    requireNoMissing(value, name);
  }
}

/** Validates, trains and tests one composed job in its run folder; returns what it wrote to result.json. */
export async function trainJob(composed: ComposeResult): Promise<JobResult> {
  requireNoMissing(composed.config);
  const config = validateExperiment(composed.config);
  const runDir = runDirOf(composed);
  await writeHydraFiles(runDir, composed);
  const stopTee = teeOutput(path.join(runDir, `${String((composed.hydra.job as Record<string, unknown>).name)}.log`));
  try {
    const started = performance.now();
    const { module, trainer, trainLoader, testLoader } = await buildExperiment(config, runDir);
    console.log(`[nodetorch] run folder: ${runDir}`);
    await trainer.fit(module, trainLoader, testLoader, { ckptPath: config.ckpt_path ?? undefined });
    const [metrics] = await trainer.test(module, testLoader);
    const checkpoint = trainer.callbacks.find((callback): callback is ModelCheckpoint => callback instanceof ModelCheckpoint);
    const result: JobResult = {
      runDir,
      metrics: { ...Object.fromEntries(trainer.callbackMetrics), ...metrics },
      bestModelPath: checkpoint?.bestModelPath || null,
      nativeLoop: trainer.usesNativeLoop,
      seconds: (performance.now() - started) / 1000,
    };
    await writeFileAtomic(path.join(runDir, 'result.json'), JSON.stringify(result, null, 2) + '\n');
    const accuracy = metrics!['test/acc'];
    console.log(
      `[nodetorch] test accuracy ${accuracy === undefined ? 'n/a' : `${(accuracy * 100).toFixed(2)}%`} ` +
        `(${result.seconds.toFixed(1)} s, ${result.nativeLoop ? 'native epoch loop' : 'steps from JS'})`,
    );
    return result;
  } finally {
    await stopTee();
  }
}
