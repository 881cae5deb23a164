// Replays Hydra's own override-parser and basic-sweeper test cases (transcribed as data in
// test/fixtures/conf/overrides-*.json) against torch.conf's override grammar, then checks the
// public shapes, the error messages and a few cases Hydra's suite leaves out.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  OverrideParseError,
  SweepError,
  elementToText,
  escapeSpecialCharacters,
  overrideKeyText,
  overrideValueText,
  overrideValueType,
  parseOverride,
  sweepJobs,
  sweepValueTexts,
  validateSweepOverrides,
  withQuotes,
  type Override,
  type ParsedElement,
} from '../lib/conf/index.ts';
import { filterGlob } from '../lib/conf/overrides/glob-match.ts';
import { PyDict, QuotedString, type PyValue } from '../lib/conf/overrides/py-values.ts';
import { parseRule, type RuleName, type RuleResult } from '../lib/conf/overrides/rules.ts';
import { PyChoiceSweep, PyGlob, PyIntervalSweep, PyListExtension, PyRangeSweep } from '../lib/conf/overrides/sweeps.ts';
import { Decimal } from '../lib/conf/overrides/decimal.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface ParserCase {
  group: string;
  id: string;
  kind?: string;
  rule?: RuleName;
  input?: string;
  expected?: Json;
  error?: string;
  match?: 'contains' | 'prefix';
  roundTrip?: boolean;
  [field: string]: unknown;
}

interface SweeperCase {
  group: string;
  id: string;
  overrides: string[];
  params?: Record<string, string>;
  globChoices?: Record<string, string[]>;
  batches?: string[][][];
  expected?: string[][];
  error?: string;
}

const load = <T>(name: string): T => JSON.parse(readFileSync(new URL(`./fixtures/conf/${name}`, import.meta.url), 'utf8')) as T;
const parserCases = load<{ cases: ParserCase[] }>('overrides-parser.json').cases;
const sweeperCases = load<{ cases: SweeperCase[] }>('overrides-sweeper.json').cases;

// The fixtures' typed JSON: ints as numbers, floats as {float}, quoted strings, dicts and sweeps as tagged objects.
function encodeNumber(value: bigint | number): Json {
  if (typeof value === 'bigint') return Number(value);
  if (Number.isNaN(value)) return { float: 'nan' };
  if (!Number.isFinite(value)) return { float: value > 0 ? 'inf' : '-inf' };
  return { float: value };
}

const bound = (value: bigint | number | Decimal): number => (value instanceof Decimal ? value.toNumber() : Number(value));

function withSweepFlags(out: { [key: string]: Json }, sweep: { shuffle?: boolean; tags: Set<string> }): Json {
  if (sweep.shuffle) out.shuffle = true;
  if (sweep.tags.size > 0) out.tags = [...sweep.tags].sort();
  return out;
}

function encode(value: PyValue): Json {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint' || typeof value === 'number') return encodeNumber(value);
  if (Array.isArray(value)) return value.map(encode);
  if (value instanceof PyDict) return { dict: value.entries.map(([k, v]) => [encode(k), encode(v)]) };
  if (value instanceof QuotedString) return { quoted: value.text, quote: value.quote };
  if (value instanceof PyChoiceSweep)
    return withSweepFlags({ choice: value.list.map(encode), ...(value.simpleForm ? { simple: true } : {}) }, value);
  if (value instanceof PyRangeSweep) return withSweepFlags({ range: [bound(value.start), bound(value.stop), bound(value.step)] }, value);
  if (value instanceof PyIntervalSweep) return withSweepFlags({ interval: [encodeNumber(value.start), encodeNumber(value.end)] }, value);
  if (value instanceof PyGlob) return { glob: { include: value.include, exclude: value.exclude } };
  if (value instanceof PyListExtension) return { extendList: value.values.map(encode) };
  throw new TypeError(`cannot encode ${String(value)}`);
}

function valueTypeOf(value: PyValue | undefined): string | null {
  if (value === undefined) return null;
  if (value instanceof PyChoiceSweep) return value.simpleForm ? 'SIMPLE_CHOICE_SWEEP' : 'CHOICE_SWEEP';
  if (value instanceof PyRangeSweep) return 'RANGE_SWEEP';
  if (value instanceof PyIntervalSweep) return 'INTERVAL_SWEEP';
  if (value instanceof PyGlob) return 'GLOB_CHOICE_SWEEP';
  return 'ELEMENT';
}

