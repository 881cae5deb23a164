// writeFileAtomic / writeFileAtomicSync: content lands whole or not at all, and no temp files stay behind.
import { test } from 'uvu';
import { testOrSkip } from './helpers.ts';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic, writeFileAtomicSync } from '../lib/io/atomic.ts';

const made: string[] = [];
test.after(() => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodetorch-atomic-'));
  made.push(dir);
  return dir;
}

/** The directory's entries other than the expected ones (temp files left behind would show here). */
function extraEntries(dir: string, expected: string[]): string[] {
  return fs.readdirSync(dir).filter((name) => !expected.includes(name));
}

async function* chunksThenThrow(): AsyncGenerator<Uint8Array> {
  yield Buffer.from('new content part 1, ');
  yield new Uint8Array(64 * 1024).fill(0x41);
  throw new Error('source failed mid-write');
}

function* syncChunksThenThrow(): Generator<string> {
  yield 'new content part 1, ';
  yield 'part 2';
  throw new Error('source failed mid-write');
}

test('atomic: writes a new file from a string, bytes, an iterable or an async iterable', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'out.txt');
  await writeFileAtomic(file, 'héllo');
  assert.equal(fs.readFileSync(file, 'utf8'), 'héllo');
  await writeFileAtomic(file, new Float32Array([1.5]));
  assert.deepEqual([...fs.readFileSync(file)], [...new Uint8Array(new Float32Array([1.5]).buffer)]);
  await writeFileAtomic(file, ['a', Buffer.from('b'), new Uint8Array([0x63])]);
  assert.equal(fs.readFileSync(file, 'utf8'), 'abc');
  await writeFileAtomic(
    file,
    (async function* () {
      yield 'x';
      yield 'y';
    })(),
  );
  assert.equal(fs.readFileSync(file, 'utf8'), 'xy');
  writeFileAtomicSync(file, ['s', 'y', 'n', 'c']);
  assert.equal(fs.readFileSync(file, 'utf8'), 'sync');
  writeFileAtomicSync(file, '');
  assert.equal(fs.readFileSync(file, 'utf8'), '');
  assert.deepEqual(extraEntries(dir, ['out.txt']), []);
});

test('atomic: a chunk source that throws mid-write leaves the old file intact and no temp file', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'model.bin');
  fs.writeFileSync(file, 'old content');
  await assert.rejects(writeFileAtomic(file, chunksThenThrow()), /source failed mid-write/);
  assert.equal(fs.readFileSync(file, 'utf8'), 'old content');
  assert.deepEqual(extraEntries(dir, ['model.bin']), []);

  assert.throws(() => writeFileAtomicSync(file, syncChunksThenThrow()), /source failed mid-write/);
  assert.equal(fs.readFileSync(file, 'utf8'), 'old content');
  assert.deepEqual(extraEntries(dir, ['model.bin']), []);
});

test('atomic: a failure when there was no old file leaves nothing behind', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'fresh.bin');
  await assert.rejects(writeFileAtomic(file, chunksThenThrow()), /source failed mid-write/);
  assert.throws(() => writeFileAtomicSync(file, syncChunksThenThrow()), /source failed mid-write/);
  assert.deepEqual(fs.readdirSync(dir), []);
});

test('atomic: a bad chunk is a TypeError and changes nothing', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'f');
  fs.writeFileSync(file, 'old');
  await assert.rejects(writeFileAtomic(file, ['ok', 42 as unknown as string]), {
    name: 'TypeError',
    message: /chunks must be strings or typed arrays\/Buffers, got number/,
  });
  assert.throws(() => writeFileAtomicSync(file, [null as unknown as string]), /got null/);
  assert.equal(fs.readFileSync(file, 'utf8'), 'old');
  assert.deepEqual(extraEntries(dir, ['f']), []);
});

test('atomic: a missing directory is an error and creates nothing', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'missing', 'f');
  await assert.rejects(writeFileAtomic(file, 'x'), { code: 'ENOENT' });
  assert.throws(() => writeFileAtomicSync(file, 'x'), { code: 'ENOENT' });
  assert.deepEqual(fs.readdirSync(dir), []);
});

testOrSkip(
  test,
  'atomic: the replaced file keeps its permissions; an explicit mode wins',
  process.platform === 'win32' && 'POSIX modes',
  async () => {
    const dir = tempDir();
    const file = path.join(dir, 'f');
    fs.writeFileSync(file, 'old');
    fs.chmodSync(file, 0o640);
    await writeFileAtomic(file, 'new');
    assert.equal(fs.statSync(file).mode & 0o777, 0o640);
    writeFileAtomicSync(file, 'newer', { mode: 0o600 });
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.readFileSync(file, 'utf8'), 'newer');
  },
);

testOrSkip(
  test,
  'atomic: writing through a symlink replaces the file it points to and keeps the link',
  process.platform === 'win32' && 'symlinks need privileges',
  async () => {
    const dir = tempDir();
    const real = path.join(dir, 'real.bin');
    const link = path.join(dir, 'link.bin');
    fs.writeFileSync(real, 'old');
    fs.symlinkSync(real, link);
    await writeFileAtomic(link, 'through the link');
    assert.ok(fs.lstatSync(link).isSymbolicLink());
    assert.equal(fs.readFileSync(real, 'utf8'), 'through the link');
    assert.deepEqual(extraEntries(dir, ['real.bin', 'link.bin']), []);
  },
);

test('atomic: concurrent writers never mix; the file ends as one complete content', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'shared.bin');
  const contents = Array.from({ length: 8 }, (_, i) => Buffer.alloc(256 * 1024, 0x30 + i));
  await Promise.all(
    contents.map((content) => writeFileAtomic(file, [content.subarray(0, 1000), content.subarray(1000)], { fsync: false })),
  );
  const final = fs.readFileSync(file);
  assert.ok(
    contents.some((content) => content.equals(final)),
    'the file is exactly one of the written contents',
  );
  assert.deepEqual(extraEntries(dir, ['shared.bin']), []);
});

test.run();
