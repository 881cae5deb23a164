// Hydra's compose (lib/conf/compose): the cases of Hydra's own tests/test_compose.py and the
// composition cases of tests/test_hydra.py, as data (test/fixtures/conf/compose-cases.json over
// the config folders in compose-repo/), then the repository's configs/ as `nodetorch train` composes them.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { compose, ComposeError, type ComposeResult } from '../lib/conf/compose.ts';
import { overrideDirname } from '../lib/conf/hydra-config.ts';
import { select, type ConfigDict, type ConfigValue } from '../lib/conf/omegaconf/index.ts';

const fixtures = path.join(import.meta.dirname, 'fixtures', 'conf');
const repo = path.join(fixtures, 'compose-repo');

interface Case {
  source: string;
  configDir: string;
  configName: string | null;
  overrides: string[];
  mode?: 'RUN' | 'MULTIRUN';
  jobNum?: number;
  expected?: ConfigDict;
  error?: string;
  choices?: Record<string, string | null>;
  taskOverrides?: string[];
  unresolved?: ConfigDict;
  hydra?: Record<string, ConfigValue>;
  warning?: string;
}

const { cases } = JSON.parse(readFileSync(path.join(fixtures, 'compose-cases.json'), 'utf8')) as { cases: Case[] };

test('the case file: at least 40 cases from Hydra suites, errors among them, every folder present', () => {
  const fromHydra = cases.filter((c) => !c.source.startsWith('nodetorch:'));
  assert.ok(fromHydra.length >= 40, `${fromHydra.length} cases from Hydra's tests`);
  assert.ok(cases.filter((c) => c.error !== undefined).length >= 20);
  for (const c of cases) {
    assert.ok(statSync(path.join(repo, c.configDir)).isDirectory(), c.configDir);
    assert.ok((c.expected === undefined) !== (c.error === undefined), `${c.source}: expected or error, not both`);
  }
});

for (const c of cases) {
  test(`${c.source}: ${c.configDir}/${c.configName} ${c.overrides.join(' ')}`, () => {
    const run = (): ComposeResult =>
      compose({
        configDir: path.join(repo, c.configDir),
        configName: c.configName,
        overrides: c.overrides,
        mode: c.mode,
        jobNum: c.jobNum,
      });
    if (c.error !== undefined) {
      const message = c.error;
      assert.throws(run, (error: unknown) => {
        assert.ok(error instanceof Error, String(error));
        assert.ok(error.message.includes(message), `message:\n${error.message}\nexpected to contain:\n${message}`);
        return true;
      });
      return;
    }
    const result = run();
    assert.deepEqual(result.config, c.expected);
    assert.ok(!('hydra' in result.config));
    if (c.choices !== undefined) assert.deepEqual(result.choices, c.choices);
    if (c.taskOverrides !== undefined) assert.deepEqual(result.taskOverrides, c.taskOverrides);
    if (c.unresolved !== undefined) assert.deepEqual(result.unresolved, c.unresolved);
    for (const [key, value] of Object.entries(c.hydra ?? {})) assert.deepEqual(select(result.hydra, key), value, `hydra.${key}`);
    if (c.warning !== undefined)
      assert.ok(
        result.warnings.some((warning) => warning.includes(c.warning!)),
        result.warnings.join('\n'),
      );
    else assert.deepEqual(result.warnings, []);
    // What every composition carries: the choices and the task overrides, in the hydra node too
    // (resolved there: `b=${a}` reads `b=foo` through hydra.overrides.task, as in Hydra).
    assert.deepEqual(select(result.hydra, 'runtime.choices'), result.choices);
    if (!c.overrides.some((o) => o.includes('${'))) assert.deepEqual(select(result.hydra, 'overrides.task'), result.taskOverrides);
    assert.deepEqual(
      result.taskOverrides,
      c.overrides.filter((o) => !/^[+~]*hydra[./]/.test(o)),
    );
    assert.equal(select(result.hydra, 'job.config_name'), c.configName);
    assert.equal(select(result.hydra, 'mode'), c.mode ?? 'RUN');
  });
}

test('compose errors are ComposeError for value overrides and for a sweep in a single run', () => {
  const dir = path.join(repo, 'nodetorch');
  for (const overrides of [['db.host=x'], ['~nothere'], ['+seed=1'], ['seed=1,2']])
    assert.throws(() => compose({ configDir: dir, overrides }), ComposeError, overrides.join(' '));
});

test('compose does not change the fixture files it reads (the same call twice gives the same config)', () => {
  const dir = path.join(repo, 'nodetorch');
  const first = compose({ configDir: dir, overrides: ['+db={host: x}', 'tags.0=w', '~seed'] });
  const second = compose({ configDir: dir });
  assert.equal((first.config.db as ConfigDict).host, 'x');
  assert.deepEqual(second.config.tags, ['x', 'y']);
  assert.equal(second.config.seed, 0);
  assert.ok(!('host' in (second.config.db as ConfigDict)));
});

test('overrideDirname: Hydra get_overrides_dirname (sorted input lines, key_or_group excluded, every = replaced)', () => {
  assert.equal(overrideDirname(['b=1', 'a=2']), 'a=2,b=1');
  assert.equal(overrideDirname(['db=x', 'db.port=2'], { kvSep: '-' }), 'db.port-2,db-x');
  assert.equal(overrideDirname(['~seed', '+seed=1', '++seed=2', 'seed@pkg=3', 'lr=1'], { excludeKeys: ['seed'] }), 'lr=1');
  assert.equal(overrideDirname(["name='a=b'", 'x=1'], { kvSep: ':', itemSep: '/' }), "name:'a:b'/x:1");
  assert.equal(overrideDirname([]), '');
});

// The repository's own configs: what `nodetorch train [overrides]` composes.
const configs = path.join(import.meta.dirname, '..', 'configs');

test('configs/: the default composition resolves the model sizes from the data config; ??? and hydra are kept out', () => {
  const { config, choices, unresolved, hydra } = compose({ configDir: configs });
  assert.equal(choices.model, 'mlp');
  assert.equal((config.model as ConfigDict).in_features, 784);
  assert.equal((config.model as ConfigDict).num_classes, 10);
  assert.equal((unresolved.model as ConfigDict).in_features, '${data.input_size}');
  assert.equal(config.scheduler, undefined);
  assert.equal(select(hydra, 'job.name'), 'train');
  assert.match(select(hydra, 'run.dir') as string, /^outputs\/\d{4}-\d{2}-\d{2}\/\d{2}-\d{2}-\d{2}$/);
});

test('configs/: +experiment=mnist_cnn and a group change on top, with interpolations that follow', () => {
  const { config, choices } = compose({ configDir: configs, overrides: ['+experiment=mnist_cnn', 'optimizer.lr=0.01'] });
  assert.equal(choices.model, 'cnn');
  assert.equal(choices.scheduler, 'onecycle');
  assert.equal((config.optimizer as ConfigDict).lr, 0.01);
  assert.equal((config.scheduler as ConfigDict).max_lr, 0.01); // ${optimizer.lr}, after the override
  assert.equal((config.scheduler as ConfigDict).epochs, 8);
  assert.equal(config.name, 'mnist_cnn');
});

test.run();
