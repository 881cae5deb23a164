/**
 * A seedable random generator that reproduces PyTorch's CPU `torch.Generator` bit for bit for the
 * draws the data pipeline needs (randperm, randint, rand, multinomial with replacement).
 *
 * LibTorch's default generator is one per process, shared by every thread; the addon does not expose
 * private generators. The samplers (which PyTorch seeds with `torch.Generator().manual_seed(s)`) and
 * the DataLoader workers (which PyTorch seeds per process) need their own streams, so this class
 * implements the same engine as `at::CPUGeneratorImpl`: MT19937 seeded with the low 32 bits of the seed.
 */

const STATE_SIZE = 624;
const SHIFT_SIZE = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** PyTorch's default seed of a new `torch.Generator()`. */
export const DEFAULT_SEED = 67280421310721n;

const TWO_POW_32 = 2 ** 32;
const TWO_POW_53 = 2 ** 53;

/** A {@link Generator}'s position: plain JSON (the seed as a decimal string), as checkpoints store it. */
export interface GeneratorState {
  seed: string;
  index: number;
  state: number[];
}

/** A MT19937 generator compatible with PyTorch's CPU `torch.Generator`. */
export class Generator {
  private readonly state = new Uint32Array(STATE_SIZE);
  private index = STATE_SIZE;
  private seed: bigint = DEFAULT_SEED;

  /** A generator seeded with `seed`, or with PyTorch's default seed. */
  constructor(seed: number | bigint = DEFAULT_SEED) {
    this.manualSeed(seed);
  }

  /** Restarts the stream from `seed` (a non-negative integer; like PyTorch, only its low 32 bits matter). Returns this. */
  manualSeed(seed: number | bigint): this {
    if (typeof seed === 'number' && (!Number.isSafeInteger(seed) || seed < 0))
      throw new RangeError(`Generator.manualSeed: seed must be a non-negative safe integer or a bigint, got ${seed}`);
    const big = BigInt.asUintN(64, BigInt(seed));
    this.seed = big;
    const state = this.state;
    state[0] = Number(big & 0xffffffffn);
    for (let i = 1; i < STATE_SIZE; i++) {
      const previous = state[i - 1]! ^ (state[i - 1]! >>> 30);
      // 1812433253 * previous + i in 32-bit arithmetic, split so the product stays exact.
      state[i] = (((((previous & 0xffff0000) >>> 16) * 1812433253) << 16) + (previous & 0x0000ffff) * 1812433253 + i) >>> 0;
    }
    this.index = STATE_SIZE;
    return this;
  }

  /** The position in the stream, to save (checkpoints) and restore with {@link setState}. */
  getState(): GeneratorState {
    return { seed: this.seed.toString(), index: this.index, state: Array.from(this.state) };
  }

  /** Continues the stream from a {@link getState} snapshot. Returns this. */
  setState(snapshot: GeneratorState): this {
    const valid =
      typeof snapshot === 'object' &&
      snapshot !== null &&
      Array.isArray(snapshot.state) &&
      snapshot.state.length === STATE_SIZE &&
      Number.isInteger(snapshot.index) &&
      snapshot.index >= 0 &&
      snapshot.index <= STATE_SIZE;
    if (!valid)
      throw new TypeError(`Generator.setState: expected a snapshot from getState(), got ${JSON.stringify(snapshot)?.slice(0, 80)}`);
    this.state.set(snapshot.state);
    this.index = snapshot.index;
    this.seed = BigInt(snapshot.seed);
    return this;
  }

  /** The seed this stream started from. */
  initialSeed(): bigint {
    return this.seed;
  }

  /** The next 32 random bits, as `CPUGeneratorImpl::random()` returns them. */
  random(): number {
    if (this.index >= STATE_SIZE) this.twist();
    let y = this.state[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** The next 64 random bits (`random64()`: the first 32-bit draw is the high word). */
  random64(): bigint {
    const high = this.random();
    const low = this.random();
    return (BigInt(high) << 32n) | BigInt(low);
  }

  /** A float64 uniform in [0, 1), as `torch.rand(..., dtype=torch.float64)` draws it (53 bits of `random64()`). */
  uniformDouble(): number {
    const high = this.random();
    const low = this.random();
    return ((high & 0x1fffff) * TWO_POW_32 + low) / TWO_POW_53;
  }

  /** A float32 uniform in [0, 1), as `torch.rand(...)` draws it (24 bits of `random()`). */
  uniformFloat(): number {
    return (this.random() & 0xffffff) / 0x1000000;
  }

  /** An integer uniform in [low, high), as `torch.randint(low, high, ...)` draws it. */
  randint(low: number, high: number): number {
    const range = high - low;
    if (!Number.isSafeInteger(range) || range <= 0) throw new RangeError(`Generator.randint: need low < high, got [${low}, ${high})`);
    if (range >= TWO_POW_32) return Number(this.random64() % BigInt(range)) + low;
    return (this.random() % range) + low;
  }

  /** A random permutation of 0..n-1, as `torch.randperm(n, generator=g)` gives it. */
  randperm(n: number): number[] {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`Generator.randperm: n must be a non-negative integer, got ${n}`);
    const result = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < n - 1; i++) {
      const z = this.random() % (n - i);
      const saved = result[i]!;
      result[i] = result[z + i]!;
      result[z + i] = saved;
    }
    return result;
  }

  /** A non-negative int64 seed, as `torch.empty((), dtype=torch.int64).random_(generator=g)` draws it. */
  seedDraw(): bigint {
    return this.random64() & 0x7fffffffffffffffn;
  }

  private twist(): void {
    const state = this.state;
    for (let i = 0; i < STATE_SIZE; i++) {
      const y = (state[i]! & UPPER_MASK) | (state[(i + 1) % STATE_SIZE]! & LOWER_MASK);
      state[i] = state[(i + SHIFT_SIZE) % STATE_SIZE]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.index = 0;
  }
}
