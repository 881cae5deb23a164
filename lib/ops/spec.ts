/** Shapes of the generated schema data (scripts/gen-ops.mjs) and helper types of the typed surface. */

/**
 * Argument kinds: T Tensor, TL Tensor[], TOL Tensor?[], I int, IL int[], F float, FL float[],
 * B bool, BL bool[], S Scalar, SL Scalar[], STR str, DT ScalarType, DV Device, LY Layout,
 * MF MemoryFormat, GEN Generator (only null is accepted).
 */
export type ArgKind = 'T' | 'TL' | 'TOL' | 'I' | 'IL' | 'F' | 'FL' | 'B' | 'BL' | 'S' | 'SL' | 'STR' | 'DT' | 'DV' | 'LY' | 'MF' | 'GEN';

/** Argument flags (bit set). */
export const ArgFlag = { HasDefault: 1, KeywordOnly: 2, Optional: 4, Mutated: 8 } as const;

/** [camelCase name, kind, flags, fixed list length N (int[N])]. */
export type ArgSpec = readonly [name: string, kind: ArgKind, flags: number, n?: number];

/** Return kinds: T Tensor, TL Tensor[], N number, NL number[], B bool, DT ScalarType, STR str. */
export type ReturnKind = 'T' | 'TL' | 'N' | 'NL' | 'B' | 'DT' | 'STR';

/** [kind, name in a named tuple or null, index of the argument it aliases (mutated in place) or -1]. */
export type ReturnSpec = readonly [kind: ReturnKind, name: string | null, aliasedArg: number];

/** [ATen name, overload ('' for the default), arguments, returns, variants (1 function, 2 method)]. */
export type OpSpec = readonly [name: string, overload: string, args: readonly ArgSpec[], returns: readonly ReturnSpec[], variants: number];

/** A Python-like scalar. */
export type Scalar = number | boolean | bigint;

/** Memory formats as ATen names them. */
export type MemoryFormat = 'contiguous_format' | 'preserve_format' | 'channels_last' | 'channels_last_3d';

/** The intersection of a union's members (helper of {@link Overloads}). */
export type UnionToIntersection<U> = (U extends unknown ? (arg: U) => void : never) extends (arg: infer I) => void ? I : never;

/** A packet of overloads: callable with any of their signatures, and each overload by name. */
export type Overloads<O> = O & UnionToIntersection<O[keyof O]>;
