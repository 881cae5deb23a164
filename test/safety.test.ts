// Silent failures, stale results and unclear messages of issue 8, and the guarded ATen ops.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import * as torch from '../lib/index.ts';
import { native } from '../lib/native.ts';

const nn = torch.nn;
const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const scratch = () => mkdtempSync(path.join(tmpdir(), 'nodetorch-safety-'));

test('torch.load refuses pickled globals it does not know, naming them, and runs none', async () => {
  const refusals: [string, RegExp][] = [
    ['os_system.pt', /refusing to load the pickled global posix\.system: .* save a state dict instead/],
    [
      'module.pt',
      /refusing to load the pickled global torch\.nn\.modules\.linear\.Linear: a whole pickled model cannot be loaded: save its state dict/,
    ],
    ['numpy.pt', /refusing to load the pickled global numpy\.core\.multiarray\._reconstruct: numpy arrays cannot be loaded/],
    ['sparse.pt', /refusing to load the pickled global torch\._utils\._rebuild_sparse_tensor: sparse and quantized tensors/],
  ];
  for (const [name, message] of refusals) {
    await assert.rejects(torch.load(fixture(`pt/hostile/${name}`)), { message }, name);
  }
});

test('torch.load reads sets, frozensets, dtypes and torch.Size as PyTorch weights_only does', async () => {
  const sets = await torch.load<{ classes: Set<number>; frozen: Set<string> }>(fixture('pt/hostile/set.pt'));
  assert.deepEqual(sets.classes, new Set([1, 2, 3]));
  assert.deepEqual(sets.frozen, new Set(['a']));
  assert.deepEqual(await torch.load(fixture('pt/hostile/dtype.pt')), { dtype: 'float64', size: [2, 3] });
});

/** state_dict.pt with its records deflated and one more record of `zeros` zero bytes. */
function deflatedArchive(zeros: number): Uint8Array {
  const entries = unzipSync(new Uint8Array(readFileSync(fixture('pt/state_dict.pt'))));
  const prefix = Object.keys(entries)
    .find((name) => name.endsWith('data.pkl'))!
    .slice(0, -'data.pkl'.length);
  const out: Record<string, [Uint8Array, { level: 9 }]> = {};
  for (const [name, bytes] of Object.entries(entries)) out[name] = [bytes, { level: 9 }];
  out[`${prefix}data/99`] = [new Uint8Array(zeros), { level: 9 }];
  return zipSync(out);
}

test('torch.load bounds what compressed entries inflate to before inflating them', async () => {
  const dir = scratch();
  const file = path.join(dir, 'bomb.pt');
  writeFileSync(file, deflatedArchive(8 << 20));
  const loaded = await torch.load<Record<string, torch.Tensor>>(file);
  assert.deepEqual(Object.keys(loaded), ['0.weight', '0.bias', '2.weight', '2.bias'], 'a deflated archive within the bound loads');
  await assert.rejects(torch.load(file, { maxInflatedBytes: 1 << 20 }), {
    message: /inflate to more than 1048576 bytes \(maxInflatedBytes\); refusing a possible zip bomb/,
  });
  // An entry claiming more than deflate can produce (its central directory patched to 2^31 bytes).
  const lying = deflatedArchive(4096);
  const view = new DataView(lying.buffer);
  for (let at = lying.length - 22; at >= 0; at--) {
    if (view.getUint32(at, true) !== 0x02014b50) continue;
    const nameLength = view.getUint16(at + 28, true);
    const name = new TextDecoder().decode(lying.subarray(at + 46, at + 46 + nameLength));
    if (name.endsWith('data/99')) view.setUint32(at + 24, 2 ** 31, true);
  }
  writeFileSync(file, lying);
  await assert.rejects(torch.load(file), { message: /claims to inflate \d+ bytes to 2147483648, which deflate cannot do/ });
});

test('loaders read regular files only: a FIFO or /dev/zero is refused at once', async () => {
  const fifo = path.join(scratch(), 'pipe');
  execFileSync('mkfifo', [fifo]);
  await assert.rejects(torch.load(fifo), { message: `torch.load: ${fifo} is a FIFO (named pipe), not a regular file` });
  await assert.rejects(torch.load('/dev/zero'), { message: 'torch.load: /dev/zero is a character device, not a regular file' });
  await assert.rejects(torch.loadSafetensors(fifo), { message: /is a FIFO \(named pipe\), not a regular file/ });
  await assert.rejects(torch.jit.load('/dev/zero'), { message: /torch\.jit\.load: \/dev\/zero is a character device/ });
  await assert.rejects(torch.load(path.dirname(fifo)), { message: /is a directory, not a regular file/ });
});

