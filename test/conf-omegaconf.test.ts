// The OmegaConf-compatible config core (lib/conf/omegaconf) against cases transcribed from
// OmegaConf's own test suite (test/fixtures/conf/omegaconf-cases.json: tests/test_grammar.py,
// tests/interpolation/*.py, tests/test_select.py, test_merge.py, test_update.py,
// test_to_container.py), then the API around them: YAML loading, resolvers, caching, Hydra's `now`.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as oc from '../lib/conf/omegaconf/index.ts';
import { parseConfigValue, parseElement } from '../lib/conf/omegaconf/grammar.ts';

type Json = oc.ConfigValue;
interface Outcome {
  id?: string;
  source: string;
  expected?: Json;
  error?: string;
  message?: string;
}
interface Fixture {
  base: oc.ConfigDict;
  element: (Outcome & { expr: string })[];
  configValue: (Outcome & { value: string })[];
  parse: { source: string; value: string; valid: boolean; mode?: 'element' }[];
  resolve: (Outcome & { cfg: oc.Config; key: string; env?: Record<string, string | null> })[];
  select: (Outcome & { cfg: oc.Config; key: string; options: oc.SelectOptions })[];
  merge: (Outcome & { inputs: oc.Config[]; options?: oc.MergeOptions; expectedRaw?: Json })[];
  update: (Outcome & { cfg: oc.Config; key?: string; value?: Json; options?: oc.UpdateOptions; steps?: [string, Json][] })[];
  toContainer: (Outcome & { cfg: oc.Config; options: oc.ToContainerOptions })[];
  splitKey: { key: string; expected: string[] }[];
  strftime: { date: [number, number, number, number, number, number, number]; format: string; expected: string }[];
}

// JSON has no NaN or infinities: the fixture writes them as {"$float": "nan" | "inf" | "-inf"}.
const FLOATS: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity };
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/conf/omegaconf-cases.json', import.meta.url), 'utf8'),
  (_key, value: unknown) =>
    value !== null && typeof value === 'object' && '$float' in value ? FLOATS[(value as { $float: string }).$float] : value,
) as Fixture;

const ERRORS: Record<string, new (...args: never[]) => Error> = {
  ConfigError: oc.ConfigError,
  ConfigIndexError: oc.ConfigIndexError,
  ConfigKeyError: oc.ConfigKeyError,
  ConfigTypeError: oc.ConfigTypeError,
  ConfigValueError: oc.ConfigValueError,
  GrammarParseError: oc.GrammarParseError,
  InterpolationKeyError: oc.InterpolationKeyError,
  InterpolationResolutionError: oc.InterpolationResolutionError,
  InterpolationToMissingValueError: oc.InterpolationToMissingValueError,
  MissingMandatoryValue: oc.MissingMandatoryValue,
  UnsupportedInterpolationType: oc.UnsupportedInterpolationType,
};

const label = (c: { source: string; id?: string }, what: string): string => `${c.source}${c.id ? `[${c.id}]` : ''}: ${what}`;

/** Runs `run` and checks its value or its error (class, and message when the case gives one). */
function check(c: Outcome, what: string, run: () => unknown): void {
  const name = label(c, what);
  if (c.error === undefined) {
    assert.deepEqual(run(), c.expected, name);
    return;
  }
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof Error, `${name}: expected ${c.error}, got no error`);
  // A resolver's own error arrives wrapped ("GrammarParseError raised while resolving ..."), as in OmegaConf.
  const inner = caught.cause instanceof oc.ConfigError && caught.message.startsWith(`${caught.cause.name} raised`) ? caught.cause : caught;
  const wanted = ERRORS[c.error]!;
  assert.ok(caught instanceof wanted || inner instanceof wanted, `${name}: expected ${c.error}, got ${caught.name}: ${caught.message}`);
  if (c.message !== undefined) assert.ok(caught.message.includes(c.message), `${name}: message ${JSON.stringify(caught.message)}`);
}

