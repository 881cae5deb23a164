/**
 * The command line of a trial: `nodetorch train <params as overrides> <extra overrides>
 * hydra.run.dir=<trial folder>` (plus `ckpt_path=...` when it resumes), run by the same Node
 * and the same nodetorch that runs the sweep.
 * @module
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatValue } from '../../sweep/index.js';
import { packageRoot } from '../../native.js';

/** `nodetorch train` with the sweep's config folder and primary config: the argv every trial's overrides follow. */
export function defaultTrialCommand(configDir: string, configName: string): string[] {
  const root = packageRoot();
  // From the sources (tsx), the sources' CLI with the same loader flags; from the package, its built CLI.
  const fromSource = fileURLToPath(import.meta.url).endsWith('.ts');
  const cli = fromSource
    ? [...process.execArgv.filter((flag) => !flag.startsWith('--inspect')), path.join(root, 'lib', 'cli', 'bin.ts')]
    : [path.join(root, 'dist', 'cli.js')];
  return [process.execPath, ...cli, 'train', '--config-dir', configDir, '--config-name', configName];
}

/** The overrides a trial runs with, in order: its params, the extra ones, its run folder, the checkpoint it resumes. */
export function trialOverrides(overrides: readonly string[], extra: readonly string[], runDir: string, ckptPath?: string): string[] {
  return [
    ...overrides,
    ...extra,
    `hydra.run.dir=${formatValue(runDir)}`,
    ...(ckptPath === undefined ? [] : [`ckpt_path=${formatValue(ckptPath)}`]),
  ];
}
