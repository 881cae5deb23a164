// Hydra's Defaults List (lib/conf/defaults): the cases of Hydra's own tests/defaults_list suite,
// as data (test/fixtures/conf/defaults-cases.json over the config tree in defaults-repo/), then
// the repository's configs/ folder as `nodetorch train` composes it.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ConfigCompositionError,
  createFileRepository,
  isGroupOverride,
  MissingConfigError,
  resolveDefaults,
  type DefaultsOverride,
  type DefaultsResult,
} from '../lib/conf/defaults/index.ts';

const fixtures = path.join(import.meta.dirname, 'fixtures', 'conf');

interface ExpectedDefault {
  path: string;
  package: string;
  parent: string;
  self?: boolean;
  primary?: boolean;
}

interface Case {
  source: string;
  config: string | null;
  overrides: string[];
  skipMissing?: boolean;
  versionBase?: string;
  expected?: ExpectedDefault[];
  choices?: Record<string, string | null>;
  error?: string;
}

/**
 * The few override forms the cases use (`[+|++|~]group[@pkg][=value]`, `[a,b]` lists, `null`), as
 * the override parser returns them; the parser itself is tested on its own.
 */
function override(text: string): DefaultsOverride {
  const [, prefix = '', keyWithPackage = '', , raw] = /^(\+\+|\+|~)?([^=]+)(=(.*))?$/.exec(text) ?? [];
  const type = prefix === '++' ? 'force_add' : prefix === '+' ? 'add' : prefix === '~' ? 'delete' : 'change';
  const at = keyWithPackage.indexOf('@');
  const value =
    raw === undefined || raw === 'null'
      ? null
      : raw.startsWith('[')
        ? raw
            .slice(1, -1)
            .split(',')
            .filter((item) => item !== '')
        : raw;
  return {
    type,
    key: at === -1 ? keyWithPackage : keyWithPackage.slice(0, at),
    package: at === -1 ? null : keyWithPackage.slice(at + 1),
    value,
  };
}

const repo = createFileRepository(path.join(fixtures, 'defaults-repo'));
const { cases } = JSON.parse(readFileSync(path.join(fixtures, 'defaults-cases.json'), 'utf8')) as { cases: Case[] };

test('the case file covers Hydra suites with at least 60 cases, errors among them', () => {
  assert.ok(cases.length >= 60, `${cases.length} cases`);
  assert.ok(cases.filter((c) => c.error !== undefined).length >= 20);
});

for (const c of cases) {
  test(`${c.source}: ${c.config} ${c.overrides.join(' ')}`, () => {
    const resolve = (): DefaultsResult =>
      resolveDefaults(repo, c.config, c.overrides.map(override), {
        skipMissing: c.skipMissing,
        versionBase: c.versionBase,
      });
    if (c.error !== undefined) {
      const message = c.error;
      assert.throws(resolve, (error: unknown) => {
        assert.ok(error instanceof ConfigCompositionError, String(error));
        assert.ok(error.message.includes(message), `message:\n${error.message}\nexpected to contain:\n${message}`);
        return true;
      });
      return;
    }
    const result = resolve();
    assert.deepEqual(
      result.defaults.map((d) => ({ path: d.configPath, package: d.package, parent: d.parent, self: d.isSelf, primary: d.primary })),
      (c.expected ?? []).map((e) => ({ ...e, self: e.self ?? false, primary: e.primary ?? false })),
    );
    if (c.choices !== undefined) assert.deepEqual(result.choices, c.choices);
  });
}

// The repository's own configs: what `nodetorch train [overrides]` composes.
const configs = createFileRepository(path.join(import.meta.dirname, '..', 'configs'));
const compose = (...overrides: string[]): DefaultsResult => resolveDefaults(configs, 'config', overrides.map(override));
const merged = (result: DefaultsResult): string[] => result.defaults.map((d) => `${d.configPath}@${d.package}${d.isSelf ? ' (self)' : ''}`);

