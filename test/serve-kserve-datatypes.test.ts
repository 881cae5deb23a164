// KServe v2 datatypes LibTorch has no tensor for: UINT16 held as int32, UINT32 and UINT64 as
// int64 (JSON and binary data, range checks naming the input, outputs in the tensor's datatype),
// and BYTES, whose elements go to the model's handler as strings (JSON) or bytes (binary): the
// default tensor handler refuses them with 400, an object handler given to createServer reads them.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as torch from '../lib/index.ts';
import type { Handler, InferenceServer, RequestPart } from '../lib/serve/index.ts';
import { assertArrayClose } from './helpers.ts';
import { saveTraced, scratch, smallMlp } from './serve-helpers.ts';

const store = scratch();
const mlp = smallMlp(3);
await saveTraced(mlp, store, 'mlp.pt');
for (const dtype of ['int32', 'int64'] as const) {
  const traced = torch.jit.trace((x: torch.Tensor) => x.add(1), torch.zeros([2, 3], { dtype }), { inputNames: ['x'], outputNames: ['y'] });
  await traced.save(path.join(store, `${dtype}.pt`));
}
/** The MLP's outputs times a per-row scale: a model of two inputs. */
class Scaled extends torch.nn.Module {
  inner = this.registerModule('inner', mlp);
  forward(x: torch.Tensor, scale: torch.Tensor): torch.Tensor {
    return this.inner.forward(x).mul(scale);
  }
}
const scaledTrace = torch.jit.trace(new Scaled().eval(), [torch.zeros([2, 4]), torch.ones([2, 1])], {
  inputNames: ['text', 'scale'],
  outputNames: ['y'],
});
await scaledTrace.save(path.join(store, 'scaled.pt'));

/** Four features of a text: its first four character codes (or bytes) over 100. */
const features = (element: string | Uint8Array): number[] =>
  [0, 1, 2, 3].map((i) => (typeof element === 'string' ? element.charCodeAt(i) || 0 : (element[i] ?? 0)) / 100);
const seen: { datatype?: string; shape?: readonly number[]; kinds: string[] }[] = [];
/** Reads a BYTES part's elements into a (N, 4) tensor, noting what it was given. */
function featuresOf(part: RequestPart | undefined): torch.Tensor {
  if (!part?.strings) throw new torch.serve.HandlerInputError('send the text as BYTES');
  seen.push({
    datatype: part.datatype,
    shape: part.shape,
    kinds: part.strings.map((e) => (typeof e === 'string' ? 'string' : e.constructor.name)),
  });
  return torch.tensor(part.strings.map(features), { dtype: 'float32' });
}
const unused = () => null;
const textHandler: Handler = { preprocess: (request) => ({ inputs: [featuresOf(request.get('x'))] }), postprocess: unused };
const mixedHandler: Handler = {
  // The numeric input comes checked, as a tensor the server disposes: the model gets a clone.
  preprocess: (request) => ({ inputs: [featuresOf(request.get('text')), request.get('scale')!.tensor!.clone()] }),
  postprocess: unused,
};

const server: InferenceServer = await torch.serve.createServer({
  modelStore: store,
  loadModels: ['mlp=mlp.pt', 'i32=int32.pt', 'i64=int64.pt'],
  handlers: { text: textHandler, mixed: mixedHandler },
});
await server.models.register({ url: 'mlp.pt', modelName: 'words', handler: 'text', initialWorkers: 1 });
await server.models.register({ url: 'scaled.pt', modelName: 'weighted', handler: 'mixed', initialWorkers: 1 });

type Output = { name: string; datatype: string; shape: number[]; data?: unknown[]; parameters?: { binary_data_size: number } };
/** POSTs a v2 request; `binary` parts follow the JSON under the binary data extension. */
async function infer(model: string, request: unknown, binary: Uint8Array[] = []) {
  const json = Buffer.from(JSON.stringify(request));
  const response = await server.inference.inject({
    method: 'POST',
    url: `/v2/models/${model}/infer`,
    payload: Buffer.concat([json, ...binary]),
    headers: {
      'content-type': binary.length ? 'application/octet-stream' : 'application/json',
      ...(binary.length ? { 'inference-header-content-length': String(json.length) } : {}),
    },
  });
  const length = Number(response.headers['inference-header-content-length'] ?? response.rawPayload.length);
  const body = JSON.parse(response.rawPayload.subarray(0, length).toString()) as { outputs?: Output[]; error?: string };
  return { status: response.statusCode, body, binary: response.rawPayload.subarray(length) };
}
const input = (name: string, datatype: string, shape: number[], data: unknown) => ({ name, datatype, shape, data });
const binaryInput = (name: string, datatype: string, shape: number[], bytes: Uint8Array) => ({
  name,
  datatype,
  shape,
  parameters: { binary_data_size: bytes.length },
});
const bytesOf = (view: ArrayBufferView) => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
/** BYTES elements in the binary layout: a 4-byte little-endian length before each. */
const lengthPrefixed = (elements: Uint8Array[]) =>
  Buffer.concat(elements.flatMap((e) => [Buffer.from(new Uint32Array([e.length]).buffer), Buffer.from(e)]));

