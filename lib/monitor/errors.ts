/**
 * The error bad input to torch.monitor gets: different columns or types, empty samples or windows,
 * values that are not numbers, a prediction log that cannot be opened. The message names the
 * argument or column and the problem.
 * @module
 */

/** Bad input to a drift test, a drift report or the prediction log. */
export class MonitorError extends Error {
  /** An error whose `message` names the input and what is wrong with it. */
  constructor(message: string) {
    super(message);
    this.name = 'MonitorError';
  }
}

/** A drift window with too few predictions to say anything: not a failure, just too early. */
export class WindowTooSmallError extends MonitorError {
  /**
   * The error for a window of `rows` predictions where `minRows` are needed.
   * @param message What the window holds and needs.
   * @param rows Predictions in the window.
   * @param minRows Predictions a check needs.
   */
  constructor(
    message: string,
    readonly rows: number,
    readonly minRows: number,
  ) {
    super(message);
    this.name = 'WindowTooSmallError';
  }
}

/** A short description of a value for an error message: `'abc' (a string)`, `null`, `[object]`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}...` : value}' (a string)`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${String(value)} (a ${typeof value})`;
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
