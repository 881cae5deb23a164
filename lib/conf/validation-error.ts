/**
 * The error for a composed config that fails validation, in a file of its own so that importing
 * nodetorch does not load the schema library (zod) that only the CLI needs.
 * @module
 */

/** A config that fails validation; `issues` lists each problem as `path: message (found ...)`. */
export class ConfigValidationError extends Error {
  /** One line per problem. */
  readonly issues: string[];
  /** Wraps the problems found. */
  constructor(issues: string[]) {
    super(`the config is not valid:\n${issues.map((line) => `  - ${line}`).join('\n')}`);
    this.name = 'ConfigValidationError';
    this.issues = issues;
  }
}
