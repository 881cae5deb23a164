/**
 * Hydra's check that sweeps appear only where they can run (ConfigLoaderImpl.validate_sweep_overrides_legal):
 * a single run refuses every sweep, a multirun refuses sweeping over Hydra's own config.
 * @module
 */
import { SweepError } from './errors.js';
import type { Override } from './types.js';

/** Options of validateSweepOverrides. */
export interface SweepValidationOptions {
  /** Word the quoting advice for a shell (`key=\'value1,value2\'`), as Hydra does for command lines. */
  fromShell?: boolean;
}

const isHydraKey = (key: string): boolean => key.startsWith('hydra.') || key.startsWith('hydra/');

/** Throws a SweepError with Hydra's message for a sweep in a single run, or a sweep over `hydra.*` in a multirun. */
export function validateSweepOverrides(
  overrides: readonly Override[],
  mode: 'run' | 'multirun',
  options: SweepValidationOptions = {},
): void {
  for (const override of overrides) {
    if (override.sweep === null) continue;
    if (mode === 'multirun') {
      if (isHydraKey(override.key)) throw new SweepError(`Sweeping over Hydra's configuration is not supported : '${override.input}'`);
      continue;
    }
    if (override.sweep.kind === 'choice' || override.sweep.kind === 'glob') {
      const example = options.fromShell ? "key=\\'value1,value2\\'" : "key='value1,value2'";
      throw new SweepError(
        `Ambiguous value for argument '${override.input}'\n` +
          '1. To use it as a list, use key=[value1,value2]\n' +
          `2. To use it as string, quote the value: ${example}\n` +
          '3. To sweep over it, add --multirun to your command line',
      );
    }
    throw new SweepError(`Sweep parameters '${override.input}' requires --multirun`);
  }
}