test('configs/: the default composition, and its choices as hydra.runtime.choices lists them', () => {
  const result = compose();
  assert.deepEqual(merged(result), [
    'model/mlp@model',
    'optimizer/sgd@optimizer',
    'data/embedded_mnist@data',
    'trainer/default@trainer',
    'logger/csv@logger',
    'config@ (self)',
  ]);
  // Hydra records choices while walking each list last entry first.
  assert.deepEqual(Object.entries(result.choices), [
    ['logger', 'csv'],
    ['trainer', 'default'],
    ['data', 'embedded_mnist'],
    ['scheduler', null],
    ['optimizer', 'sgd'],
    ['model', 'mlp'],
  ]);
  assert.deepEqual(result.warnings, []);
  assert.ok(result.defaults.every((d) => d.primary === (d.configPath === 'config')));
});

test('configs/: model=cnn changes one choice and is consumed; value overrides are passed through', () => {
  const result = compose('model=cnn', 'optimizer.lr=0.1');
  assert.equal(result.defaults[0]?.configPath, 'model/cnn');
  assert.equal(result.choices.model, 'cnn');
  assert.deepEqual(
    result.groupOverrides.map((o) => o.key),
    ['model'],
  );
  assert.deepEqual(
    result.configOverrides.map((o) => o.key),
    ['optimizer.lr'],
  );
});

test('configs/: +experiment=mnist_cnn (a _global_ experiment of overrides only) merges last, after changing three groups', () => {
  const result = compose('+experiment=mnist_cnn');
  assert.deepEqual(merged(result), [
    'model/cnn@model',
    'optimizer/adamw@optimizer',
    'scheduler/onecycle@scheduler',
    'data/embedded_mnist@data',
    'trainer/default@trainer',
    'logger/csv@logger',
    'config@ (self)',
    'experiment/mnist_cnn@',
  ]);
  assert.equal(result.choices.experiment, 'mnist_cnn');
  assert.equal(result.choices.scheduler, 'onecycle');
  // The command line still beats the experiment's own overrides.
  assert.equal(compose('+experiment=mnist_cnn', 'model=mlp').defaults[0]?.configPath, 'model/mlp');
});

test('configs/: scheduler=step fills the null placeholder; trainer=fast extends trainer/default relative to its group', () => {
  const step = compose('scheduler=step');
  assert.deepEqual(merged(step).slice(0, 3), ['model/mlp@model', 'optimizer/sgd@optimizer', 'scheduler/step@scheduler']);
  assert.equal(step.choices.scheduler, 'step');

  const fast = compose('trainer=fast');
  const trainer = fast.defaults.filter((d) => d.configPath.startsWith('trainer/'));
  assert.deepEqual(trainer, [
    { configPath: 'trainer/default', package: 'trainer', parent: 'trainer/fast', isSelf: false, primary: false, overrideKey: null },
    { configPath: 'trainer/fast', package: 'trainer', parent: 'config', isSelf: true, primary: false, overrideKey: null },
  ]);
  assert.equal(fast.choices.trainer, 'fast');
});

test('configs/: ~logger deletes the logger entry and its choice', () => {
  const result = compose('~logger');
  assert.ok(!result.defaults.some((d) => d.configPath.startsWith('logger/')));
  assert.ok(!('logger' in result.choices));
  assert.equal(result.defaults.length, 5);
});

