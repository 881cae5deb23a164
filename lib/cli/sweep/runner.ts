/**
 * SweepRunner: runs a sweep's trials as child processes, `agents` at a time, each suggested by
 * the search from the trials so far, and saves the state file after every change. While a trial
 * runs, its per-epoch metric (its progress file) feeds the stopper, and a trial the stopper ends
 * gets SIGINT and is marked 'stopped'. `interrupt()` (the CLI calls it on Ctrl-C) stops launching
 * and sends the running trials SIGINT; they stay 'running' in the state file, so a resume re-runs
 * them in their folders from the checkpoint they left (lib/cli/sweep/checkpoint.ts).
 * @module
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createSearch, createStopper, toOverrides, type Search, type Stopper } from '../../sweep/index.js';
import type { JobResult } from '../commands/train.js';
import { UsageError } from '../exit-codes.js';
import { findResumeCheckpoint } from './checkpoint.js';
import { readProgress } from './progress.js';
import { historyOf, saveState, type SweepState, type TrialRecord } from './state.js';
import { trialOverrides } from './trial-command.js';
import { lastLines, startTrialProcess, type TrialExit, type TrialProcess } from './trial-process.js';

/** Options of SweepRunner. */
export interface SweepRunnerOptions {
  /** The sweep folder: the state file, and the trials in `trials/<id>`. */
  sweepDir: string;
  /** The sweep's state (new or loaded); updated in place and saved there. */
  state: SweepState;
  /** The argv each trial's overrides follow (defaultTrialCommand: `nodetorch train ...`). */
  trialCommand: readonly string[];
  /** Trials run at once (default 1). */
  agents?: number;
  /** How often a running trial's progress file is read, in ms (default 250). */
  pollMs?: number;
  /** Where progress lines go (default: console.log with a `[sweep]` prefix). */
  log?: (line: string) => void;
}

/** How a run of the sweep ended. */
export interface SweepOutcome {
  /** Whether `interrupt()` ended it (trials may be left to resume). */
  interrupted: boolean;
  state: SweepState;
}

/** A trial whose process is running. */
interface ActiveTrial {
  trial: TrialRecord;
  process: TrialProcess;
  progressFile: string;
  /** The stopper ended it. */
  stopRequested: boolean;
  /** The sweep sent it SIGINT to end the sweep (it is left to resume). */
  interrupted: boolean;
  timer: NodeJS.Timeout;
  done: Promise<void>;
}

/** The file a trial reports its per-epoch metrics to. */
export const progressPath = (runDir: string): string => path.join(runDir, 'sweep-progress.jsonl');

const now = (): string => new Date().toISOString();

function readResult(runDir: string): JobResult | null {
  try {
    return JSON.parse(readFileSync(path.join(runDir, 'result.json'), 'utf8')) as JobResult;
  } catch {
    return null;
  }
}

/** Runs a sweep. */
export class SweepRunner {
  private readonly search: Search;
  private readonly stopper: Stopper;
  private readonly agents: number;
  private readonly pollMs: number;
  private readonly log: (line: string) => void;
  private readonly active = new Map<number, ActiveTrial>();
  private interrupts = 0;
  private fatal: Error | null = null;
  private warnedNoProgress = false;

  /** A runner over `options.state`. */
  constructor(private readonly options: SweepRunnerOptions) {
    const { config, seed } = options.state;
    this.search = createSearch(config, { seed });
    this.stopper = createStopper(config);
    this.agents = options.agents ?? 1;
    if (!Number.isSafeInteger(this.agents) || this.agents < 1)
      throw new UsageError(`--agents must be an integer >= 1, got ${options.agents}`);
    this.pollMs = options.pollMs ?? 250;
    this.log = options.log ?? ((line) => console.log(`[sweep] ${line}`));
  }

  private get state(): SweepState {
    return this.options.state;
  }

  private save(): void {
    saveState(this.options.sweepDir, this.state);
  }

