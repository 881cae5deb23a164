/**
 * sweepJobs: Hydra's BasicSweeper expansion of a multirun's overrides into the override list of
 * each job (hydra/_internal/core_plugins/basic_sweeper.py, split_arguments), without batching.
 * @module
 */
import { OverrideParseError, ParseFailure, SweepError } from './errors.js';
import { parseOverrideUnchecked } from './override.js';
import { overrideKeyText, overrideValueText, sweepValueTexts, type SweepTextOptions } from './override-text.js';
import { elementToText } from './text.js';
import type { Override } from './types.js';
import { overrideValueType } from './value-type.js';

/** Options of sweepJobs. */
export interface SweepJobsOptions extends SweepTextOptions {
  /** `hydra.sweeper.params`: key to override value, placed before the command-line overrides. */
  params?: Readonly<Record<string, string>>;
}

// A list extension keeps its extend_list(...) form, so the job appends as the multirun asked
// (Hydra's sweeper writes the bare list here, which would replace the list instead).
function jobValueText(override: Override): string {
  if (override.type !== 'extend_list' || !Array.isArray(override.element)) return overrideValueText(override);
  return `extend_list(${override.element.map((item) => elementToText(item)).join(',')})`;
}

/**
 * The override list of every job of a basic-sweeper multirun, in Hydra's order: `params` first,
 * then `overrides`; one entry per key (a key given again keeps its first place and takes the later
 * value); the cartesian product of the sweeps with the last key varying fastest; non-sweep
 * overrides in every job. Throws OverrideParseError for an override that does not parse and
 * SweepError for a sweep the basic sweeper cannot expand (interval()).
 */
export function sweepJobs(overrides: readonly string[], options: SweepJobsOptions = {}): string[][] {
  const lines = [...Object.entries(options.params ?? {}).map(([key, value]) => `${key}=${value}`), ...overrides];
  const columns = new Map<string, string[]>();
  lines.forEach((line, index) => {
    let override: Override;
    try {
      override = parseOverrideUnchecked(line, options);
    } catch (error) {
      if (error instanceof ParseFailure) throw new OverrideParseError(line, error.offset, error.message, { index, overrides: lines });
      throw error;
    }
    const key = overrideKeyText(override);
    if (override.sweep?.kind === 'interval')
      throw new SweepError(`BasicSweeper does not support sweep type : ${overrideValueType(override)}`);
    const values = override.sweep === null ? [jobValueText(override)] : sweepValueTexts(override, options);
    columns.set(
      key,
      values.map((value) => `${key}=${value}`),
    );
  });
  let jobs: string[][] = [[]];
  for (const values of columns.values()) jobs = jobs.flatMap((job) => values.map((value) => [...job, value]));
  return jobs;
}
