/**
 * `nodetorch sweep sweep.yaml [overrides...]`: a W&B sweep configuration (unchanged format) run
 * locally, each trial a `nodetorch train` child process with the trial's params as overrides
 * (plus the extra ones given here) in `<sweep dir>/trials/<id>`, `--agents` of them at once.
 * The state file makes an interrupted sweep resume where it stopped (`--sweep-dir` of an
 * existing sweep); at the end come the results table, the best trial and a
 * parallel-coordinates plot (lib/cli/sweep/).
 * @module
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { compose } from '../../conf/compose.js';
import { parseOverride } from '../../conf/overrides/index.js';
import { validateExperiment } from '../../conf/schema.js';
import { createSearch, parseSweepConfig, toOverrides } from '../../sweep/index.js';
import { UsageError } from '../exit-codes.js';
import { writeReport } from '../sweep/report.js';
import { SweepRunner } from '../sweep/runner.js';
import { historyOf, openState, statePath, type SweepState } from '../sweep/state.js';
import { defaultTrialCommand } from '../sweep/trial-command.js';
import { configDirOf, requireNoMissing } from './train.js';

/** The options of `nodetorch sweep`. */
export interface SweepCommandOptions {
  agents: number;
  sweepDir?: string;
  seed?: number;
  configDir?: string;
  configName?: string;
}

const integer = (min: number) => (text: string) => {
  const value = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min)
    throw new InvalidArgumentError(`expected an integer >= ${min}, got '${text}'`);
  return value;
};

/** Adds `sweep` to `program`. */
export function addSweepCommand(program: Command): void {
  program
    .command('sweep')
    .description('run a W&B sweep configuration (grid, random, bayes = TPE; hyperband / median early termination) locally')
    .argument('<sweep-file>', 'the sweep configuration: YAML in W&B format')
    .argument('[overrides...]', 'Hydra overrides added to every trial (e.g. trainer.max_epochs=3)')
    .option('--agents <n>', 'trials run at once, one process each', integer(1), 1)
    .option('--sweep-dir <dir>', 'the sweep folder; one holding a sweep resumes it (default: sweeps/<date>/<time>)')
    .option('--seed <n>', 'seed of the search (default 0; a resumed sweep keeps its own)', integer(Number.MIN_SAFE_INTEGER))
    .option('--config-dir <dir>', "a folder of configs to use instead of the package's")
    .option('--config-name <name>', 'the primary config (default: config)')
    .addHelpText(
      'after',
      [
        '',
        'Each trial runs `nodetorch train <params as overrides> <overrides> hydra.run.dir=<sweep dir>/trials/<id>`.',
        'The sweep folder holds sweep-state.json (rewritten after every change), the trials, results.csv,',
        'best.json + best-config.yaml and parallel-coordinates.svg/.png. Ctrl-C stops the trials (the Trainer',
        'checkpoints them) and exits 130; the same command with --sweep-dir resumes: no trial is lost or run twice.',
        'Example:',
        '  nodetorch sweep sweep.yaml --agents 2 trainer.max_epochs=3',
      ].join('\n'),
    )
    .action(async (file: string, overrides: string[], options: SweepCommandOptions) => {
      const code = await sweepCommand(file, overrides, options);
      // 130 for Ctrl-C, as a shell reports it; main() only knows 0, 1 and 2.
      if (code !== 0) process.exit(code);
    });
}

/** The default sweep folder: `sweeps/YYYY-MM-DD/HH-MM-SS` (local time) under the current directory. */
export function defaultSweepDir(date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return path.resolve('sweeps', day, `${pad(date.getHours())}-${pad(date.getMinutes())}-${pad(date.getSeconds())}`);
}

/** Rejects extra overrides that do not parse, sweep, or set what the sweep sets per trial. */
function checkExtraOverrides(overrides: readonly string[]): void {
  for (const text of overrides) {
    const override = parseOverride(text); // an OverrideParseError points at the column
    if (override.sweep !== null)
      throw new UsageError(`'${text}' sweeps; the sweep file's parameters are what a sweep varies (or give one value)`);
    if (override.key === 'hydra.run.dir')
      throw new UsageError('hydra.run.dir is set by the sweep: each trial runs in <sweep dir>/trials/<id>');
  }
}

