// safetensors: Python-written fixtures load exactly, our bytes equal the Python writer's, every dtype
// round-trips, Python reads what we write, and malformed files fail with a clear error.
// Fixtures: /usr/bin/python3 scripts/golden/safetensors_cases.py
import { test } from 'uvu';
import { testOrSkip } from './helpers.ts';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as torch from '../lib/index.ts';
import { SafetensorsError } from '../lib/io/safetensors-header.ts';
import {
  loadSafetensors,
  loadSafetensorsSync,
  parseSafetensors,
  saveSafetensors,
  saveSafetensorsSync,
  safetensorsMetadata,
  safetensorsMetadataSync,
  serializeSafetensors,
} from '../lib/io/safetensors.ts';

// serializeSafetensors is typed Uint8Array (no @types/node needed); in Node it is a Buffer, viewed as one here.
const serialized = (...args: Parameters<typeof serializeSafetensors>): Buffer => {
  const bytes = serializeSafetensors(...args);
  assert.ok(Buffer.isBuffer(bytes), 'serializeSafetensors returns a Buffer in Node');
  return bytes;
};

const FIXTURES = fileURLToPath(new URL('./fixtures/safetensors/', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../scripts/golden/safetensors_cases.py', import.meta.url));
const PYTHON = '/usr/bin/python3';

interface ExpectedTensor {
  name: string;
  dtype: torch.DType;
  shape: number[];
  values: (number | string)[];
  hex: string;
}
interface ExpectedFile {
  metadata: Record<string, string> | null;
  tensors: ExpectedTensor[];
  referenceOrder: boolean;
}
const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, ExpectedFile>;

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'nodetorch-safetensors-'));
test.after(() => fs.rmSync(scratch, { recursive: true, force: true }));
let counter = 0;
const scratchFile = (name = 'file') => path.join(scratch, `${counter++}-${name}.safetensors`);

/** The tensor's raw little-endian bytes as hex (half types reinterpreted, not converted). */
function rawHex(t: torch.Tensor): string {
  const source = t.dtype === 'float16' || t.dtype === 'bfloat16' ? torch.ops.aten.view.dtype(t, 'int16') : t;
  const array = source.toTypedArray();
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('hex');
}

/** Values encoded as the Python script encodes them (int64 as decimal strings, non-finite floats as strings). */
function encodedValues(t: torch.Tensor): (number | string)[] {
  return Array.from(t.toTypedArray() as ArrayLike<number | bigint>, (v) => {
    if (typeof v === 'bigint') return String(v);
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    return Object.is(v, -0) ? '-0' : v;
  });
}
const pythonValues = (values: (number | string)[]) => values.map((v) => (Object.is(v, -0) ? '-0' : v));

function assertMatches(actual: Record<string, torch.Tensor>, file: ExpectedFile, label: string): void {
  assert.deepEqual(Object.keys(actual).sort(), file.tensors.map((t) => t.name).sort(), `${label}: names`);
  for (const want of file.tensors) {
    const got = actual[want.name]!;
    const where = `${label} '${want.name}'`;
    assert.equal(got.dtype, want.dtype, `${where} dtype`);
    assert.deepEqual(got.shape, want.shape, `${where} shape`);
    assert.equal(rawHex(got), want.hex, `${where} bytes`);
    assert.deepEqual(encodedValues(got), pythonValues(want.values), `${where} values`);
  }
}

test('safetensors: the Python-written fixtures load with their exact values, dtypes, shapes and metadata', async () => {
  for (const [name, file] of Object.entries(expected)) {
    const fixture = path.join(FIXTURES, name);
    assertMatches(await loadSafetensors(fixture), file, name);
    assertMatches(loadSafetensorsSync(fixture), file, `${name} (sync)`);
    assertMatches(parseSafetensors(fs.readFileSync(fixture)), file, `${name} (buffer)`);
    const header = await safetensorsMetadata(fixture);
    assert.deepEqual(header.metadata ? { ...header.metadata } : null, file.metadata, `${name} metadata`);
    assert.deepEqual(safetensorsMetadataSync(fixture), header);
    // Header order is data order (the Python reader lists tensors by offset too).
    assert.deepEqual(
      Object.keys(header.tensors),
      file.tensors.map((t) => t.name),
      `${name} order`,
    );
  }
  // Names JS objects treat specially survive as ordinary own keys.
  const names = await loadSafetensors(path.join(FIXTURES, 'names.safetensors'));
  assert.ok(Object.hasOwn(names, '__proto__') && names['__proto__'] instanceof torch.Tensor);
});

