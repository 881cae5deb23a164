// torch.save / torch.load in PyTorch's format: Python's files load here, Python reads ours.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { unzipSync } from 'fflate';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as torch from '../lib/index.ts';
import { hasPythonTorch, readFixture, testOrSkip } from './helpers.ts';

const fixtures = new URL('./fixtures/pt/', import.meta.url).pathname;
const python = '/usr/bin/python3';

type Described =
  | { tensor: number[]; shape: number[]; dtype: string }
  | { dict: Record<string, Described>; ordered: boolean }
  | Described[]
  | number
  | string
  | boolean
  | null;

/** Compares a loaded JS value with Python's description of the same value. */
function assertMatches(actual: unknown, expected: Described, where: string): void {
  if (expected !== null && typeof expected === 'object' && 'tensor' in expected) {
    const t = actual as torch.Tensor;
    assert.ok(t instanceof torch.Tensor, `${where} is a tensor`);
    assert.deepEqual(t.shape, expected.shape, `${where} shape`);
    assert.equal(t.dtype, expected.dtype, `${where} dtype`);
    assert.deepEqual(Array.from(t.toTypedArray(), Number), expected.tensor.map(Number), `${where} values`);
  } else if (expected !== null && typeof expected === 'object' && 'dict' in expected) {
    assert.deepEqual(Object.keys(actual as object), Object.keys(expected.dict), `${where} keys in order`);
    for (const [key, value] of Object.entries(expected.dict))
      assertMatches((actual as Record<string, unknown>)[key], value, `${where}.${key}`);
  } else if (Array.isArray(expected)) {
    assert.equal((actual as unknown[]).length, expected.length, `${where} length`);
    expected.forEach((item, i) => assertMatches((actual as unknown[])[i], item, `${where}[${i}]`));
  } else {
    assert.equal(actual, expected, where);
  }
}

const expected = readFixture<Record<string, Described>>('pt/expected.json');

for (const name of Object.keys(expected)) {
  test(`torch.load reads Python's ${name}.pt`, async () => {
    assertMatches(await torch.load(path.join(fixtures, `${name}.pt`)), expected[name]!, name);
  });
}

test('views saved from one storage still share it after loading', async () => {
  const [base, view] = await torch.load<torch.Tensor[]>(path.join(fixtures, 'shared.pt'));
  view!.fill_(-1);
  assert.deepEqual(base!.toArray(), [0, 1, -1, -1, -1, 5, 6, 7]);
});

test('save then load round-trips tensors of every dtype and nested values', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nodetorch-save-'));
  const file = path.join(dir, 'checkpoint.pt');
  const dtypes: torch.DType[] = ['float16', 'bfloat16', 'float32', 'float64', 'int8', 'uint8', 'int16', 'int32', 'int64', 'bool'];
  const value = {
    epoch: 3,
    lr: 0.001,
    tag: 'best',
    done: false,
    nothing: null,
    history: [0.5, 0.25],
    tensors: Object.fromEntries(
      dtypes.map((dtype) => [
        dtype,
        torch.tensor(
          [
            [1, 0, 1],
            [0, 1, 1],
          ],
          { dtype },
        ),
      ]),
    ),
    strided: torch.arange(6).reshape(2, 3).t(),
    scalar: torch.tensor(2.5),
  };
  await torch.save(value, file);
  const loaded = await torch.load<typeof value>(file);
  assert.equal(loaded.epoch, 3);
  assert.equal(loaded.lr, 0.001);
  assert.equal(loaded.tag, 'best');
  assert.equal(loaded.done, false);
  assert.equal(loaded.nothing, null);
  assert.deepEqual(loaded.history, [0.5, 0.25]);
  for (const dtype of dtypes) {
    assert.equal(loaded.tensors[dtype]!.dtype, dtype);
    assert.deepEqual(loaded.tensors[dtype]!.toArray(), value.tensors[dtype]!.toArray());
  }
  assert.deepEqual(loaded.strided.toArray(), [
    [0, 3],
    [1, 4],
    [2, 5],
  ]);
  assert.equal(loaded.scalar.item(), 2.5);
  assert.deepEqual(readdirSync(dir), ['checkpoint.pt'], 'no temp files left behind');
});