test('UINT16 as int32, UINT32 and UINT64 as int64: JSON and binary data, answered in the tensor datatype', async () => {
  const u16 = await infer('i32', { inputs: [input('x', 'UINT16', [1, 3], [0, 1, 65535])] });
  assert.equal(u16.status, 200, JSON.stringify(u16.body));
  assert.deepEqual(u16.body.outputs, [{ name: 'y', datatype: 'INT32', shape: [1, 3], data: [1, 2, 65536] }]);
  const u16bin = bytesOf(new Uint16Array([65535, 7, 0, 40000, 1, 2]));
  const u16b = await infer('i32', { inputs: [binaryInput('x', 'UINT16', [2, 3], u16bin)] }, [u16bin]);
  assert.deepEqual(u16b.body.outputs?.[0]?.data, [65536, 8, 1, 40001, 2, 3], 'UINT16 binary: unsigned, not sign-extended');
  const u32 = await infer('i64', { inputs: [input('x', 'UINT32', [1, 3], [0, 7, 4294967295])] });
  assert.deepEqual(u32.body.outputs, [{ name: 'y', datatype: 'INT64', shape: [1, 3], data: [1, 8, 4294967296] }]);
  const u32bin = bytesOf(new Uint32Array([4294967295, 3, 2147483648]));
  const u32b = await infer('i64', { inputs: [binaryInput('x', 'UINT32', [1, 3], u32bin)] }, [u32bin]);
  assert.deepEqual(u32b.body.outputs?.[0]?.data, [4294967296, 4, 2147483649]);
  const largest = 2n ** 63n - 2n;
  const u64bin = bytesOf(new BigUint64Array([largest, 0n, 5n]));
  const u64 = await infer(
    'i64',
    { inputs: [binaryInput('x', 'UINT64', [1, 3], u64bin)], outputs: [{ name: 'y', parameters: { binary_data: true } }] },
    [u64bin],
  );
  assert.equal(u64.status, 200, JSON.stringify(u64.body));
  assert.equal(u64.body.outputs?.[0]?.datatype, 'INT64');
  assert.deepEqual([...new BigInt64Array(new Uint8Array(u64.binary).buffer)], [largest + 1n, 1n, 6n], 'UINT64 binary: exact to 2^63-1');
  const u64json = await infer('i64', { inputs: [input('x', 'UINT64', [1, 3], [9007199254740991, 0, 1])] });
  assert.deepEqual(u64json.body.outputs?.[0]?.data, [9007199254740992, 1, 2]);
});

test('unsigned values out of range, or a datatype the model cannot take, are 400 naming the input', async () => {
  const tooBig = bytesOf(new BigUint64Array([1n, 2n ** 63n]));
  const cases: [string, unknown, Uint8Array[], RegExp][] = [
    ['i32', { inputs: [input('x', 'UINT16', [1, 3], [1, 70000, 2])] }, [], /input 'x' data\[1\] is 70000, above 65535, the largest UINT16/],
    ['i64', { inputs: [input('x', 'UINT32', [1, 3], [1, -1, 2])] }, [], /input 'x' data\[1\] is -1; UINT32 elements are not negative/],
    ['i64', { inputs: [input('x', 'UINT32', [1, 3], [0, 0, 4294967296])] }, [], /input 'x' data\[2\] is 4294967296, above 4294967295/],
    [
      'i64',
      { inputs: [input('x', 'UINT64', [1, 3], [1e19, 0, 0])] },
      [],
      /input 'x' data\[0\] is 10000000000000000000, above 9223372036854775807: LibTorch has no uint64 dtype, so UINT64 is held as int64/,
    ],
    [
      'i64',
      { inputs: [binaryInput('x', 'UINT64', [1, 2], tooBig)] },
      [tooBig],
      /input 'x' binary element 1 is 9223372036854775808, above 9223372036854775807: LibTorch has no uint64/,
    ],
    [
      'i64',
      { inputs: [input('x', 'UINT16', [1, 3], [1, 2, 3])] },
      [],
      /input 'x' has datatype UINT16 \(held as int32\); the model takes INT64/,
    ],
    [
      'i32',
      { inputs: [input('x', 'UINT32', [1, 3], [1, 2, 3])] },
      [],
      /input 'x' has datatype UINT32 \(held as int64\); the model takes INT32/,
    ],
  ];
  for (const [model, request, binary, message] of cases) {
    const answer = await infer(model, request, binary);
    assert.equal(answer.status, 400, JSON.stringify(request));
    assert.match(answer.body.error!, message);
  }
});

