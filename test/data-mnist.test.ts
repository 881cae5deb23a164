// IDX files, downloads from a loopback HTTP server (mirrors, checksums, truncation, resume) and
// the MNIST datasets over generated tiny IDX files.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import { gzipSync } from 'node:zlib';
import * as torch from '../lib/index.ts';
import * as data from '../lib/data/index.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Gzipped IDX images (count, 28, 28) with pixel (i, p) = (7i + p) % 256, and labels i % 10. */
function tinyMnist(count: number): { images: Buffer; labels: Buffer } {
  const pixels = new Uint8Array(count * 784).map((_, k) => (7 * Math.floor(k / 784) + (k % 784)) % 256);
  const labels = new Uint8Array(count).map((_, i) => i % 10);
  return {
    images: gzipSync(data.encodeIdx({ dtype: 'uint8', shape: [count, 28, 28], data: pixels })),
    labels: gzipSync(data.encodeIdx({ dtype: 'uint8', shape: [count], data: labels })),
  };
}

const train = tinyMnist(12);
const test = tinyMnist(5);
const FILES: Record<string, Buffer> = {
  'train-images-idx3-ubyte.gz': train.images,
  'train-labels-idx1-ubyte.gz': train.labels,
  't10k-images-idx3-ubyte.gz': test.images,
  't10k-labels-idx1-ubyte.gz': test.labels,
};
const remote = (name: string): data.RemoteFile => ({ name, checksum: { algorithm: 'sha256', digest: sha256(FILES[name]!) } });

/** MNIST's interface over the tiny files. */
class TinyMNIST extends data.MNIST {
  static override readonly folder: string = 'TinyMNIST';
  static override readonly resources = {
    trainImages: remote('train-images-idx3-ubyte.gz'),
    trainLabels: remote('train-labels-idx1-ubyte.gz'),
    testImages: remote('t10k-images-idx3-ubyte.gz'),
    testLabels: remote('t10k-labels-idx1-ubyte.gz'),
  };
}

type Behaviour = 'ok' | '404' | '500' | 'corrupt' | 'truncate-once' | 'truncate-always';