test('configs/: Hydra errors for an unknown option, a missing override target, re-adding a group and a bad delete', () => {
  assert.throws(
    () => compose('model=foo'),
    (error: unknown) => {
      assert.ok(error instanceof MissingConfigError);
      assert.ok(
        error.message.startsWith("In 'config': Could not find 'model/foo'\n\nAvailable options in 'model':\n\tcnn\n\tmlp\n"),
        error.message,
      );
      assert.ok(error.message.includes('Config search path:\n\tprovider=main, path=file://'));
      assert.deepEqual(error.options, ['cnn', 'mlp']);
      return true;
    },
  );
  assert.throws(() => compose('experiment=mnist_cnn'), {
    message: "Could not override 'experiment'. No match in the defaults list.\nTo append to your default list use +experiment=mnist_cnn",
  });
  assert.throws(() => compose('+model=cnn'), { message: "Multiple values for model. To override a value use 'override model: cnn'" });
  assert.throws(() => compose('+model=mlp'), { message: 'model appears more than once in the final defaults list' });
  assert.throws(() => compose('~logger=mlflow'), { message: "Could not delete 'logger=mlflow'. No match in the defaults list" });
});

test('isGroupOverride: a key naming a group, unless the value is a dict or the override a sweep', () => {
  assert.equal(isGroupOverride(override('model=cnn'), configs), true);
  assert.equal(isGroupOverride(override('+experiment=mnist_cnn'), configs), true);
  assert.equal(isGroupOverride(override('~logger'), configs), true);
  assert.equal(isGroupOverride(override('model.hidden=[64]'), configs), false);
  assert.equal(isGroupOverride(override('seed=1'), configs), false);
  assert.equal(isGroupOverride({ type: 'change', key: 'model', package: null, value: { kind: 'mlp' } }, configs), false);
  assert.equal(isGroupOverride({ type: 'change', key: 'model', package: null, value: null, sweep: { kind: 'choice' } }, configs), false);
  assert.equal(isGroupOverride(override('group1/group2=file1'), repo), true);
});

test('a primary config with content and no _self_ warns as Hydra 1.1+ does, and merges its body last', () => {
  const result = resolveDefaults(repo, 'primary_with_body_no_self');
  assert.equal(result.defaults.at(-1)?.configPath, 'primary_with_body_no_self');
  assert.equal(result.warnings.length, 1);
  assert.match(result.warnings[0] ?? '', /^In 'primary_with_body_no_self': Defaults list is missing `_self_`/);
});

test("version_base 1.1 honours the Hydra 1.0 package keywords, with Hydra's deprecation warnings", () => {
  const header = resolveDefaults(repo, 'group1/file_with_group_header', [], { versionBase: '1.1' });
  assert.deepEqual(header.warnings, [
    "In 'group1/file_with_group_header': Usage of deprecated keyword in package header '# @package _group_'.\n" +
      'See https://hydra.cc/docs/1.2/upgrades/1.0_to_1.1/changes_to_package_header for more information',
  ]);
  const name = resolveDefaults(repo, 'include_nested_group_name_', [], { versionBase: '1.1' });
  assert.match(name.warnings[0] ?? '', /^In group1\/group_item1_name_: Defaults List contains deprecated keyword _name_/);
  assert.throws(() => resolveDefaults(repo, 'empty', [], { versionBase: 'latest' }), TypeError);
});

test('the file repository reports headers, the body without defaults, and a group’s options', () => {
  const loaded = configs.load('experiment/mnist_cnn');
  assert.deepEqual(loaded?.header, { package: '_global_' });
  assert.equal(loaded?.defaults?.length, 3);
  assert.deepEqual(Object.keys(loaded?.body as object), ['name', 'optimizer', 'trainer']);
  assert.equal(loaded?.hasBody, true);
  assert.deepEqual(configs.load('model/cnn')?.header, {});
  assert.equal(configs.load('model/nope'), null);
  assert.deepEqual(configs.listGroup('optimizer'), ['adam', 'adamw', 'sgd']);
  assert.deepEqual(configs.listGroup('nope'), []);
  assert.equal(configs.isGroup('model'), true);
  assert.equal(configs.isGroup('model/cnn'), false);
  assert.equal(configs.exists('config.yaml'), true);
  assert.equal(repo.load('empty')?.hasBody, false);
});

test.run();