test("safetensors: our bytes are identical to the Python writer's for the same tensors", async () => {
  for (const [name, file] of Object.entries(expected)) {
    const fixture = path.join(FIXTURES, name);
    const bytes = fs.readFileSync(fixture);
    const tensors = loadSafetensorsSync(fixture);
    const options = file.metadata ? { metadata: file.metadata } : {};
    const ours = serialized(tensors, options);
    if (file.referenceOrder) {
      assert.ok(ours.equals(bytes), `${name}: serializeSafetensors differs from the Python writer`);
      const saved = scratchFile();
      await saveSafetensors(tensors, saved, options);
      assert.ok(fs.readFileSync(saved).equals(bytes), `${name}: saveSafetensors differs from the Python writer`);
    } else {
      // This fixture uses the older, purely name-sorted layout (misaligned offsets); we always write
      // the reference's current layout, so the bytes differ but the tensors are the same.
      assert.ok(!ours.equals(bytes));
      assertMatches(parseSafetensors(ours), file, `${name} rewritten`);
    }
  }
});

test('safetensors: loaded CPU tensors share one buffer where aligned; misaligned ones are copied', () => {
  const bytes = fs.readFileSync(path.join(FIXTURES, 'legacy_order.safetensors'));
  const buffer = new Uint8Array(new ArrayBuffer(bytes.length));
  buffer.set(bytes);
  const tensors = parseSafetensors(buffer);
  const header = safetensorsMetadataSync(path.join(FIXTURES, 'legacy_order.safetensors'));
  const dataStart = 8 + header.headerSize;
  const [u8At] = header.tensors['a_u8']!.dataOffsets; // offset 0: aligned, shared
  const [f32At] = header.tensors['b_f32']!.dataOffsets; // offset 3: misaligned, copied
  assert.equal(f32At % 4, 3);
  buffer[dataStart + u8At] = 99;
  buffer.fill(0, dataStart + f32At, dataStart + f32At + 4);
  assert.deepEqual(tensors['a_u8']!.toArray(), [99, 2, 3]);
  assert.deepEqual(tensors['b_f32']!.toArray(), [0.25, -8]);

  // In the reference layout everything is aligned, so every tensor is a view of the buffer.
  const fresh = serialized({ w: torch.tensor([1, 2], { dtype: 'float64' }), b: torch.tensor([true, false]) });
  const shared = parseSafetensors(fresh);
  const start = 8 + Number(fresh.readBigUInt64LE(0));
  fresh.writeDoubleLE(-5, start);
  fresh[start + 17] = 1;
  assert.deepEqual(shared['w']!.toArray(), [-5, 2]);
  assert.deepEqual(shared['b']!.toArray(), [true, true]);
});

