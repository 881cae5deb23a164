/**
 * The sweep's best trial: the finished trial with the best value of the metric (a stopped one
 * only when none finished), written as `<sweepDir>/best.json` (its params, the overrides that
 * reproduce it, its value, run folder and best checkpoint) beside a copy of its composed config,
 * `<sweepDir>/best-config.yaml`.
 * @module
 */
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../io/atomic.js';
import type { Params } from '../../sweep/index.js';
import type { JobResult } from '../commands/train.js';
import type { SweepState, TrialRecord } from './state.js';

/** What best.json holds. */
export interface BestTrialFile {
  id: number;
  state: TrialRecord['state'];
  metric: string;
  goal: 'minimize' | 'maximize';
  value: number;
  params: Params;
  /** `nodetorch train` with these overrides reproduces the trial (its run folder aside). */
  overrides: string[];
  runDir: string;
  /** The trial's best checkpoint (ModelCheckpoint's), or null. */
  bestModelPath: string | null;
  /** The copy of the trial's `.hydra/config.yaml`, or null when it has none. */
  config: string | null;
}

/** The best trial of `state`, or null without a metric or a trial that has a value. */
export function bestTrial(state: SweepState): TrialRecord | null {
  const metric = state.config.metric;
  if (!metric) return null;
  const better = (a: number, b: number) => (metric.goal === 'maximize' ? a > b : a < b);
  const pick = (kind: TrialRecord['state']) =>
    state.trials
      .filter((trial) => trial.state === kind && typeof trial.value === 'number' && Number.isFinite(trial.value))
      .reduce<TrialRecord | null>((best, trial) => (!best || better(trial.value!, best.value!) ? trial : best), null);
  return pick('finished') ?? pick('stopped');
}

function bestModelPathOf(runDir: string): string | null {
  try {
    return (JSON.parse(readFileSync(path.join(runDir, 'result.json'), 'utf8')) as JobResult).bestModelPath ?? null;
  } catch {
    return null;
  }
}

/** Writes best.json and best-config.yaml for `trial`; returns what best.json holds. */
export async function writeBestTrial(sweepDir: string, state: SweepState, trial: TrialRecord): Promise<BestTrialFile> {
  const source = path.join(trial.runDir, '.hydra', 'config.yaml');
  const config = path.join(sweepDir, 'best-config.yaml');
  const hasConfig = existsSync(source);
  if (hasConfig) copyFileSync(source, config);
  const best: BestTrialFile = {
    id: trial.id,
    state: trial.state,
    metric: state.config.metric!.name,
    goal: state.config.metric!.goal,
    value: trial.value!,
    params: trial.params,
    overrides: [...trial.overrides, ...state.extraOverrides],
    runDir: trial.runDir,
    bestModelPath: bestModelPathOf(trial.runDir),
    config: hasConfig ? config : null,
  };
  await writeFileAtomic(path.join(sweepDir, 'best.json'), JSON.stringify(best, null, 2) + '\n');
  return best;
}
