/**
 * What `nodetorch` exits with: 0 success, 1 a failure while running, 2 a usage or config error
 * (nothing was started). Commands throw a {@link UsageError} for the latter.
 * @module
 */

/** Exit codes of the `nodetorch` CLI. */
export const ExitCode = { success: 0, failure: 1, usage: 2 } as const;

/** A bad command line or config: reported without a stack, exit code 2. */
export class UsageError extends Error {
  /** A usage error with `message`. */
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