/** A loopback server: /<behaviour>/<file> serves the file that way; every request is logged. */
class MirrorServer {
  readonly requests: { path: string; range: string | undefined }[] = [];
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  private readonly truncated = new Set<string>();
  base = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** A mirror URL; `tag` tells apart mirrors with the same behaviour. */
  mirror(behaviour: Behaviour, tag?: number): string {
    return `${this.base}/${behaviour}${tag === undefined ? '' : `-${tag}`}/`;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const [, behaviourTag = '', name = ''] = req.url!.split('/');
    this.requests.push({ path: req.url!, range: req.headers.range });
    const behaviour = behaviourTag.replace(/-\d+$/, '') as Behaviour;
    let body = FILES[name];
    if (!body || behaviour === '404') return void res.writeHead(404).end('not found');
    if (behaviour === '500') return void res.writeHead(500).end('boom');
    if (behaviour === 'corrupt') {
      body = Buffer.from(body);
      body[body.length - 5]! ^= 0xff;
    }
    const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
    const slice = body.subarray(start);
    const headers: http.OutgoingHttpHeaders = { 'content-length': slice.length, 'content-type': 'application/octet-stream' };
    if (start > 0) headers['content-range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
    res.writeHead(start > 0 ? 206 : 200, headers);
    const cut = behaviour === 'truncate-always' || (behaviour === 'truncate-once' && !this.truncated.has(req.url!));
    if (cut && slice.length > 1) {
      this.truncated.add(req.url!);
      // The connection drops a moment after half the body, as a flaky network would.
      res.write(slice.subarray(0, Math.floor(slice.length / 2)), () => setTimeout(() => res.socket?.destroy(), 50));
      return;
    }
    res.end(slice);
  }
}

{
  const it = suite('IDX files');
  it('round-trip through encodeIdx and parseIdx, big-endian for wide types', () => {
    const ints = data.encodeIdx({ dtype: 'int32', shape: [2, 2], data: new Int32Array([1, -2, 300000, 4]) });
    assert.deepEqual([...ints.subarray(0, 12)], [0, 0, 0x0c, 2, 0, 0, 0, 2, 0, 0, 0, 2]);
    assert.deepEqual([...ints.subarray(12, 16)], [0, 0, 0, 1]);
    const parsed = data.parseIdx(ints, 'ints');
    assert.deepEqual([parsed.dtype, parsed.shape, [...parsed.data]], ['int32', [2, 2], [1, -2, 300000, 4]]);
    const floats = data.parseIdx(data.encodeIdx({ dtype: 'float32', shape: [3], data: new Float32Array([0.5, -1, 2]) }), 'floats');
    assert.deepEqual([...floats.data], [0.5, -1, 2]);
  });

  it('explains a truncated or foreign file', () => {
    const bytes = data.encodeIdx({ dtype: 'uint8', shape: [4], data: new Uint8Array(4) });
    assert.throws(() => data.parseIdx(bytes.subarray(0, 10), 'x.idx'), /x.idx: IDX shape \[4\] needs 12 bytes but the file has 10/);
    assert.throws(() => data.parseIdx(bytes.subarray(0, 7), 'x.idx'), /x.idx: truncated IDX header/);
    assert.throws(() => data.parseIdx(new Uint8Array([1, 2, 3, 4]), 'y.idx'), /y.idx: not an IDX file/);
  });
  it.run();
}

{
  const it = suite('downloads and MNIST over a loopback server');
  const server = new MirrorServer();
  let root = '';

  it.before(async () => {
    await server.start();
    root = await mkdtemp(path.join(os.tmpdir(), 'nodetorch-mnist-'));
  });
  it.after(async () => {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  });

  const freshRoot = async () => mkdtemp(path.join(root, 'case-'));

  it('downloads, verifies and reads the files; reports progress; then serves from the cache', async () => {
    const where = await freshRoot();
    const events: data.DownloadProgress[] = [];
    const ds = await TinyMNIST.create({
      root: where,
      download: true,
      mirrors: [server.mirror('ok')],
      progress: (event) => events.push(event),
    });
    assert.equal(ds.length, 12);
    const [image, label] = ds.get(3);
    assert.deepEqual([image.shape, image.dtype, label], [[1, 28, 28], 'float32', 3]);
    assert.ok(Math.abs(image.index(0, 0, 5).item() - ((21 + 5) % 256) / 255) < 1e-7);
    assert.deepEqual(ds.targets.toArray(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    assert.deepEqual(ds.data.shape, [12, 28, 28]);
    const last = events.filter((event) => event.file === 'train-images-idx3-ubyte.gz').at(-1)!;
    assert.deepEqual([last.received, last.total], [train.images.length, train.images.length]);
    assert.deepEqual(await readdir(path.join(where, 'TinyMNIST', 'raw')), ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']);

    const requests = server.requests.length;
    const again = await TinyMNIST.create({ root: where, download: true, mirrors: ['http://127.0.0.1:9/'] });
    assert.equal(again.length, 12);
    assert.equal(server.requests.length, requests);
    const testSplit = await TinyMNIST.create({ root: where, train: false, download: true, mirrors: [server.mirror('ok')] });
    assert.deepEqual([testSplit.length, testSplit.get(4)[1]], [5, 4]);
  });

  it('falls back to the next mirror after a 404 and a 500', async () => {
    const where = await freshRoot();
    const mirrors = [server.mirror('404'), server.mirror('500'), server.mirror('ok', 1)];
    const ds = await TinyMNIST.create({ root: where, download: true, mirrors });
    assert.equal(ds.length, 12);
    const tried = server.requests.filter((r) => r.path.endsWith('/train-labels-idx1-ubyte.gz')).map((r) => r.path.split('/')[1]);
    assert.deepEqual(tried.slice(-3), ['404', '500', 'ok-1']);
  });

  it('rejects a corrupt download with the file and both checksums, and keeps nothing of it', async () => {
    const where = await freshRoot();
    const name = 'train-images-idx3-ubyte.gz';
    const corrupt = Buffer.from(train.images);
    corrupt[corrupt.length - 5]! ^= 0xff;
    const error = await TinyMNIST.create({ root: where, download: true, mirrors: [server.mirror('corrupt')] }).catch((e: Error) => e);
    assert.ok(error instanceof data.DownloadError, error instanceof Error ? error.message : 'no error');
    assert.match(error.message, new RegExp(`sha256 checksum mismatch for ${name}`));
    assert.ok(error.message.includes(`expected ${sha256(train.images)}, got ${sha256(corrupt)}`), error.message);
    const left = await readdir(path.join(where, 'TinyMNIST', 'raw'));
    assert.ok(!left.some((file) => file.startsWith(name)), `left behind: ${left}`);
  });

  it('resumes a transfer that broke off with a Range request to the same mirror', async () => {
    const where = await freshRoot();
    const ds = await TinyMNIST.create({ root: where, download: true, mirrors: [server.mirror('truncate-once')] });
    assert.equal(ds.length, 12);
    const half = Math.floor(train.images.length / 2);
    const resumed = server.requests.filter((r) => r.path === '/truncate-once/train-images-idx3-ubyte.gz');
    assert.deepEqual(
      resumed.map((r) => r.range),
      [undefined, `bytes=${half}-`],
    );
    const saved = readFileSync(path.join(where, 'TinyMNIST', 'raw', 'train-images-idx3-ubyte.gz'));
    assert.equal(sha256(saved), sha256(train.images));
  });

  it('continues a .part file left by an earlier run', async () => {
    const where = await freshRoot();
    const name = 't10k-images-idx3-ubyte.gz';
    const url = `${server.mirror('ok', 2)}${name}`;
    writeFileSync(path.join(where, `${name}.part`), test.images.subarray(0, 100));
    writeFileSync(path.join(where, `${name}.part.json`), JSON.stringify({ url }));
    const file = await data.downloadFile(remote(name), where, { mirrors: [server.mirror('404', 2), server.mirror('ok', 2)] });
    assert.equal(sha256(readFileSync(file)), sha256(test.images));
    assert.deepEqual(
      server.requests.filter((r) => r.path.endsWith(`-2/${name}`)).map((r) => [r.path.split('/')[1], r.range]),
      [['ok-2', 'bytes=100-']],
    );
    assert.deepEqual(await readdir(where), [name]);
  });

  it('gives up on a mirror that keeps breaking off, keeping the .part for a later resume', async () => {
    const where = await freshRoot();
    const name = 't10k-labels-idx1-ubyte.gz';
    const error = await data
      .downloadFile(remote(name), where, { mirrors: [server.mirror('truncate-always')], retries: 1 })
      .catch((e: Error) => e);
    assert.ok(error instanceof data.DownloadError);
    assert.match(error.message, /t10k-labels-idx1-ubyte.gz/);
    assert.match(error.message, /(broke off|ended) after \d+ of \d+ bytes/);
    assert.ok(!existsSync(path.join(where, name)));
    assert.ok(readFileSync(path.join(where, `${name}.part`)).length > 0);
  });

  it('says how to get missing files when download is off', async () => {
    const where = await freshRoot();
    await assert.rejects(TinyMNIST.create({ root: where }), /train-images-idx3-ubyte.gz not found; pass download: true/);
    assert.throws(() => new TinyMNIST({ root: where }).get(0), /call 'await dataset.init\(\)'/);
  });
  it.run();
}

{
  const it = suite('MNIST and FashionMNIST datasets');
  let root = '';

  it.before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'nodetorch-mnist-'));
    for (const folder of ['MNIST', 'FashionMNIST']) {
      mkdirSync(path.join(root, folder, 'raw'), { recursive: true });
      for (const [name, bytes] of Object.entries(FILES)) writeFileSync(path.join(root, folder, 'raw', name), bytes);
    }
  });
  it.after(async () => rm(root, { recursive: true, force: true }));

