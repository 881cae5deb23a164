/**
 * The standard normal distribution to double precision, with no dependencies: erfc from its
 * power series (small arguments) and its continued fraction (large ones), the quantile from
 * Acklam's rational approximation polished by Halley steps, and log Φ that stays finite deep in
 * the tail (TPE compares log densities of kernels that can sit dozens of sigmas away).
 * @module
 */

const SQRT_PI = Math.sqrt(Math.PI);
const SERIES_LIMIT = 2.5;

/** erf(x) for |x| < 2.5: 2/√π · e^(-x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)), a series of positive terms. */
function erfSeries(x: number): number {
  const twoX2 = 2 * x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
    term *= twoX2 / (2 * n + 1);
    sum += term;
  }
  return (2 / SQRT_PI) * Math.exp(-x * x) * sum;
}

/** e^(x²)·erfc(x) for x ≥ 2.5, from erfc's continued fraction x + (1/2)/(x + 1/(x + (3/2)/(x + …))) by Lentz's method. */
function erfcxFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / (SQRT_PI * f);
}

/** The complementary error function. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (Math.abs(x) < SERIES_LIMIT) return 1 - erfSeries(x);
  return x > 0 ? erfcxFraction(x) * Math.exp(-x * x) : 2 - erfcxFraction(-x) * Math.exp(-x * x);
}

/** Φ(x), the standard normal CDF. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** log Φ(x), finite for any finite x. */
export function logNormalCdf(x: number): number {
  const z = -x / Math.SQRT2;
  if (z < SERIES_LIMIT) return Math.log(normalCdf(x));
  return Math.log(0.5 * erfcxFraction(z)) - z * z;
}

/** The standard normal density. */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

const poly = (coefficients: number[], x: number): number => coefficients.reduce((acc, c) => acc * x + c, 0);

/** Acklam's approximation of Φ⁻¹(p) (relative error about 1e-9). */
function acklam(p: number): number {
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(C, q) / (poly(D, q) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log1p(-p));
    return -poly(C, q) / (poly(D, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (poly(A, r) * q) / (poly(B, r) * r + 1);
}

/** Φ⁻¹(p), the standard normal quantile: -Infinity at 0, Infinity at 1. */
export function normalPpf(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  let x = acklam(p);
  // Halley's method on Φ(x) - p; in the upper tail work on the complement, which keeps its digits.
  for (let i = 0; i < 2; i++) {
    const error = p > 0.5 ? 1 - p - normalCdf(-x) : normalCdf(x) - p;
    const u = error * Math.sqrt(2 * Math.PI) * Math.exp(0.5 * x * x);
    x -= u / (1 + (x * u) / 2);
  }
  return x;
}
