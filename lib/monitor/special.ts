/**
 * The tail probabilities the tests need, from @stdlib (ports of Boost's and Cephes' algorithms):
 * the normal survival function through erfc, the chi-squared one through the regularized upper
 * incomplete gamma function, as scipy's `norm.sf` and `chi2.sf` (Cephes' chdtrc) compute them.
 * @module
 */
import erfc from '@stdlib/math-base-special-erfc';
import gammainc from '@stdlib/math-base-special-gammainc';

/** P(Z > z) for a standard normal Z. */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** P(X > x) for X chi-squared with `df` degrees of freedom (df > 0). */
export function chiSquareSf(x: number, df: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  return gammainc(x / 2, df / 2, true, true);
}

/** numpy's `np.round` of a scalar: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}