  it('nativeTensors (for the native epoch loop) holds what get() and the default collate give', async () => {
    for (const Dataset of [data.MNIST, data.FashionMNIST]) {
      const ds = await Dataset.create({ root });
      const [images, labels] = ds.nativeTensors()!;
      assert.deepEqual(images.shape, [12, 1, 28, 28]);
      assert.equal(labels.dtype, 'int64');
      const collated = data.defaultCollate(Array.from({ length: ds.length }, (_, i) => ds.get(i))) as torch.Tensor[];
      assert.ok(torch.equal(images, collated[0]!) && torch.equal(labels, collated[1]!));
      assert.equal((await Dataset.create({ root, transform: data.normalize([0.5], [0.5]) })).nativeTensors(), null);
    }
    const embedded = new data.EmbeddedMNIST({ train: false });
    const [images, labels] = embedded.nativeTensors()!;
    const some = [0, 7, embedded.length - 1].map((i) => embedded.get(i));
    const collated = data.defaultCollate(some) as torch.Tensor[];
    const index = torch.tensor([0, 7, embedded.length - 1], { dtype: 'int64' });
    assert.ok(torch.equal(torch.ops.aten.index_select(images, 0, index), collated[0]!));
    assert.ok(torch.equal(torch.ops.aten.index_select(labels, 0, index), collated[1]!));
  });