function withEnv<T>(env: Record<string, string | null> | undefined, run: () => T): T {
  const saved = Object.fromEntries(Object.keys(env ?? {}).map((key) => [key, process.env[key]]));
  for (const [key, value] of Object.entries(env ?? {})) {
    if (value === null) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    return run();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

// The resolvers OmegaConf's tests register (test_grammar.py's `test` and `first`, test_select.py's `func`, ...).
let decodeInput = '';
function registerTestResolvers(): void {
  const identity: oc.ResolverFunction = (args) => (args.length === 1 ? args[0]! : args);
  oc.registerResolver('test', identity);
  oc.registerResolver('ns1.ns2.test', identity);
  oc.registerResolver('first', ([item]) => (Array.isArray(item) ? item[0]! : Object.keys(item as object)[0]!));
  oc.registerResolver('func', ([x]) => `_${oc.pyStr(x!)}_`);
  oc.registerResolver('plus', ([x, y]) => (x as number) + (y as number));
  oc.registerResolver('fail', () => {
    throw new Error('fail');
  });
  // Evaluates a `singleElement` expression at a node of the config, as the grammar tests do.
  oc.registerResolver('probe', (_args, context) => context.decode(decodeInput));
}
registerTestResolvers();

const withProbe = (value: string): oc.ConfigDict => oc.merge(fixture.base, { probe: value });

test('grammar: single elements (tests/test_grammar.py singleElement)', () => {
  assert.ok(fixture.element.length > 150);
  for (const c of fixture.element) {
    decodeInput = c.expr;
    check(c, JSON.stringify(c.expr), () => oc.select(withProbe('${probe:}'), 'probe'));
  }
});

test('grammar: config values with string interpolation (tests/test_grammar.py configValue)', () => {
  for (const c of fixture.configValue) check(c, JSON.stringify(c.value), () => oc.select(withProbe(c.value), 'probe'));
});

test('grammar: what parses and what does not', () => {
  for (const c of fixture.parse) {
    const parse = () => (c.mode === 'element' ? parseElement(c.value) : parseConfigValue(c.value));
    if (c.valid) assert.doesNotThrow(parse, `${c.source}: ${c.value}`);
    else assert.throws(parse, oc.GrammarParseError, `${c.source}: ${c.value}`);
  }
});

test('interpolation and resolvers (tests/interpolation/*.py, test_select.py)', () => {
  for (const c of fixture.resolve) withEnv(c.env, () => check(c, `${JSON.stringify(c.cfg)} @ ${c.key}`, () => oc.select(c.cfg, c.key)));
});

test('select: defaults, missing values, resolution failures (tests/test_select.py)', () => {
  for (const c of fixture.select) check(c, `${JSON.stringify(c.cfg)} @ ${c.key}`, () => oc.select(c.cfg, c.key, c.options));
});

test('merge (tests/test_merge.py); inputs are left unchanged', () => {
  for (const c of fixture.merge) {
    const before = JSON.stringify(c.inputs);
    // OmegaConf compares a merged config with resolved values; `expectedRaw` is the merged config itself.
    const raw = c.expectedRaw !== undefined;
    check({ ...c, expected: raw ? c.expectedRaw : c.expected }, JSON.stringify(c.inputs), () => {
      const merged = oc.mergeConfigs(c.inputs, c.options);
      return raw ? merged : oc.toContainer(merged, { resolve: true });
    });
    assert.equal(JSON.stringify(c.inputs), before, label(c, 'inputs unchanged'));
  }
});

test('update, merge/set, struct mode and forceAdd (tests/test_update.py)', () => {
  for (const c of fixture.update) {
    const cfg = structuredClone(c.cfg);
    check(c, `${JSON.stringify(c.cfg)} @ ${c.key ?? 'steps'}`, () => {
      for (const [key, value] of c.steps ?? [[c.key!, c.value!]]) oc.update(cfg, key, value, c.options);
      return cfg;
    });
  }
});

test('toContainer: resolve and throwOnMissing (tests/test_to_container.py)', () => {
  for (const c of fixture.toContainer)
    check(c, `${JSON.stringify(c.cfg)} ${JSON.stringify(c.options)}`, () => oc.toContainer(c.cfg, c.options));
});

test('splitKey follows OmegaConf split_key', () => {
  for (const c of fixture.splitKey) assert.deepEqual(oc.splitKey(c.key), c.expected, c.key);
});

test('strftime matches Python datetime.strftime for the codes Hydra users write', () => {
  for (const { date, format, expected } of fixture.strftime) {
    const [y, mo, d, h, mi, s, ms] = date;
    assert.equal(oc.strftime(new Date(y, mo - 1, d, h, mi, s, ms), format), expected, format);
  }
  const z = oc.strftime(new Date(2024, 0, 1), '%z');
  assert.match(z, /^[+-]\d{4}$/);
});

test('loadYaml: YAML 1.2 types, ??? and ${...} kept as strings, merge keys, anchors copied', () => {
  const cfg = oc.loadYaml(
    [
      'model:',
      '  hidden: ???',
      '  lr: 1e-3',
      '  name: lr_${model.lr}',
      '  flag: yes',
      '  inf: .inf',
      'defaults: &d {a: 1, b: 2}',
      'derived:',
      '  <<: *d',
      '  b: 3',
      'copy: *d',
      '1: one',
    ].join('\n'),
    { source: 'config.yaml' },
  );
  assert.deepEqual(cfg, {
    '1': 'one',
    model: { hidden: '???', lr: 0.001, name: 'lr_${model.lr}', flag: 'yes', inf: Infinity },
    defaults: { a: 1, b: 2 },
    derived: { a: 1, b: 3 },
    copy: { a: 1, b: 2 },
  });
  assert.notEqual((cfg as oc.ConfigDict).copy, (cfg as oc.ConfigDict).defaults, 'an alias becomes its own copy');
  assert.deepEqual(oc.loadYaml(''), {});
  assert.deepEqual(oc.loadYaml('- 1\n- ${0}'), [1, '${0}']);
  assert.throws(
    () => oc.loadYaml('a: 1\na: 2', { source: 'dup.yaml' }),
    (e: Error) => e instanceof oc.ConfigLoadError && e.message.startsWith('dup.yaml: '),
  );
  assert.throws(() => oc.loadYaml('just text'), oc.ConfigLoadError);
  assert.throws(() => oc.loadYaml('a: [1, 2', { source: 'bad.yaml' }), /bad\.yaml/);
  const safe = oc.loadYaml('__proto__: {polluted: true}');
  assert.deepEqual(Object.keys(safe), ['__proto__']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('resolution is lazy: interpolations see overrides applied after loading', () => {
  const cfg = oc.loadYaml(
    [
      'optimizer:',
      '  lr: 0.1',
      '  tag: lr_${optimizer.lr}',
      'trainer:',
      '  lr: ${optimizer.lr}',
      '  dir: ${oc.env:NT_UNSET_DIR,/tmp/runs}',
    ].join('\n'),
  );
  const merged = oc.merge(cfg, oc.loadYaml('optimizer: {lr: 0.01}'));
  oc.update(merged, 'trainer.epochs', 5, { struct: true, forceAdd: true });
  withEnv({ NT_UNSET_DIR: null }, () =>
    assert.deepEqual(oc.toContainer(merged, { resolve: true }), {
      optimizer: { lr: 0.01, tag: 'lr_0.01' },
      trainer: { lr: 0.01, dir: '/tmp/runs', epochs: 5 },
    }),
  );
  assert.equal(oc.select(merged, 'trainer.lr'), 0.01, 'whole-value interpolation keeps the number');
  assert.equal(oc.hasKey(merged, 'trainer.epochs'), true);
  assert.equal(oc.hasKey(merged, 'trainer.nope'), false);
});

test('errors name the key: missing values, missing keys, cycles', () => {
  const cfg = { model: { hidden: '???', head: '${model.hidden}', bad: '${model.nope}' }, a: '${b}', b: '${c}', c: '${a}' };
  assert.throws(
    () => oc.toContainer({ model: { hidden: '???' } }, { throwOnMissing: true }),
    (e: Error) =>
      e instanceof oc.MissingMandatoryValue && String(e).startsWith('MissingMandatoryValue: Missing mandatory value: model.hidden'),
  );
  assert.throws(
    () => oc.select(cfg, 'model.head'),
    (e: Error) => e instanceof oc.InterpolationToMissingValueError && e.fullKey === 'model.head' && e.message.includes('model.hidden'),
  );
  assert.throws(
    () => oc.select(cfg, 'model.bad'),
    (e: Error) => String(e) === "InterpolationKeyError: Interpolation key 'model.nope' not found\n    full_key: model.bad",
  );
  assert.throws(() => oc.select(cfg, 'a'), /Recursive interpolation detected: a -> b -> c -> a/);
  assert.equal(oc.isMissingKey(cfg, 'model.hidden'), true);
  assert.equal(oc.isMissingKey(cfg, 'model.head'), false);
});

test('registerResolver: duplicates, replace, arguments, context, cache', () => {
  assert.throws(() => oc.registerResolver('test', () => 1), oc.ConfigValueError);
  oc.registerResolver('nt.join', (args, ctx) => `${ctx.fullKey}:${args.map((a) => oc.pyStr(a)).join('+')}`);
  assert.equal(oc.select({ x: { y: '${nt.join:a, 1, [2], null, true}' } }, 'x.y'), 'x.y:a+1+[2]+None+True');
  oc.registerResolver('nt.join', () => 'replaced', { replace: true });
  assert.equal(oc.select({ y: '${nt.join:}' }, 'y'), 'replaced');
  let calls = 0;
  oc.registerResolver('nt.count', () => ++calls, { useCache: true });
  const cfg = { a: '${nt.count:x}', b: '${nt.count:x}', c: '${nt.count:y}' };
  assert.deepEqual(oc.toContainer(cfg, { resolve: true }), { a: 1, b: 1, c: 2 });
  assert.deepEqual(oc.toContainer(cfg, { resolve: true }), { a: 1, b: 1, c: 2 }, 'cached on the config root');
  assert.equal(oc.select({ a: '${nt.count:x}' }, 'a'), 3, 'another root has its own cache');
  oc.registerResolver('nt.sibling', ([name], ctx) => ctx.select(`.${oc.pyStr(name!)}`));
  assert.equal(oc.select({ p: { q: '${nt.sibling:r}', r: 'R' } }, 'p.q'), 'R');
  assert.equal(oc.clearResolver('nt.sibling'), true);
  assert.equal(oc.hasResolver('nt.sibling'), false);
  oc.clearResolvers();
  assert.equal(oc.hasResolver('test'), false);
  assert.equal(oc.hasResolver('oc.env'), true, 'built-ins survive clearResolvers');
  registerTestResolvers();
});

test("Hydra's now resolver: strftime patterns, one instant per config", () => {
  const cfg = { day: '${now:%Y-%m-%d}', dir: 'outputs/${now:%Y-%m-%d}/${now:%H-%M-%S}', again: '${now:%Y-%m-%d}' };
  const out = oc.toContainer(cfg, { resolve: true });
  assert.match(out.day as string, /^\d{4}-\d{2}-\d{2}$/);
  assert.match(out.dir as string, /^outputs\/\d{4}-\d{2}-\d{2}\/\d{2}-\d{2}-\d{2}$/);
  assert.equal(out.again, out.day);
});

test.run();