test('a corrupted storage reference is described, not printed as source code', async () => {
  const entries = unzipSync(new Uint8Array(readFileSync(fixture('pt/tensor.pt'))));
  const name = Object.keys(entries).find((n) => n.endsWith('data.pkl'))!;
  const pickle = entries[name]!;
  // The persistent id's first element is the string 'storage': make it 'storagX'.
  const at = Buffer.from(pickle).indexOf('storage');
  pickle[at + 6] = 'X'.charCodeAt(0);
  const file = path.join(scratch(), 'bad.pt');
  writeFileSync(file, zipSync(entries, { level: 0 }));
  await assert.rejects(torch.load(file), (error: Error) => {
    assert.match(error.message, /unsupported storage reference \('storagX', torch\.FloatStorage, '0', 'cpu', \d+\)/);
    assert.doesNotMatch(error.message, /=>/);
    return true;
  });
});

test('the DataLoader rejects pending batches when a reply cannot be deserialized', async () => {
  const dataset = new torch.data.TensorDataset(torch.arange(8).float());
  const loader = new torch.data.DataLoader(dataset, { batchSize: 2, numWorkers: 1, persistentWorkers: true });
  try {
    const iterator = loader[Symbol.asyncIterator]();
    await iterator.next();
    // Node emits 'messageerror' when it cannot rebuild a message; simulate that on the worker.
    const pool = (loader as unknown as { pool: { keptWorkers: { worker: { emit(e: string, v: unknown): void } }[] } }).pool;
    const [link] = pool.keptWorkers;
    link!.worker.emit('messageerror', new Error('could not rebuild the object'));
    await assert.rejects(iterator.next(), {
      name: 'DataLoaderWorkerError',
      message: /DataLoader worker 0 sent a reply that could not be deserialized: could not rebuild the object/,
    });
  } finally {
    await loader.close();
  }
});

test('a Sequential runs with its layers as they are now, and never with disposed weights', () => {
  const layer = new nn.Linear(4, 3);
  const slope = new nn.LeakyReLU(0.1);
  const model = new nn.Sequential(layer, slope);
  const x = torch.randn([2, 4]);
  const stepwise = () => slope.forward(layer.forward(x)).toArray();
  assert.deepEqual(model.forward(x).toArray(), stepwise());
  (layer as unknown as { weight: torch.Tensor }).weight = torch.randn([3, 4]);
  (slope as unknown as { negativeSlope: number }).negativeSlope = 0.5;
  assert.ok(model.runsNatively);
  assert.deepEqual(model.forward(x).toArray(), stepwise(), 'the new weight and slope are used');
  const before = torch.memory();
  layer.weight.dispose();
  assert.ok(torch.memory().bytes < before.bytes, 'the plan keeps no copy of the weight alive');
  assert.throws(() => model.forward(x), { name: 'TorchError', message: /disposed/ });
});

test('optimizers refuse a parameter in two groups and warn about duplicates in one', async () => {
  const p = torch.ones([2], { requiresGrad: true });
  const q = torch.ones([2], { requiresGrad: true });
  assert.throws(() => new torch.optim.SGD([{ params: [p] }, { params: [q, p] }], { lr: 0.1 }), {
    message: 'SGD: some parameters appear in more than one parameter group',
  });
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.message);
  process.on('warning', onWarning);
  try {
    const opt = new torch.optim.SGD([p, q, p], { lr: 0.1 });
    assert.equal(opt.paramGroups[0]!.params.length, 2);
    p.sum().backward();
    opt.step();
    assert.deepEqual(
      p.toArray(),
      [0.9, 0.9].map((v) => Math.fround(v)),
      'updated once',
    );
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  assert.deepEqual(warnings, ['SGD: a parameter group holds 1 duplicate parameter(s); each is optimized once']);
});

