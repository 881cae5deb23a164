// Property tests (fast-check): broadcasting and reductions against a float64 reference in JS.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as torch from '../lib/index.ts';

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const strides = (shape: readonly number[]) => shape.map((_, i) => numel(shape.slice(i + 1)));

/** Element of `shape` at the broadcast position `index` (of the output shape). */
function at(data: Float64Array, shape: readonly number[], outShape: readonly number[], index: number[]): number {
  const offset = outShape.length - shape.length;
  const s = strides(shape);
  let flat = 0;
  shape.forEach((size, d) => (flat += (size === 1 ? 0 : index[d + offset]!) * s[d]!));
  return data[flat]!;
}

function unravel(flat: number, shape: readonly number[]): number[] {
  return strides(shape).map((stride, d) => Math.floor(flat / stride) % shape[d]!);
}

// Two broadcast-compatible shapes: each dimension of either is the common size or 1, and one may
// have fewer leading dimensions.
const shapePair = fc
  .array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 })
  .chain((base) =>
    fc.tuple(
      fc.tuple(...base.map((n) => fc.constantFrom(n, 1))),
      fc.tuple(...base.map((n) => fc.constantFrom(n, 1))),
      fc.integer({ min: 0, max: base.length }),
    ),
  )
  .map(([a, b, drop]) => [a, b.slice(drop)] as const);

const values = (n: number) =>
  fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: n, maxLength: n }).map((v) => Float64Array.from(v));

const ops: [string, (a: number, b: number) => number][] = [
  ['add', (a, b) => a + b],
  ['sub', (a, b) => a - b],
  ['mul', (a, b) => a * b],
  ['maximum', (a, b) => Math.max(a, b)],
];

for (const [name, reference] of ops) {
  test(`property: ${name} broadcasts like NumPy/PyTorch`, () => {
    fc.assert(
      fc.property(
        shapePair.chain(([sa, sb]) => fc.tuple(fc.constant(sa), fc.constant(sb), values(numel(sa)), values(numel(sb)))),
        ([sa, sb, da, db]) => {
          torch.tidy(() => {
            const a = torch.fromTypedArray(da, sa);
            const b = torch.fromTypedArray(db, sb);
            const out = (a as unknown as Record<string, (o: torch.Tensor) => torch.Tensor>)[name]!.call(a, b);
            const rank = Math.max(sa.length, sb.length);
            const pad = (s: readonly number[]) => [...Array<number>(rank - s.length).fill(1), ...s];
            const outShape = pad(sa).map((n, i) => Math.max(n, pad(sb)[i]!));
            assert.deepEqual(out.shape, outShape);
            const got = out.toTypedArray() as Float64Array;
            for (let i = 0; i < got.length; i++) {
              const index = unravel(i, outShape);
              const expected = reference(at(da, sa, outShape, index), at(db, sb, outShape, index));
              assert.ok(Math.abs(got[i]! - expected) <= 1e-12 * (1 + Math.abs(expected)), `${name}[${index}]: ${got[i]} vs ${expected}`);
            }
          });
        },
      ),
      { numRuns: 150 },
    );
  });
}

const reductions: [string, (xs: number[]) => number][] = [
  ['sum', (xs) => xs.reduce((a, b) => a + b, 0)],
  ['mean', (xs) => xs.reduce((a, b) => a + b, 0) / xs.length],
  ['amax', (xs) => Math.max(...xs)],
  ['amin', (xs) => Math.min(...xs)],
];

for (const [name, reference] of reductions) {
  test(`property: ${name} over any dim, with and without keepdim`, () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 })
          .chain((shape) =>
            fc.tuple(fc.constant(shape), values(numel(shape)), fc.integer({ min: -shape.length, max: shape.length - 1 }), fc.boolean()),
          ),
        ([shape, data, dim, keepdim]) => {
          torch.tidy(() => {
            const x = torch.fromTypedArray(data, shape);
            const out = (torch as unknown as Record<string, (...a: unknown[]) => torch.Tensor>)[name]!(x, [dim], keepdim);
            const d = dim < 0 ? dim + shape.length : dim;
            const outShape = keepdim ? shape.map((n, i) => (i === d ? 1 : n)) : shape.filter((_, i) => i !== d);
            assert.deepEqual(out.shape, outShape);
            const got = out.toTypedArray() as Float64Array;
            const reducedShape = shape.map((n, i) => (i === d ? 1 : n));
            for (let i = 0; i < got.length; i++) {
              const index = unravel(i, reducedShape);
              const column = Array.from({ length: shape[d]! }, (_, k) => {
                const full = [...index];
                full[d] = k;
                return data[full.reduce((acc, v, j) => acc + v * strides(shape)[j]!, 0)]!;
              });
              const expected = reference(column);
              assert.ok(Math.abs(got[i]! - expected) <= 1e-12 * (1 + Math.abs(expected)), `${name}: ${got[i]} vs ${expected}`);
            }
          });
        },
      ),
      { numRuns: 150 },
    );
  });
}

test.run();
