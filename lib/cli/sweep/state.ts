/**
 * The sweep state file, `<sweepDir>/sweep-state.json`: the sweep's config, seed and extra
 * overrides, and every trial with its params and state. It is rewritten atomically after every
 * change, so a sweep that dies (Ctrl-C, a crash, a lost machine) resumes from it: finished,
 * stopped and failed trials stay done, running ones are re-run in their folders.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomicSync } from '../../io/atomic.js';
import { canonical } from '../../sweep/canonical.js';
import type { HistoryEntry, Params, SweepConfig, TrialState } from '../../sweep/index.js';
import { UsageError } from '../exit-codes.js';

/** The state file's name inside the sweep folder. */
export const STATE_FILE = 'sweep-state.json';

/** One trial as the state file records it. */
export interface TrialRecord {
  /** 0, 1, 2, ... in the order the search suggested them (the folder is `trials/<id>`). */
  id: number;
  /** The suggested values, nested as W&B's `wandb.config`. */
  params: Params;
  /** The params as Hydra overrides (the extra overrides and hydra.run.dir are added when it runs). */
  overrides: string[];
  state: TrialState;
  /** The metric's final value (the last one logged for a stopped trial); null without one. */
  value: number | null;
  /** The metric after each epoch, as the trial reported it (what early termination compares). */
  values: number[];
  /** The trial's run folder. */
  runDir: string;
  startedAt: string;
  endedAt: string | null;
  /** How many times it was started (more than 1 after a resume). */
  attempts: number;
  /** The checkpoint the last attempt resumed from, when it resumed from one. */
  resumedFrom?: string;
  /** Why it failed: the end of its output. */
  error?: string;
}

/** The whole state file. */
export interface SweepState {
  version: 1;
  /** The sweep file it was started from. */
  sweepFile: string;
  config: SweepConfig;
  seed: number;
  /** Overrides given after the sweep file: added to every trial. */
  extraOverrides: string[];
  configDir: string;
  configName: string;
  createdAt: string;
  updatedAt: string;
  trials: TrialRecord[];
}

/** What a sweep is started with (an existing state must agree with what is given). */
export interface SweepIdentity {
  sweepFile: string;
  config: SweepConfig;
  /** undefined: 0 for a new sweep, the stored one on resume. */
  seed?: number;
  /** undefined or empty: none for a new sweep, the stored ones on resume. */
  extraOverrides?: string[];
  configDir?: string;
  configName?: string;
}

/** The path of the state file in `sweepDir`. */
export const statePath = (sweepDir: string): string => path.join(sweepDir, STATE_FILE);

/** Writes `state` atomically (its updatedAt set to now). */
export function saveState(sweepDir: string, state: SweepState): void {
  state.updatedAt = new Date().toISOString();
  writeFileAtomicSync(statePath(sweepDir), JSON.stringify(state, null, 2) + '\n');
}

/** The state in `sweepDir`, or null when there is none. */
export function loadState(sweepDir: string): SweepState | null {
  const file = statePath(sweepDir);
  if (!existsSync(file)) return null;
  let state: SweepState;
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as SweepState;
  } catch (error) {
    throw new UsageError(`${file} is not a sweep state file: ${(error as Error).message}`);
  }
  if (state?.version !== 1 || !Array.isArray(state.trials)) throw new UsageError(`${file} is not a sweep state file (version 1)`);
  return state;
}

// The config as the state file holds it (JSON drops what JSON cannot hold), in canonical text.
const sameConfig = (a: SweepConfig, b: SweepConfig): boolean =>
  canonical(JSON.parse(JSON.stringify(a))) === canonical(JSON.parse(JSON.stringify(b)));

/**
 * The sweep's state: the one in `sweepDir` when there is one (resume), else a new one. A stored
 * sweep whose config, seed, extra overrides or config folder differ from what is given is an
 * error: its trials would not be one sweep.
 */
export function openState(sweepDir: string, given: SweepIdentity, defaults: { configDir: string; configName: string }): SweepState {
  const stored = loadState(sweepDir);
  const extras = given.extraOverrides?.length ? given.extraOverrides : undefined;
  if (!stored) {
    const now = new Date().toISOString();
    return {
      version: 1,
      sweepFile: path.resolve(given.sweepFile),
      config: given.config,
      seed: given.seed ?? 0,
      extraOverrides: extras ?? [],
      configDir: given.configDir ?? defaults.configDir,
      configName: given.configName ?? defaults.configName,
      createdAt: now,
      updatedAt: now,
      trials: [],
    };
  }
  const differs = (what: string, ours: unknown, theirs: unknown) =>
    new UsageError(
      `${statePath(sweepDir)} holds a sweep with ${what} ${JSON.stringify(theirs)}, not ${JSON.stringify(ours)}; ` +
        'resume it as it was started, or give another --sweep-dir',
    );
  if (!sameConfig(given.config, stored.config))
    throw new UsageError(`${statePath(sweepDir)} holds another sweep configuration than ${given.sweepFile}; give another --sweep-dir`);
  if (given.seed !== undefined && given.seed !== stored.seed) throw differs('seed', given.seed, stored.seed);
  if (extras && canonical(extras) !== canonical(stored.extraOverrides)) throw differs('overrides', extras, stored.extraOverrides);
  if (given.configDir !== undefined && path.resolve(given.configDir) !== stored.configDir)
    throw differs('--config-dir', path.resolve(given.configDir), stored.configDir);
  if (given.configName !== undefined && given.configName !== stored.configName)
    throw differs('--config-name', given.configName, stored.configName);
  return stored;
}

/** The trials as the search reads them, in the order they were suggested. */
export function historyOf(state: SweepState): HistoryEntry[] {
  return state.trials.map((trial) => ({ params: trial.params, value: trial.value, state: trial.state }));
}