test('options get messages that name the value found', () => {
  const p = torch.ones([2], { requiresGrad: true });
  assert.throws(() => new torch.optim.SGD([p], { lr: NaN }), { message: 'SGD: lr must be a finite number, got NaN' });
  assert.throws(() => new torch.optim.SGD([p], { lr: Infinity }), { message: 'SGD: lr must be a finite number, got Infinity' });
  assert.throws(() => new torch.optim.Adam([p], { lr: 1n as never }), { message: 'Adam: lr must be a finite number, got 1n' });
  const opt = new torch.optim.SGD([p], { lr: 0.1 });
  assert.throws(() => new torch.optim.lrScheduler.StepLR(opt, undefined as never), {
    message: 'StepLR: options { stepSize, gamma? } are required, got undefined',
  });
  assert.throws(() => new torch.optim.lrScheduler.ExponentialLR(opt, { gamma: -1 }), {
    message: 'ExponentialLR: gamma must be a non-negative number, got -1',
  });
});

test('a negative SymInt is out of range on the boxed path as on the typed one', () => {
  const message = /'size': -46116860184273\d+ is out of range \(LibTorch keeps symbolic sizes below -2\^62\)/;
  assert.throws(() => torch.ops.aten.zeros.default([-(2 ** 62) - 2048]), { name: 'TypeError', message });
  assert.throws(() => torch.ops.aten.view.default(torch.ones([2]), [-(2 ** 62) - 2048]), { name: 'TypeError', message });
});

test('fixed-size int lists and written arguments are checked before the kernel sees them', () => {
  assert.throws(() => new torch.Op('thnn_conv2d', '').call([torch.ones([1, 1, 4, 4]), torch.ones([1, 1, 2, 2]), []]), {
    name: 'TypeError',
    message: "aten::thnn_conv2d: argument 'kernel_size' must have 2 values, got 0",
  });
  // One value stands for all, as in PyTorch (kernel_size=3); an empty list where the default is [] stays.
  assert.deepEqual(torch.ops.aten.max_pool2d.default(torch.ones([1, 1, 4, 4]), [2], []).shape, [1, 1, 2, 2]);
  assert.throws(() => new torch.Op('abs', 'out').call([torch.ones([2]), 1.5]), {
    name: 'TypeError',
    message: "aten::abs.out: argument 'out' must be a Tensor (the op writes it), got a number",
  });
});

