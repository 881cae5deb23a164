/**
 * What every run records about itself: the git commit, the command line, LibTorch's and the
 * package's versions (loggers store it beside the hyperparameters).
 * @module
 */
import { execFileSync } from 'node:child_process';
import { config } from '../tensor/runtime.js';
import { NODETORCH_VERSION } from './checkpoint.js';

/** A run's provenance. */
export interface RunInfo {
  gitCommit: string | null;
  command: string;
  torchVersion: string;
  nodetorchVersion: string;
  node: string;
}

function gitCommit(): string | null {
  try {
    return (
      execFileSync('git', ['rev-parse', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 })
        .toString()
        .trim() || null
    );
  } catch {
    return null; // not a git checkout, or no git
  }
}

/** The provenance of the current process. */
export function runInfo(): RunInfo {
  return {
    gitCommit: gitCommit(),
    command: process.argv.join(' '),
    torchVersion: config().torchVersion,
    nodetorchVersion: NODETORCH_VERSION,
    node: process.version,
  };
}
