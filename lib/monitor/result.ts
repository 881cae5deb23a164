/**
 * What every drift test returns.
 * @module
 */

/** A test's statistic, and its p-value where the test has one (distances have none). */
export interface TestResult {
  /** The test statistic or distance. */
  statistic: number;
  /** The p-value, for hypothesis tests. */
  pValue?: number;
}