test('a Tensor of another copy of the package is named as such, and bundled classes keep their names', () => {
  const output = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import * as esm from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).pathname)};
       import { createRequire } from 'node:module';
       const cjs = createRequire(import.meta.url)(${JSON.stringify(new URL('../dist/index.cjs', import.meta.url).pathname)});
       try { esm.ones([2]).add(cjs.ones([2])); } catch (e) { console.log(e.message); }
       try { new cjs.optim.SGD([cjs.ones([1], { requiresGrad: true })], { lr: NaN }); } catch (e) { console.log(e.message); }`,
    ],
    { encoding: 'utf8' },
  );
  assert.match(output, /argument 'other' is a Tensor of another copy of nodetorch loaded in this process .* load nodetorch one way/);
  assert.match(output, /^SGD: lr must be a finite number, got NaN$/m, 'the bundle keeps class names');
});

/** [op, overload, arguments, message] for every guarded family: each would crash LibTorch 1.13. */
const guarded: [string, string, () => unknown[], RegExp][] = [
  ['_stack', '', () => [[]], /expected a non-empty list of Tensors/],
  ['align_tensors', '', () => [[]], /expected a non-empty list of Tensors/],
  [
    'rrelu_with_noise',
    '',
    () => [torch.randn([4]), torch.empty([0]), 0.1, 0.3, true],
    /noise must have as many elements as self \(4\), got 0/,
  ],
  ['_fft_c2r', '', () => [torch.randn([4, 4], { dtype: 'complex64' }), [-1], 0, 6], /dim -1 is out of range/],
  [
    'native_channel_shuffle',
    '',
    () => [torch.randn([1, 4, 2, 2]), 2 ** 31],
    /groups must be positive and divide the 4 channels, got 2147483648/,
  ],
  [
    '_weight_norm_interface_backward',
    '',
    () => [torch.empty([0]), torch.empty([0]), torch.empty([0]), torch.empty([0]), 0],
    /saved_v must be a non-empty tensor/,
  ],
  [
    '_slow_conv2d_forward',
    '',
    () => [torch.tensor(1), torch.randn([1, 1, 2, 2]), [2, 2], null, [1, 1], [0, 0]],
    /expected a 3D or 4D input, got 0D/,
  ],
  [
    '_new_zeros_with_same_feature_meta',
    '',
    () => [torch.randn([2, 3]), torch.randn([2, 3]), -1],
    /self_num_batch_dims must be in \[0, 2\], got -1/,
  ],
  [
    'slow_conv3d_forward',
    '',
    () => [torch.randn([3, 3]), torch.randn([1, 1, 2, 2, 2]), [2, 2, 2], null, [1, 1, 1], [0, 0, 0]],
    /expected a 4D or 5D input, got 2D/,
  ],
  ['special_hermite_polynomial_h', '', () => [torch.tensor([0.5]), torch.tensor([2 ** 40])], /degree n must be at most 65536/],
  ['special_legendre_polynomial_p', 'n_scalar', () => [torch.tensor([0.5]), 2 ** 40], /degree n must be at most 65536/],
  ['_remove_batch_dim', '', () => [torch.randn([]), 5, 0, 4], /functorch internal/],
  ['_local_scalar_dense', '', () => [torch.randn([0, 1])], /expected a tensor with one element, got 0/],
  ['_reshape_alias_copy', '', () => [torch.ones([4, 1]), [5, 1], [2 ** 53, 5]], /reaches past the end of the storage/],
  ['replication_pad1d', '', () => [torch.ones([2, 1, 3]), [2 ** 31, 2]], /padding values must fit in 32 bits/],
  ['histogramdd', '', () => [torch.zeros([4, 2]), [], null, null, false], /bins must hold one count per coordinate \(2\), got 0/],
  ['batch_norm_update_stats', '', () => [torch.randn([4, 0, 5]), null, null, 0.1], /channels in dim 1/],
  ['_weight_norm', '', () => [torch.zeros([0, 4]), torch.zeros([3, 1]), 0], /v must be a non-empty tensor/],
  ['special_multigammaln', '', () => [torch.zeros([1]), 2 ** 31], /p must be in \[1, 65536\]/],
  ['_cholesky_solve_helper', '', () => [torch.ones([3]), torch.ones([2, 2]), false], /batch of matrices/],
  ['_symeig_helper', '', () => [torch.ones([2, 3]), true, false], /square matrices/],
  ['_compute_linear_combination', '', () => [torch.ones([3, 2]), torch.ones([2, 5])], /as many columns as input has rows/],
  ['_saturate_weight_to_fp16', '', () => [torch.zeros([2, 0])], /non-empty float32/],
  ['_transform_bias_rescale_qkv', '', () => [torch.ones([1, 2, 6]), torch.ones([6]), 0], /num_heads >= 1/],
  ['_adaptive_avg_pool2d_backward', '', () => [torch.randn([1, 5, 1]), torch.ones([2, 0, 1, 4])], /grad_output must have self's rank/],
  ['quantized_lstm_cell', '', () => [], /not callable from nodetorch/],
];

test('ops that crash LibTorch on some inputs throw instead, on every path', async () => {
  for (const [name, overload, args, message] of guarded) {
    const op = new torch.Op(name, overload);
    try {
      op.schema();
    } catch {
      continue; // an internal this LibTorch no longer has (2.x dropped _symeig_helper)
    }
    if (name !== 'quantized_lstm_cell') {
      assert.throws(() => op.call(args()), { name: 'TorchError', message }, name);
      await assert.rejects(op.callAsync(args()), { name: 'TorchError', message }, `${name} async`);
    }
  }
  // A legitimate call still works (and the guarded op is no longer unboxed).
  assert.deepEqual(
    torch.ops.aten.native_channel_shuffle
      .default(torch.arange(4).float().reshape(1, 4, 1, 1), 2)
      .flatten()
      .toArray(),
    [0, 2, 1, 3],
  );
  assert.equal(torch.ops.aten.special_hermite_polynomial_h.default(torch.tensor([0.5]), torch.tensor([3])).item(), -5);
});

test('docs/ops.md lists every guarded op, and the addon guards every one it lists', () => {
  const listed = JSON.parse(readFileSync(new URL('../scripts/op-guards.json', import.meta.url), 'utf8')) as {
    op: string;
    reason: string;
  }[];
  assert.deepEqual(listed.map((g) => g.op).sort(), native.guardedOps().sort());
  const doc = readFileSync(new URL('../docs/ops.md', import.meta.url), 'utf8');
  for (const { op } of listed) assert.ok(doc.includes(`| \`${op}\` |`), `${op} is in docs/ops.md`);
  for (const [name] of guarded)
    assert.ok(
      listed.some((g) => g.op === name),
      `${name} is listed`,
    );
});

test.run();
