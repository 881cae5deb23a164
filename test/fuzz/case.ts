/** What every fuzz case is: a title, a standalone reproducer, and the call to make. */
export interface FuzzCase {
  /** One line for reports: what is called with what. */
  title: string;
  /** JavaScript that does the same in a fresh process (after the reproducer prelude). */
  code: string;
  /** Runs the case; it may return or throw an Error, anything else (a crash, a hang) fails. */
  run(): unknown;
}

/** Thrown by a case whose call returned a wrong result (or succeeded where it must throw). */
export class FuzzMismatch extends Error {}

/** Quick (the test suite's, bounded) or long (on demand). */
export type FuzzMode = 'quick' | 'long';

/** A family of cases. */
export interface FuzzCategory {
  name: string;
  /** Cases per run: quick (CI) and long (on demand). */
  counts: { quick: number; long: number };
  /** How long one case may run before it counts as hung (default 30 s). */
  caseTimeoutMs?: { quick: number; long: number };
  make(seed: number, index: number, mode: FuzzMode): FuzzCase;
}

/** What a reproducer starts with: the package and the helpers the cases' code uses. */
export const PRELUDE = `import * as torch from 'nodetorch';
const disposed = (t) => (t.dispose(), t);
`;
