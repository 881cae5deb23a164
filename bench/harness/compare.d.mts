// Types of compare.mjs, for test/bench-compare.test.ts.
export interface CaseResult {
  id: string;
  checkedRatios?: string[];
  rows: { key: string; unchecked?: string; ratios?: Record<string, number | null> }[];
}
export interface RatioChange {
  key: string;
  baseline: number;
  current: number;
  factor: number;
}
export interface Comparison {
  ok: boolean;
  checked: number;
  margin: number;
  regressions: RatioChange[];
  improvements: RatioChange[];
  missing: string[];
  added: string[];
}
export const DEFAULT_MARGIN: number;
export function ratioKey(caseId: string, rowKey: string, ratioName: string): string;
export function collectRatios(cases: readonly CaseResult[]): Record<string, number>;
export function compareRatios(current: Record<string, number>, baseline: Record<string, number>, margin?: number): Comparison;
export function betterOfRuns(first: Record<string, number>, second: Record<string, number>): Record<string, number>;
export function formatComparison(comparison: Comparison): string[];
