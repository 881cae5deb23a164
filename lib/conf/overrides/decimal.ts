/**
 * Exact decimal arithmetic for float ranges: Hydra steps a float range with Python's Decimal
 * (start + i * step on the decimal texts of the floats), so range(0, 1, 0.1) yields 0.3, not
 * 0.30000000000000004.
 * @module
 */
import { pyFloatRepr } from './py-format.js';

/** A decimal number: coefficient times ten to the exponent. */
export class Decimal {
  readonly coefficient: bigint;
  readonly exponent: number;

  constructor(coefficient: bigint, exponent: number) {
    this.coefficient = coefficient;
    this.exponent = exponent;
  }

  /** Python's `Decimal(str(x))`: an int exactly, a float by its shortest decimal text. */
  static of(value: bigint | number | Decimal): Decimal {
    if (value instanceof Decimal) return value;
    if (typeof value === 'bigint') return new Decimal(value, 0);
    if (!Number.isFinite(value)) throw new RangeError(`Decimal.of: ${value} has no decimal form`);
    const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(pyFloatRepr(value))!;
    const fraction = match[3] ?? '';
    return new Decimal(BigInt(`${match[1]}${match[2]}${fraction}`), Number(match[4] ?? 0) - fraction.length);
  }

  private aligned(other: Decimal): [bigint, bigint, number] {
    const exponent = Math.min(this.exponent, other.exponent);
    return [
      this.coefficient * 10n ** BigInt(this.exponent - exponent),
      other.coefficient * 10n ** BigInt(other.exponent - exponent),
      exponent,
    ];
  }

  /** this + other. */
  plus(other: Decimal): Decimal {
    const [a, b, exponent] = this.aligned(other);
    return new Decimal(a + b, exponent);
  }

  /** this - other. */
  minus(other: Decimal): Decimal {
    return this.plus(other.negated());
  }

  /** this * k for an integer k. */
  times(k: bigint): Decimal {
    return new Decimal(this.coefficient * k, this.exponent);
  }

  /** -this. */
  negated(): Decimal {
    return new Decimal(-this.coefficient, this.exponent);
  }

  /** this / 2, exactly. */
  halved(): Decimal {
    return new Decimal(this.coefficient * 5n, this.exponent - 1);
  }

  /** -1, 0 or 1 as this is below, at or above other. */
  compare(other: Decimal): number {
    const [a, b] = this.aligned(other);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /** The sign: -1, 0 or 1. */
  sign(): number {
    return this.coefficient < 0n ? -1 : this.coefficient > 0n ? 1 : 0;
  }

  /** Python's divmod for non-negative operands: the integer quotient and whether a remainder is left. */
  divide(other: Decimal): { quotient: bigint; exact: boolean } {
    const [a, b] = this.aligned(other);
    return { quotient: a / b, exact: a % b === 0n };
  }

  /** The plain decimal text, as Python prints a Decimal of this size. */
  toString(): string {
    const negative = this.coefficient < 0n;
    const digits = (negative ? -this.coefficient : this.coefficient).toString();
    let text: string;
    if (this.exponent >= 0) text = digits + '0'.repeat(this.exponent);
    else {
      const padded = digits.padStart(-this.exponent + 1, '0');
      text = `${padded.slice(0, this.exponent)}.${padded.slice(this.exponent)}`;
    }
    return negative ? `-${text}` : text;
  }

  /** The nearest float, as Python's `float(Decimal)` rounds it. */
  toNumber(): number {
    return Number(this.toString());
  }
}