  /**
   * Runs trials until the search has no more (grid done, run_cap reached, metric.target met) or
   * `interrupt()` is called, and all started ones have ended. Trials left 'running' by an earlier
   * run go first. Throws a UsageError when the sweep's metric is not among what a trial logged.
   */
  async run(): Promise<SweepOutcome> {
    const resumes = this.state.trials.filter((trial) => trial.state === 'running');
    this.save();
    // Trials run in their own process groups: should this process exit abruptly, they still get their SIGINT.
    const onExit = () => this.active.forEach((active) => active.process.interrupt());
    process.on('exit', onExit);
    try {
      for (;;) {
        while (this.interrupts === 0 && !this.fatal && this.active.size < this.agents) {
          const trial = resumes.shift() ?? this.nextTrial();
          if (!trial) break;
          this.launch(trial);
        }
        if (this.active.size === 0) break;
        await Promise.race([...this.active.values()].map((active) => active.done));
      }
    } catch (error) {
      // The sweep itself failed (its state could not be written, ...): leave no trial running unwatched.
      const left = [...this.active.values()];
      this.interrupt();
      await Promise.allSettled(left.map((active) => active.done));
      throw error;
    } finally {
      process.off('exit', onExit);
    }
    this.save();
    if (this.fatal) throw this.fatal;
    return { interrupted: this.interrupts > 0, state: this.state };
  }

  /**
   * Stops launching trials and sends the running ones SIGINT (the Trainer checkpoints them; they
   * stay 'running', to resume). A second call sends a second SIGINT: the Trainer exits at once.
   */
  interrupt(): void {
    this.interrupts++;
    for (const active of this.active.values()) {
      // One the stopper has already sent SIGINT is ending; a second SIGINT only once asked for twice.
      if (this.interrupts === 1 && (active.stopRequested || active.interrupted)) continue;
      active.interrupted = true;
      active.process.interrupt();
    }
  }

  // A new trial from the search, recorded as running; null when the search is done.
  private nextTrial(): TrialRecord | null {
    const suggestion = this.search.suggest(historyOf(this.state));
    if (!suggestion) return null;
    const id = this.state.trials.length;
    const trial: TrialRecord = {
      id,
      params: suggestion.params,
      overrides: toOverrides(suggestion.params),
      state: 'running',
      value: null,
      values: [],
      runDir: path.join(path.resolve(this.options.sweepDir), 'trials', String(id)),
      startedAt: now(),
      endedAt: null,
      attempts: 0,
    };
    this.state.trials.push(trial);
    return trial;
  }

  private launch(trial: TrialRecord): void {
    const progressFile = progressPath(trial.runDir);
    // A re-run (the sweep died while it ran) continues from the checkpoint it left, when it left one.
    const ckptPath = trial.attempts > 0 ? findResumeCheckpoint(trial.runDir) : undefined;
    Object.assign(trial, { state: 'running', attempts: trial.attempts + 1, startedAt: now(), endedAt: null });
    delete trial.error;
    if (ckptPath) trial.resumedFrom = ckptPath;
    else {
      delete trial.resumedFrom;
      trial.values = [];
      rmSync(progressFile, { force: true });
    }
    // A result.json left by an earlier attempt must not pass for this one's.
    rmSync(path.join(trial.runDir, 'result.json'), { force: true });
    this.save();
    const child = startTrialProcess({
      command: this.options.trialCommand,
      args: trialOverrides(trial.overrides, this.state.extraOverrides, trial.runDir, ckptPath),
      runDir: trial.runDir,
      progressFile,
    });
    this.log(`trial ${trial.id} ${ckptPath ? `resumes from ${ckptPath}` : 'started'}: ${trial.overrides.join(' ')}`);
    const active: ActiveTrial = {
      trial,
      process: child,
      progressFile,
      stopRequested: false,
      interrupted: false,
      timer: setInterval(() => this.poll(active), this.pollMs),
      done: Promise.resolve(),
    };
    active.done = child.exited.then((exit) => this.finish(active, exit));
    this.active.set(trial.id, active);
  }