testOrSkip(test, 'Python torch.load reads what torch.save wrote', hasPythonTorch ? false : 'no /usr/bin/python3 with torch', async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'nodetorch-save-')), 'model.pt');
  await torch.save(
    { 'fc.weight': torch.tensor([[1.5, -2]]), 'fc.bias': torch.tensor([0.25]), step: 10, half: torch.tensor([1, 2], { dtype: 'float16' }) },
    file,
  );
  const seen = JSON.parse(execFileSync(python, ['scripts/golden/serialization_cases.py', '--check', file], { encoding: 'utf8' })) as {
    dict: Record<string, unknown>;
  };
  assert.deepEqual(seen.dict['fc.weight'], { tensor: [1.5, -2], shape: [1, 2], dtype: 'float32' });
  assert.deepEqual(seen.dict['fc.bias'], { tensor: [0.25], shape: [1], dtype: 'float32' });
  assert.equal(seen.dict.step, 10);
  assert.deepEqual(seen.dict.half, { tensor: [1, 2], shape: [2], dtype: 'float16' });
});

test('tensors viewing one storage are saved once and load as views of it, here and in Python', async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'nodetorch-save-')), 'views.pt');
  const base = torch.arange(8, { dtype: 'float32' });
  const weight = torch.tensor([
    [1, 2],
    [3, 4],
  ]);
  // Weight tying: two state-dict entries, one tensor.
  await torch.save({ base, view: base.index(torch.slice(2, 5)), weight, tied: weight }, file);
  const records = Object.keys(unzipSync(readFileSync(file))).filter((name) => name.includes('/data/'));
  assert.equal(records.length, 2, `one record per storage: ${records.join(', ')}`);

  const loaded = await torch.load<Record<string, torch.Tensor>>(file);
  assert.equal(loaded.tied!._storageId, loaded.weight!._storageId, 'tied weights stay tied');
  loaded.view!.fill_(-1);
  assert.deepEqual(loaded.base!.toArray(), [0, 1, -1, -1, -1, 5, 6, 7]);

  if (hasPythonTorch) {
    const seen: unknown = JSON.parse(
      execFileSync(python, ['scripts/golden/serialization_cases.py', '--check-views', file], { encoding: 'utf8' }),
    );
    assert.deepEqual(seen, { base: [0, 1, -1, -1, -1, 5, 6, 7], tied: true, view_offset: 2 });
  }
});

test('mapLocation moves every loaded tensor', async () => {
  const sd = await torch.load<Record<string, torch.Tensor>>(path.join(fixtures, 'state_dict.pt'), { mapLocation: 'cpu' });
  assert.ok(Object.values(sd).every((t) => t.device === 'cpu'));
});

test('bad files give clear errors, and a failed save leaves the old file intact', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nodetorch-bad-'));
  await assert.rejects(torch.load(path.join(dir, 'missing.pt')), /torch\.load: cannot read .*missing\.pt/);
  writeFileSync(path.join(dir, 'text.pt'), 'not a zip');
  await assert.rejects(torch.load(path.join(dir, 'text.pt')), /text\.pt is not a PyTorch file in the zip format/);
  const good = readFileSync(path.join(fixtures, 'tensor.pt'));
  writeFileSync(path.join(dir, 'truncated.pt'), good.subarray(0, good.length - 200));
  await assert.rejects(torch.load(path.join(dir, 'truncated.pt')), /truncated\.pt/);
  const target = path.join(dir, 'keep.pt');
  await torch.save({ a: 1 }, target);
  await assert.rejects(torch.save({ bad: (() => 1) as never }, target), /cannot save value\.bad: a function/);
  assert.deepEqual(await torch.load(target), { a: 1 });
  assert.ok(existsSync(target));
});

test.run();