test('BYTES to the default tensor handler: 400 saying a handler that takes strings is needed', async () => {
  const answer = await infer('mlp', { inputs: [input('x', 'BYTES', [1], ['abcd'])] });
  assert.equal(answer.status, 400);
  assert.match(
    answer.body.error!,
    /^input 'x' is BYTES, which the default tensor handler cannot make a tensor of: serve model mlp with a handler whose preprocess reads the input's strings/,
  );
  const bad: [unknown, Uint8Array[], RegExp][] = [
    [{ inputs: [input('x', 'BYTES', [2], ['a', 3])] }, [], /input 'x' data\[1\] must be a string for BYTES, got 3/],
    [{ inputs: [input('x', 'BYTES', [3], ['a', 'b'])] }, [], /input 'x' has 2 values in data; shape \[3\] holds 3/],
    [
      { inputs: [binaryInput('x', 'BYTES', [1], Buffer.from([9, 0, 0, 0, 1]))] },
      [Buffer.from([9, 0, 0, 0, 1])],
      /input 'x' BYTES element 0 claims 9 bytes; 1 are left/,
    ],
    [
      { inputs: [binaryInput('x', 'BYTES', [2], lengthPrefixed([Buffer.from('a')]))] },
      [lengthPrefixed([Buffer.from('a')])],
      /input 'x' has 1 BYTES elements; shape \[2\] holds 2/,
    ],
    [{ inputs: [input('nope', 'BYTES', [1], ['a'])] }, [], /unexpected input 'nope': the model's inputs are 'x'/],
  ];
  for (const [request, binary, message] of bad) {
    const refused = await infer('words', request, binary);
    assert.equal(refused.status, 400, JSON.stringify(request));
    assert.match(refused.body.error!, message);
  }
  assert.equal((await infer('mlp', { inputs: [input('x', 'FP32', [1, 4], [1, 2, 3, 4])] })).status, 200, 'numbers still served');
});

test("BYTES to an object handler: JSON strings and binary elements in the request part, the model's outputs answered", async () => {
  seen.length = 0;
  const texts = ['tabby', 'dog', ''];
  const expected = (elements: (string | Uint8Array)[]) =>
    (mlp.forward(torch.tensor(elements.map(features), { dtype: 'float32' })).toArray() as number[][]).flat();
  const fromJson = await infer('words', { id: 'q1', inputs: [input('x', 'BYTES', [3], texts)] });
  assert.equal(fromJson.status, 200, JSON.stringify(fromJson.body));
  assert.deepEqual({ ...fromJson.body.outputs![0], data: undefined }, { name: 'y', datatype: 'FP32', shape: [3, 3], data: undefined });
  assertArrayClose(fromJson.body.outputs![0]!.data as number[], expected(texts), 1e-6);
  const raw = [Buffer.from([200, 1, 2, 3, 4]), Buffer.from('xy')];
  const binary = lengthPrefixed(raw);
  const fromBinary = await infer('words', { inputs: [binaryInput('x', 'BYTES', [1, 2], binary)] }, [binary]);
  assert.equal(fromBinary.status, 200, JSON.stringify(fromBinary.body));
  assertArrayClose(fromBinary.body.outputs![0]!.data as number[], expected(raw), 1e-6);
  assert.deepEqual(seen, [
    { datatype: 'BYTES', shape: [3], kinds: ['string', 'string', 'string'] },
    { datatype: 'BYTES', shape: [1, 2], kinds: ['Uint8Array', 'Uint8Array'] },
  ]);
  const scale = [[2], [-1]];
  const mixed = await infer('weighted', { inputs: [input('text', 'BYTES', [2], ['ab', 'cd']), input('scale', 'FP32', [2, 1], scale)] });
  assert.equal(mixed.status, 200, JSON.stringify(mixed.body));
  const unscaled = expected(['ab', 'cd']);
  assertArrayClose(
    mixed.body.outputs![0]!.data as number[],
    unscaled.map((v, i) => v * scale[Math.floor(i / 3)]![0]!),
    1e-6,
  );
  const wrongScale = await infer('weighted', { inputs: [input('text', 'BYTES', [1], ['ab']), input('scale', 'FP64', [1, 1], [1])] });
  assert.match(wrongScale.body.error!, /input 'scale' has datatype FP64; the model takes FP32/, 'numeric inputs still checked');
  await server.close();
});

test.run();