const DTYPES: torch.DType[] = ['float64', 'float32', 'float16', 'bfloat16', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool'];

function samples(dtype: torch.DType): Record<string, torch.Tensor> {
  const values =
    dtype === 'bool' ? [true, false, true, true, false, false] : [0, 1, -2, 3, 100, -7].map((v) => (dtype === 'uint8' ? Math.abs(v) : v));
  const base = torch.tensor(values, { dtype }).reshape([2, 3]);
  const tensors: Record<string, torch.Tensor> = {
    [`${dtype}.matrix`]: base,
    [`${dtype}.scalar`]: torch.tensor(dtype === 'bool' ? true : 5, { dtype }),
    [`${dtype}.empty`]: torch.zeros([0, 2], { dtype }),
    [`${dtype}.transposed`]: base.t(),
  };
  if (dtype.startsWith('float') || dtype === 'bfloat16') tensors[`${dtype}.random`] = torch.randn([3, 4]).to(dtype);
  return tensors;
}

test('safetensors: every dtype round-trips through save and load (0-d, empty, non-contiguous, requiresGrad)', async () => {
  const tensors = Object.assign({}, ...DTYPES.map(samples)) as Record<string, torch.Tensor>;
  tensors['grad'] = torch.randn([2, 2]).requiresGrad_();
  tensors['int64.extremes'] = torch.tensor([-(2n ** 63n), 2n ** 63n - 1n]);
  const metadata = { format: 'pt', über: 'ünïcode\n"quoted"' };
  const asyncFile = scratchFile();
  const syncFile = scratchFile();
  await saveSafetensors(tensors, asyncFile, { metadata });
  saveSafetensorsSync(tensors, syncFile, { metadata });
  assert.ok(fs.readFileSync(asyncFile).equals(fs.readFileSync(syncFile)));
  assert.ok(fs.readFileSync(asyncFile).equals(serialized(tensors, { metadata })));
  for (const loaded of [await loadSafetensors(asyncFile), loadSafetensorsSync(syncFile)]) {
    assert.deepEqual(Object.keys(loaded).sort(), Object.keys(tensors).sort());
    for (const [name, original] of Object.entries(tensors)) {
      const back = loaded[name]!;
      assert.equal(back.dtype, original.dtype, name);
      assert.deepEqual(back.shape, original.shape, name);
      assert.equal(rawHex(back), rawHex(original), name);
      assert.equal(back.requiresGrad, false);
    }
  }
  assert.deepEqual({ ...(await safetensorsMetadata(asyncFile)).metadata }, metadata);
  // An empty record is a valid (16-byte) file.
  const empty = serialized({});
  assert.equal(empty.toString('latin1'), '\x08\0\0\0\0\0\0\0{}      ');
  assert.deepEqual(Object.keys(parseSafetensors(empty)), []);
});

const pythonSkip = (() => {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} not found`;
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  return probe.status === 0
    ? false
    : `${PYTHON} cannot import torch: ${(probe.stderr || probe.error?.message || '').trim().split('\n').pop()}`;
})();

testOrSkip(test, 'safetensors: Python reads our files back exactly (scripts/golden/safetensors_cases.py --check)', pythonSkip, async () => {
  const tensors = Object.assign({}, ...DTYPES.map(samples)) as Record<string, torch.Tensor>;
  tensors['\u{1F600}'] = torch.tensor([1.5]);
  tensors['\uE000'] = torch.tensor([2.5]);
  tensors['0'] = torch.tensor([NaN, Infinity, -Infinity, -0]);
  tensors['int64.extremes'] = torch.tensor([-(2n ** 63n), 2n ** 63n - 1n]);
  const metadata = { format: 'pt', note: 'café' };
  const file = scratchFile('for-python');
  await saveSafetensors(tensors, file, { metadata });
  const run = spawnSync(PYTHON, [SCRIPT, '--check', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout) as ExpectedFile & { reader: string; sameBytes: boolean };
  assert.deepEqual(report.metadata, metadata);
  assert.equal(report.sameBytes, true, `the Python writer (${report.reader}) produces different bytes for these tensors`);
  const byName = new Map(report.tensors.map((t) => [t.name, t]));
  assert.deepEqual([...byName.keys()].sort(), Object.keys(tensors).sort());
  for (const [name, original] of Object.entries(tensors)) {
    const seen = byName.get(name)!;
    assert.equal(seen.dtype, original.dtype, name);
    assert.deepEqual(seen.shape, original.shape, name);
    assert.equal(seen.hex, rawHex(original), name);
    assert.deepEqual(pythonValues(seen.values), encodedValues(original), name);
  }
});

// ---- malformed input ------------------------------------------------------------------------

/** A file from a header (object, JSON text or raw bytes) and a data section; `size` overrides the length field. */
function craft(header: unknown, data: number | Uint8Array = 0, size?: bigint): Buffer {
  const json = Buffer.isBuffer(header) ? header : Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(size ?? BigInt(json.length));
  return Buffer.concat([prefix, json, typeof data === 'number' ? Buffer.alloc(data) : data]);
}
const f32 = (shape: number[], offsets: number[]) => ({ dtype: 'F32', shape, data_offsets: offsets });
const valid = serialized({ a: torch.tensor([1, 2, 3], { dtype: 'float32' }) });

const BAD: [string, Buffer, RegExp, { headerOk?: boolean }?][] = [
  ['shorter than the size field', Buffer.from([1, 2, 3]), /file is 3 bytes, too short for the 8-byte header size/],
  ['header size beyond the file', craft({}, 0, 1000n), /header size 1000 is larger than the file \(10 bytes, 2 after the size field\)/],
  ['header not UTF-8', craft(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), /header is not valid UTF-8/],
  ['header not JSON', craft('{"a":'), /header is not valid JSON/],
  ['header not an object', craft('[1,2]'), /header must be a JSON object/],
  ['unknown dtype', craft({ t: { dtype: 'X99', shape: [1], data_offsets: [0, 4] } }, 4), /tensor 't': unknown dtype "X99"/],
  [
    'dtype nodetorch lacks',
    craft({ t: { dtype: 'U16', shape: [2], data_offsets: [0, 4] } }, 4),
    /tensor 't': dtype U16 is a safetensors dtype that nodetorch has no tensor type for/,
  ],
  [
    'shape/size mismatch',
    craft({ t: f32([2, 2], [0, 12]) }, 12),
    /tensor 't': shape \[2,2\] of F32 needs 16 bytes, but data_offsets \[0, 12\] span 12/,
  ],
  ['negative shape', craft({ t: f32([-1], [0, 4]) }, 4), /tensor 't': shape must be an array of non-negative integers, got \[-1\]/],
  ['malformed offsets', craft({ t: f32([1], [0]) }, 4), /tensor 't': data_offsets must be two non-negative integers/],
  ['offsets reversed', craft({ t: f32([1], [8, 4]) }, 8), /tensor 't': data_offsets \[8, 4\] end before they begin/],
  [
    'offsets past the end',
    craft({ t: f32([4], [0, 16]) }, 8),
    /file is truncated: tensor 't' needs data bytes \[0, 16\) but the data section has 8/,
  ],
  [
    'truncated file',
    valid.subarray(0, valid.length - 3),
    /file is truncated: tensor 'a' needs data bytes \[0, 12\) but the data section has 9/,
  ],
  [
    'overlapping tensors',
    craft({ a: f32([2], [0, 8]), b: f32([2], [4, 12]) }, 12),
    /tensor 'b' data_offsets \[4, 12\] overlap tensor 'a' \(which ends at 8\)/,
  ],
  ['gap before a tensor', craft({ a: f32([1], [4, 8]) }, 8), /4 unused bytes before tensor 'a'/],
  ['trailing bytes', craft({ a: f32([1], [0, 4]) }, 8), /4 trailing bytes after the last tensor/],
  ['non-string metadata', craft({ __metadata__: { epoch: 3 } }), /__metadata__ values must be strings, got 3 for 'epoch'/],
  [
    'bool byte other than 0/1',
    craft({ m: { dtype: 'BOOL', shape: [2], data_offsets: [0, 2] } }, Buffer.from([1, 2])),
    /tensor 'm': bool element 1 is byte 2/,
    { headerOk: true },
  ],
];

test('safetensors: each malformed file is a SafetensorsError naming the file and the problem', async () => {
  for (const [label, bytes, problem, { headerOk } = {}] of BAD) {
    const file = scratchFile(label.replace(/\W+/g, '-'));
    fs.writeFileSync(file, bytes);
    const check = (caught: unknown): boolean => {
      assert.ok(caught instanceof SafetensorsError, `${label}: ${String(caught)}`);
      const error = caught;
      assert.equal(error.source, file, label);
      assert.ok(error.message.startsWith(`safetensors ${file}: `), `${label}: ${error.message}`);
      assert.match(error.message, problem, label);
      return true;
    };
    await assert.rejects(loadSafetensors(file), check);
    assert.throws(() => loadSafetensorsSync(file), check);
    if (headerOk) assert.doesNotThrow(() => safetensorsMetadataSync(file));
    else await assert.rejects(safetensorsMetadata(file), check);
    assert.throws(
      () => parseSafetensors(bytes),
      (error: unknown) => error instanceof SafetensorsError && problem.test(error.message),
    );
  }
});

test('safetensors: bad tensors to save are TypeErrors, and a save failing mid-write keeps the old file', async () => {
  const ok = torch.tensor([1]);
  assert.throws(() => serializeSafetensors({ a: [1, 2] as unknown as torch.Tensor }), /'a' must be a Tensor, got object/);
  assert.throws(
    () => serializeSafetensors({ c: torch.zeros([2], { dtype: 'complex64' }) }),
    /'c' has dtype complex64, which the format cannot store/,
  );
  assert.throws(
    () => serializeSafetensors({ a: ok }, { metadata: { n: 1 as unknown as string } }),
    /metadata values must be strings, got number for 'n'/,
  );
  assert.throws(() => serializeSafetensors({ __metadata__: ok }), /'__metadata__' is reserved/);

  const file = scratchFile('keep');
  await saveSafetensors({ old: ok }, file);
  const before = fs.readFileSync(file);
  // A meta tensor has a dtype and shape (so the header is written) but no data to copy.
  const tensors = { a: torch.randn([64, 64]), z: torch.empty([4], { device: 'meta' }) };
  await assert.rejects(saveSafetensors(tensors, file), /meta tensor/);
  assert.throws(() => saveSafetensorsSync(tensors, file), /meta tensor/);
  assert.ok(fs.readFileSync(file).equals(before), 'the old file is untouched');
  assert.deepEqual(
    fs.readdirSync(scratch).filter((name) => name.endsWith('.tmp')),
    [],
    'no temp files left',
  );
});

testOrSkip(test, 'safetensors: loads onto a CUDA device', torch.cuda.isAvailable() ? false : 'CUDA is not available', async () => {
  const file = path.join(FIXTURES, 'dtypes.safetensors');
  const loaded = await loadSafetensors(file, { device: 'cuda' });
  for (const tensor of Object.values(loaded)) assert.match(tensor.device, /^cuda/);
  assertMatches(loaded, expected['dtypes.safetensors']!, 'cuda');
});

test.run();