  it('load from <root>/<Name>/raw and work with DataLoader workers out of the box', async () => {
    const transform = data.normalize([0.5], [0.5]);
    for (const Dataset of [data.MNIST, data.FashionMNIST]) {
      const ds = await Dataset.create({ root, transform });
      assert.equal(ds.length, 12);
      const inline: number[][] = [];
      const threaded: number[][] = [];
      for await (const [images, labels] of new data.DataLoader(ds, { batchSize: 5 }))
        inline.push([...images.toTypedArray(), ...labels.toTypedArray()].map(Number));
      for await (const [images, labels] of new data.DataLoader(ds, { batchSize: 5, numWorkers: 2 }))
        threaded.push([...images.toTypedArray(), ...labels.toTypedArray()].map(Number));
      assert.equal(inline.length, 3);
      assert.deepEqual(threaded, inline);
      assert.equal(inline[0]![0], (0 / 255 - 0.5) / 0.5);
    }
    assert.equal(data.FashionMNIST.classes[9], 'Ankle boot');
    assert.match(data.FashionMNIST.mirrors[0]!, /fashion-mnist/);
  });

  it('checks every file against a sha256 table', () => {
    for (const Dataset of [data.MNIST, data.FashionMNIST]) {
      for (const file of Object.values(Dataset.resources)) {
        assert.equal(file.checksum.algorithm, 'sha256');
        assert.match(file.checksum.digest, /^[0-9a-f]{64}$/);
      }
    }
    assert.equal(data.MNIST.mirrors[0], 'https://ossci-datasets.s3.amazonaws.com/mnist/');
  });

  it('default to a cache under ~/.cache/nodetorch/datasets', () => {
    const saved = { a: process.env.NODETORCH_DATASETS, b: process.env.XDG_CACHE_HOME };
    delete process.env.NODETORCH_DATASETS;
    delete process.env.XDG_CACHE_HOME;
    try {
      assert.equal(new data.MNIST().root, path.join(os.homedir(), '.cache', 'nodetorch', 'datasets'));
      process.env.NODETORCH_DATASETS = '/srv/datasets';
      assert.equal(data.defaultDatasetRoot(), '/srv/datasets');
    } finally {
      if (saved.a === undefined) delete process.env.NODETORCH_DATASETS;
      else process.env.NODETORCH_DATASETS = saved.a;
      if (saved.b !== undefined) process.env.XDG_CACHE_HOME = saved.b;
    }
    torch.manualSeed(0);
  });
  it.run();
}
