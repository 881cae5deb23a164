/**
 * The error a bad sweep configuration gets: it names the key path (`parameters.lr.max`) and says
 * what was expected.
 * @module
 */

/** A sweep configuration that does not validate. */
export class SweepConfigError extends Error {
  /** The dotted key path of the offending value ('' for the whole configuration). */
  readonly path: string;

  /** The error at `path`, with its message. */
  constructor(path: string, message: string) {
    super(path ? `sweep config: ${path}: ${message}` : `sweep config: ${message}`);
    this.name = 'SweepConfigError';
    this.path = path;
  }
}

/** `parent.key`, or `key` at the top. */
export const joinPath = (parent: string, key: string): string => (parent ? `${parent}.${key}` : key);
