/**
 * The two-sample Kolmogorov-Smirnov test, two-sided, as scipy.stats.ks_2samp computes it with its
 * default method 'auto': the exact p-value when both samples have at most 10,000 values (Hodges'
 * lattice-path count, with Viehmann's recursion for 1 - p, or the closed form for equal sizes; the
 * statistic is then rounded to the lattice, h / lcm(n1, n2)), else the asymptotic one, kstwo.sf
 * at round(n1 n2 / (n1 + n2)). Ties are handled exactly: the ECDFs are compared at every value.
 * @module
 */
import { ksAsymptoticPValue } from './kolmogorov.js';
import type { TestResult } from './result.js';
import { numericSample, sorted, type NumericSample } from './samples.js';

/** ksTest's result: the statistic D, its p-value and the method that computed it. */
export interface KsResult extends TestResult {
  /** The p-value. */
  pValue: number;
  /** 'exact' or 'asymp', as ks_2samp's 'auto' chose. */
  method: 'exact' | 'asymp';
}

// ks_2samp's 'auto' tries the exact distribution up to this sample size.
const MAX_EXACT_N = 10000;

/** Two-sample Kolmogorov-Smirnov test of `a` against `b` (scipy.stats.ks_2samp, two-sided, method 'auto'). */
export function ksTest(a: NumericSample, b: NumericSample): KsResult {
  const x = sorted(numericSample(a, 'ksTest: a'));
  const y = sorted(numericSample(b, 'ksTest: b'));
  const n1 = x.length;
  const n2 = y.length;
  let maxDiff = -Infinity;
  let minDiff = Infinity;
  // The ECDFs at every pooled value (searchsorted 'right'): only distinct values matter.
  for (let i = 0, j = 0; i < n1 || j < n2;) {
    const value = j >= n2 || (i < n1 && x[i]! <= y[j]!) ? x[i]! : y[j]!;
    while (i < n1 && x[i]! <= value) i++;
    while (j < n2 && y[j]! <= value) j++;
    const diff = i / n1 - j / n2;
    maxDiff = Math.max(maxDiff, diff);
    minDiff = Math.min(minDiff, diff);
  }
  const minS = Math.min(Math.max(-minDiff, 0), 1);
  const d = minS > maxDiff ? minS : maxDiff;
  if (Math.max(n1, n2) <= MAX_EXACT_N) {
    const exact = exactPValue(n1, n2, d);
    if (exact) return { statistic: exact.d, pValue: exact.p, method: 'exact' };
  }
  return { statistic: d, pValue: ksAsymptoticPValue(d, n1, n2), method: 'asymp' };
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

// scipy's _attempt_exact_2kssamp (two-sided): undefined where the computation fails.
function exactPValue(n1: number, n2: number, d: number): { d: number; p: number } | undefined {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = Math.round(d * lcm);
  const rounded = h / lcm;
  if (h === 0) return { d: rounded, p: 1 };
  const p = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
  if (!Number.isFinite(p) || p < 0 || p > 1) return undefined;
  return { d: rounded, p };
}

// P(D_{n,n} >= h/n): 2 (C(2n, n-h) - C(2n, n-2h) + ...) / C(2n, n), Horner-like to avoid cancellation.
function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

// The share of lattice paths from (0, 0) to (m, n) leaving |x/m - y/n| < h/lcm(m, n), computed
// as 1 - p directly, one sliding column at a time (Hodges 1958; Viehmann 2021).
function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  const [m, n] = m0 >= n0 ? [m0, n0] : [n0, m0];
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj]! * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1]!;
}