function encodeRuleResult(rule: RuleName, result: RuleResult): Json {
  if (rule === 'override') {
    const o = result as { type: string; key: string; package: string | null; value: PyValue | undefined };
    const out: { [key: string]: Json } = { type: o.type, key: o.key, package: o.package, valueType: valueTypeOf(o.value) };
    if (o.value !== undefined) out.value = encode(o.value);
    return { override: out };
  }
  if (rule === 'key') return { key: result as { key: string; package: string | null } };
  return encode(result as PyValue);
}

function reasonMatches(error: unknown, expected: string, mode: 'contains' | 'prefix' = 'contains'): boolean {
  if (!(error instanceof OverrideParseError)) return false;
  return mode === 'prefix' ? error.reason.startsWith(expected) : error.reason.includes(expected);
}

// Random numbers that make Python's Fisher–Yates shuffle reverse a list of n items.
function reversingRandom(n: number): () => number {
  const draws: number[] = [];
  for (let i = n - 1; i > 0; i--) draws.push((Math.min(n - 1 - i, i) + 0.5) / (i + 1));
  return () => draws.shift() ?? 0;
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

// A sweep's elements as Hydra's Transformer.encode sees them: primitives as they are, the rest as text.
function transformerEncode(override: Override): Json {
  const sweep = override.sweep!;
  const elements: ParsedElement[] = sweep.kind === 'choice' || sweep.kind === 'range' ? sweep.elements : [];
  return elements.map((element, i) =>
    typeof element === 'string' || typeof element === 'bigint' || typeof element === 'number' || typeof element === 'boolean'
      ? encode(element)
      : sweepValueTexts(override)[i]!,
  );
}

const checks: Record<string, (c: ParserCase) => void> = {
  rule(c) {
    const run = (): RuleResult => parseRule(c.input!, c.rule!);
    if (c.error !== undefined) {
      assert.throws(run, (error) => reasonMatches(error, c.error!, c.match), `expected an error containing ${JSON.stringify(c.error)}`);
      return;
    }
    const result = run();
    assert.deepStrictEqual(encodeRuleResult(c.rule!, result), c.expected);
    if (c.roundTrip) assert.equal(withQuotes(result as QuotedString), c.input);
    if (c.rule === 'override') {
      // The public API agrees with the rule-level result.
      const parsed = parseOverride(c.input!);
      const expected = (c.expected as { override: { type: string; key: string; package: string | null; valueType: string | null } })
        .override;
      assert.deepStrictEqual(
        [parsed.type, parsed.key, parsed.package, overrideValueType(parsed)],
        [expected.type, expected.key, expected.package, expected.valueType],
      );
    }
  },
  shuffleSequence(c) {
    const orders = new Set<string>();
    for (let seed = 1; seed <= 10; seed++) {
      const parsed = parseOverride(c.input!, { random: seeded(seed) });
      const values = parsed.sweep === null ? (parsed.value as number[]) : sweepValueTexts(parsed, { random: seeded(seed) }).map(Number);
      assert.deepStrictEqual(
        [...values].sort((a, b) => a - b),
        c.sorted,
      );
      orders.add(JSON.stringify(values));
    }
    assert.ok(orders.size > 1, 'ten shuffles all gave the same order');
  },
  keyText: (c) => assert.equal(overrideKeyText(parseOverride(c.input!)), c.expected),
  valueText: (c) => assert.equal(overrideValueText(parseOverride(c.input!), { spaceAfterSep: c.spaceAfterSep as boolean }), c.expected),
  plainValue: (c) => assert.deepStrictEqual(parseOverride(c.input!).value, c.expected),
  floatRange(c) {
    const values = new PyRangeSweep(c.start as number, c.stop as number, c.step as number).values() as number[];
    const expected = c.expected as number[];
    assert.equal(values.length, expected.length);
    values.forEach((value, i) => assert.ok(Math.abs(value - expected[i]!) < 10e-6));
  },
  sortRange(c) {
    const original = (parseRule(c.range as string, 'function') as PyRangeSweep).values();
    for (const reverse of [false, true]) {
      const sorted = (parseRule(`sort(${c.range as string},reverse=${reverse})`, 'function') as PyRangeSweep).values();
      const expected = [...original].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      assert.deepStrictEqual(sorted, reverse ? expected.reverse() : expected);
    }
  },
  castMetadata(c) {
    const parsed = parseOverride(c.input!);
    const sweep = parsed.sweep!;
    assert.ok(sweep.kind === 'choice' || sweep.kind === 'range');
    assert.deepStrictEqual([sweep.tags, sweep.shuffle], [['meta'], true]);
    const reversed = [...sweep.elements].reverse();
    assert.deepStrictEqual(
      reversed.map((e) => encode(e)),
      c.expected,
    );
    // The shuffle happens when the sweep is expanded; a reversing random source shows it.
    assert.deepStrictEqual(
      sweepValueTexts(parsed, { random: reversingRandom(3) }),
      reversed.map((e) => elementToText(e)),
    );
  },
  globFilter: (c) => assert.deepStrictEqual(filterGlob(c.names as string[], c.include as string[], c.exclude as string[]), c.expected),
  sweepIterators(c) {
    const parsed = parseOverride(c.input!);
    assert.deepStrictEqual(sweepValueTexts(parsed), c.strings);
    assert.deepStrictEqual(transformerEncode(parsed), c.encoded);
  },
  escape: (c) => assert.equal(escapeSpecialCharacters(c.input!), c.expected),
};

for (const c of parserCases) {
  test(`parser ${c.group} ${c.id}`, () => {
    const check = checks[c.kind ?? 'rule'];
    assert.ok(check, `no check for case kind ${c.kind}`);
    check(c);
  });
}

for (const c of sweeperCases) {
  test(`sweeper ${c.group} ${c.id}`, () => {
    const run = (): string[][] => sweepJobs(c.overrides, { params: c.params, globChoices: c.globChoices });
    if (c.error !== undefined) {
      assert.throws(run, (error: Error) => error.message.includes(c.error!));
      return;
    }
    assert.deepStrictEqual(run(), c.expected ?? c.batches!.flat());
  });
}

test('parseOverride: the public shape', () => {
  assert.deepStrictEqual(parseOverride('db@backup=mysql'), {
    type: 'change',
    key: 'db',
    package: 'backup',
    value: 'mysql',
    element: 'mysql',
    sweep: null,
    hasValue: true,
    input: 'db@backup=mysql',
  });
  const range = parseOverride('+lr=range(0,1,0.25)');
  assert.deepStrictEqual([range.type, range.value, range.element], ['add', null, null]);
  assert.deepStrictEqual(range.sweep, {
    kind: 'range',
    start: 0,
    stop: 1,
    step: 0.25,
    values: [0, 0.25, 0.5, 0.75],
    elements: [0, 0.25, 0.5, 0.75],
    shuffle: false,
    tags: [],
  });
  assert.deepStrictEqual(parseOverride('x=range(0,1,0.1)').sweep?.kind === 'range' && parseOverride('x=range(0,1,0.1)').sweep, {
    kind: 'range',
    start: 0,
    stop: 1,
    step: 0.1,
    values: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
    elements: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
    shuffle: false,
    tags: [],
  });
  assert.deepStrictEqual(parseOverride('~x').element, null);
  assert.deepStrictEqual(parseOverride('x=null').element, null);
  assert.deepStrictEqual([parseOverride('~x').hasValue, parseOverride('x=null').hasValue], [false, true]);
  assert.deepStrictEqual(parseOverride('x=interval(0, 1)').sweep, { kind: 'interval', start: 0, end: 1, tags: [] });
  assert.deepStrictEqual(parseOverride('db=glob(m*, exclude=[x*])').sweep, { kind: 'glob', include: ['m*'], exclude: ['x*'] });
  const choice = parseOverride("x='1',2,[3]");
  assert.deepStrictEqual(choice.sweep?.kind === 'choice' && [choice.sweep.values, choice.sweep.simpleForm], [['1', 2, [3]], true]);
  assert.deepStrictEqual(parseOverride('x=extend_list(1,a)'), {
    type: 'extend_list',
    key: 'x',
    package: null,
    value: [1, 'a'],
    element: [1n, 'a'],
    sweep: null,
    hasValue: true,
    input: 'x=extend_list(1,a)',
  });
});

test('parseOverride: typed values', () => {
  const element = (text: string): ParsedElement => parseOverride(`k=${text}`).element;
  assert.deepStrictEqual(
    ['1_000', '1.5', '.5', '1e-3', 'inf', '-inf', 'TRUE', 'null', "'1'", '"a,b"', '${a.b}', 'a/b-c:d.e', '  padded  '].map(element),
    [
      1000n,
      1.5,
      0.5,
      0.001,
      Infinity,
      -Infinity,
      true,
      null,
      new QuotedString('1', "'"),
      new QuotedString('a,b', '"'),
      '${a.b}',
      'a/b-c:d.e',
      'padded',
    ],
  );
  assert.ok(Number.isNaN(element('nan')));
  assert.equal(element('123456789012345678901234567890'), 123456789012345678901234567890n);
  assert.deepStrictEqual(
    parseOverride('k={1: a, 1.0: b, true: c, null: d}').value,
    { 1: 'c', null: 'd' },
    'Python dict keys: 1, 1.0 and True are one key',
  );
});

test('OverrideParseError: Hydra reason, caret at the column', () => {
  const cases: [string, string, number][] = [
    ['foo', "missing EQUAL at '<EOF>'", 3],
    ['key value=1', "token recognition error at: ' '", 3],
    ['a@pkg1:pkg2=x', "missing EQUAL at ':'", 6],
    ['0=1', "token recognition error at: '0='", 0],
    [
      'key=a,,b',
      "extraneous input ',' expecting {':', BRACKET_OPEN, BRACE_OPEN, FLOAT, INT, BOOL, NULL, UNQUOTED_CHAR, ID, ESC, WS, QUOTED_VALUE, INTERPOLATION}",
      6,
    ],
    [
      'key=a,]',
      "mismatched input ']' expecting {':', BRACKET_OPEN, BRACE_OPEN, FLOAT, INT, BOOL, NULL, UNQUOTED_CHAR, ID, ESC, WS, QUOTED_VALUE, INTERPOLATION}",
      6,
    ],
    ['key=x,[a', "mismatched input '<EOF>' expecting {COMMA, BRACKET_CLOSE}", 8],
    ['key=f(a', "no viable alternative at input 'f(a'", 7],
    ['key="abc', "token recognition error at: '\"abc'", 4],
    ['key=choice(a=1,2)', 'positional argument follows keyword argument', 4],
    ['key=range(1,10,0)', 'ValueError: range() arg 3 must not be zero', 4],
    ['key=range(0,1,0.0)', 'HydraException: Invalid range values (start:0, stop:1, step:0.0)', 4],
    ['key=int(a)', "ValueError while evaluating 'int(a)': invalid literal for int() with base 10: 'a'", 4],
    ['key=[choice(1,2)]', 'ChoiceSweep cannot be nested inside a list, a dict or a sweep', 4],
  ];
  for (const [text, reason, column] of cases) {
    let caught: unknown;
    try {
      parseOverride(text);
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof OverrideParseError, `${text} should not parse`);
    assert.ok(caught.reason.startsWith(reason), `${text}: ${caught.reason}`);
    assert.equal(caught.column, column, `${text}: column`);
    const lines = caught.message.split('\n');
    assert.equal(lines[0], `Error parsing override '${text}'`);
    assert.equal(lines.at(-1), `${' '.repeat(column)}^`);
  }
});

test('sweep texts, key texts and the sweep checks', () => {
  assert.deepStrictEqual(sweepValueTexts(parseOverride('x=range(1.0,3.0)')), ['1.0', '2.0']);
  assert.deepStrictEqual(sweepValueTexts(parseOverride('x=\'a b\',"c",d\\,e')), ["'a b'", '"c"', 'd\\,e']);
  assert.throws(() => sweepValueTexts(parseOverride('db=glob(*)')), SweepError);
  assert.throws(() => overrideValueText(parseOverride('x=1,2')), /Cannot convert sweep to str/);
  assert.equal(overrideKeyText(parseOverride('++a.b@pkg=1')), '++a.b@pkg');
  assert.throws(
    () => validateSweepOverrides([parseOverride('x=1,2')], 'run'),
    /^SweepError: Ambiguous value for argument 'x=1,2'\n1\. To use it as a list/,
  );
  assert.throws(() => validateSweepOverrides([parseOverride('x=range(3)')], 'run'), /Sweep parameters 'x=range\(3\)' requires --multirun/);
  assert.throws(
    () => validateSweepOverrides([parseOverride('hydra.x=1,2')], 'multirun'),
    /Sweeping over Hydra's configuration is not supported : 'hydra.x=1,2'/,
  );
  validateSweepOverrides([parseOverride('x=1,2'), parseOverride('y=3')], 'multirun');
  assert.deepStrictEqual(sweepJobs(['x=extend_list(1,2)', 'y=1,2']), [
    ['x=extend_list(1,2)', 'y=1'],
    ['x=extend_list(1,2)', 'y=2'],
  ]);
  const shuffled = sweepJobs(['x=shuffle(1,2,3)'], { random: reversingRandom(3) });
  assert.deepStrictEqual(shuffled, [['x=3'], ['x=2'], ['x=1']]);
  assert.deepStrictEqual(new PyDict([]).entries.length + [new Decimal(15n, -1).toString(), Decimal.of(1e-5).toString()].length, 2);
});

test.run();
