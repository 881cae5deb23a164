/**
 * One trial's child process. It runs in its own process group, so a Ctrl-C at the terminal
 * reaches the sweep alone and the sweep sends each trial exactly one SIGINT (a second one makes
 * the Trainer exit at once, without its checkpoint). Its stdout and stderr go to
 * `<trial folder>/trial.log`; the end of it explains a failure.
 * @module
 */
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROGRESS_ENV } from './progress-callback.js';

/** How a trial's process ended. */
export interface TrialExit {
  /** The exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running trial's process. */
export interface TrialProcess {
  /** Resolves when the process has exited. */
  readonly exited: Promise<TrialExit>;
  /** Sends SIGINT: the Trainer stops after the current step and saves interrupted.ckpt. */
  interrupt(): void;
}

/** What startTrialProcess runs. */
export interface TrialLaunch {
  /** The program and its first arguments; `args` follow. */
  command: readonly string[];
  args: readonly string[];
  /** The trial's folder (trial.log goes there). */
  runDir: string;
  /** The file the trial appends its per-epoch metrics to (NODETORCH_SWEEP_PROGRESS). */
  progressFile: string;
}

/** The log file of a trial's process. */
export const trialLogPath = (runDir: string): string => path.join(runDir, 'trial.log');

/** Starts a trial's process. */
export function startTrialProcess(launch: TrialLaunch): TrialProcess {
  mkdirSync(launch.runDir, { recursive: true });
  const log = openSync(trialLogPath(launch.runDir), 'a');
  const [program, ...first] = launch.command;
  const child = spawn(program!, [...first, ...launch.args], {
    stdio: ['ignore', log, log],
    env: { ...process.env, [PROGRESS_ENV]: launch.progressFile },
    detached: true,
  });
  closeSync(log); // the child holds its own copy
  const exited = new Promise<TrialExit>((resolve) => {
    child.once('error', (error) => {
      // Spawning failed (no such program): the log says why, as a failed run's would.
      appendFileSync(trialLogPath(launch.runDir), `could not start ${program}: ${error.message}\n`);
      resolve({ code: 127, signal: null });
    });
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    exited,
    interrupt: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    },
  };
}

/** The last `count` lines of a trial's log (what a failure printed). */
export function lastLines(runDir: string, count = 20): string {
  try {
    return readFileSync(trialLogPath(runDir), 'utf8').trimEnd().split('\n').slice(-count).join('\n');
  } catch {
    return '';
  }
}