  // Reads the trial's new per-epoch values and asks the stopper about it.
  // `decide` false: only record them (the trial has exited; a stop now would mislabel a finished trial).
  private poll(active: ActiveTrial, decide = true): void {
    const metric = this.state.config.metric;
    if (!metric) return;
    const { trial } = active;
    const values = readProgress(active.progressFile, metric.name);
    if (values.length === trial.values.length && values.every((v, i) => v === trial.values[i])) return;
    trial.values = values;
    this.save();
    if (!decide || active.stopRequested || active.interrupted || values.length === 0) return;
    const allRuns = this.state.trials.map((t) => ({ id: String(t.id), values: t.values, state: t.state }));
    if (!this.stopper.shouldStop(String(trial.id), values.length, values, allRuns)) return;
    active.stopRequested = true;
    this.log(`trial ${trial.id} stopped early after ${values.length} epochs (${metric.name}=${values[values.length - 1]})`);
    active.process.interrupt();
  }

  private finish(active: ActiveTrial, exit: TrialExit): void {
    clearInterval(active.timer);
    this.poll(active, false);
    this.active.delete(active.trial.id);
    const { trial } = active;
    const metric = this.state.config.metric;
    trial.endedAt = now();
    if (active.interrupted && !active.stopRequested) {
      this.log(`trial ${trial.id} interrupted: it is re-run when the sweep resumes`);
      return this.save();
    }
    const result = readResult(trial.runDir);
    const last = trial.values.length ? trial.values[trial.values.length - 1]! : null;
    if (active.stopRequested) {
      trial.state = 'stopped';
      trial.value = last ?? (metric ? (result?.metrics[metric.name] ?? null) : null);
    } else if (exit.code === 0 && result) {
      const value = metric ? (result.metrics[metric.name] ?? last) : null;
      trial.state = 'finished';
      trial.value = value;
      if (metric && value === null) this.metricMissing(trial, Object.keys(result.metrics));
    } else {
      trial.state = 'failed';
      trial.value = null;
      trial.error = `exited with ${exit.signal ?? `code ${exit.code}`}${result ? '' : ', no result.json'}\n${lastLines(trial.runDir)}`;
    }
    this.save();
    if (this.state.config.early_terminate && trial.state === 'finished' && trial.values.length === 0 && !this.warnedNoProgress) {
      this.warnedNoProgress = true;
      this.log(`note: trial ${trial.id} reported no per-epoch ${metric!.name}: early termination had nothing to compare`);
    }
    const shown = trial.value === null ? '' : ` ${metric!.name}=${trial.value}`;
    this.log(`trial ${trial.id} ${trial.state}${shown}${trial.state === 'failed' ? ` (see ${path.join(trial.runDir, 'trial.log')})` : ''}`);
  }

  // A trial that ran to the end without the sweep's metric: failed; and when no trial ever logged
  // it, the metric's name is wrong, so the sweep ends (the running trials are interrupted).
  private metricMissing(trial: TrialRecord, logged: string[]): void {
    const name = this.state.config.metric!.name;
    trial.state = 'failed';
    trial.error = `did not log the sweep's metric '${name}'; it logged: ${logged.join(', ') || 'nothing'}`;
    if (this.fatal || this.state.trials.some((t) => typeof t.value === 'number')) return;
    this.fatal = new UsageError(
      `the sweep's metric '${name}' (metric.name in ${this.state.sweepFile}) was never logged: trial ${trial.id} logged ` +
        `${logged.join(', ') || 'nothing'}`,
    );
    for (const active of this.active.values()) {
      if (active.stopRequested || active.interrupted) continue;
      active.interrupted = true;
      active.process.interrupt();
    }
  }
}