// Composes and validates the first trial to run, so a bad parameter name or value is a usage
// error before anything starts (later trials can still fail alone: they are marked 'failed').
function checkFirstTrial(state: SweepState): void {
  const pending = state.trials.find((trial) => trial.state === 'running')?.overrides;
  const suggested = createSearch(state.config, { seed: state.seed }).suggest(historyOf(state));
  let overrides = pending ?? null;
  try {
    overrides ??= suggested ? toOverrides(suggested.params) : null;
  } catch (error) {
    throw new UsageError(`the sweep's parameters cannot be written as overrides: ${(error as Error).message}`);
  }
  if (!overrides) return;
  const composed = compose({
    configDir: state.configDir,
    configName: state.configName,
    overrides: [...overrides, ...state.extraOverrides],
  });
  requireNoMissing(composed.config);
  validateExperiment(composed.config);
}

/** Runs `nodetorch sweep`; resolves with the exit code (0, 1 when every trial failed, 130 when interrupted). */
export async function sweepCommand(file: string, overrides: string[], options: SweepCommandOptions): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the sweep file ${file}: ${(error as Error).message}`);
  }
  const config = parseSweepConfig(text);
  checkExtraOverrides(overrides);
  const sweepDir = path.resolve(options.sweepDir ?? defaultSweepDir());
  const defaults = { configDir: configDirOf({ configName: 'config' }), configName: 'config' };
  const configDir = options.configDir === undefined ? undefined : configDirOf({ configDir: options.configDir, configName: 'config' });
  const state = openState(
    sweepDir,
    { sweepFile: file, config, seed: options.seed, extraOverrides: overrides, configDir, configName: options.configName },
    defaults,
  );
  checkFirstTrial(state);
  const log = (line: string) => console.log(`[sweep] ${line}`);
  if (config.program !== undefined || config.command !== undefined)
    log("note: the sweep file's program/command keys are ignored: each trial runs `nodetorch train`");
  mkdirSync(sweepDir, { recursive: true });
  const done = state.trials.filter((trial) => trial.state !== 'running').length;
  log(`${state.trials.length ? `resuming (${done} trials done)` : 'sweep folder'}: ${sweepDir}`);
  log(`state: ${statePath(sweepDir)}; resume with --sweep-dir ${sweepDir}`);
  if ((config.method === 'random' || config.method === 'bayes') && config.run_cap === undefined && config.metric?.target === undefined)
    log('no run_cap: the sweep runs until Ctrl-C');

  const runner = new SweepRunner({
    sweepDir,
    state,
    trialCommand: defaultTrialCommand(state.configDir, state.configName),
    agents: options.agents,
    log,
  });
  const onSigint = () => {
    log('interrupted: stopping the running trials (Ctrl-C again stops them at once)');
    runner.interrupt();
  };
  process.on('SIGINT', onSigint);
  let outcome;
  try {
    outcome = await runner.run();
  } finally {
    process.off('SIGINT', onSigint);
  }
  const report = await writeReport(sweepDir, outcome.state);
  console.log(report.table);
  if (report.best) log(`best: trial ${report.best.id}, ${report.best.metric}=${report.best.value} (${report.best.runDir})`);
  const shown = (file: string) => (path.relative(process.cwd(), file).startsWith('..') ? file : path.relative(process.cwd(), file));
  log(`results: ${report.files.map(shown).join(', ')}`);
  if (outcome.interrupted) {
    log(`interrupted; resume with: nodetorch sweep ${file} --sweep-dir ${sweepDir}`);
    return 130;
  }
  const trials = outcome.state.trials;
  if (trials.length > 0 && trials.every((trial) => trial.state === 'failed')) {
    process.stderr.write(`nodetorch: every trial failed; see ${path.join(trials[0]!.runDir, 'trial.log')}\n`);
    return 1;
  }
  return 0;
}
