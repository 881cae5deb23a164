// TensorBoardLogger's images (PNG in Summary.Image) and hparams plugin records, and makeGrid, read
// back with the independent reader (test/tfrecord-reader.ts) and pngjs.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pngjs from 'pngjs';
import * as torch from '../lib/index.ts';
import { hparamsData, pluginData, summaryImage, summaryValues } from './tfrecord-reader.ts';

const { Trainer, SupervisedModule, loggers, makeGrid } = torch.train;
const scratch = () => mkdtempSync(path.join(tmpdir(), 'nodetorch-tb-'));
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The PNG's pixels as RGBA bytes (pngjs expands gray and RGB). */
function readPng(png: Buffer): { width: number; height: number; rgba: Buffer; colorType: number } {
  assert.deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE);
  const image = pngjs.PNG.sync.read(png);
  return { width: image.width, height: image.height, rgba: image.data, colorType: png[25]! }; // IHDR colour type
}

test('logImage: gray, RGB and RGBA images as PNG in Summary.Image, floats clamped to [0, 1], uint8 as is', () => {
  const logger = new loggers.TensorBoardLogger(scratch(), { name: 'tb' });
  // A 2 x 3 RGB image: red rises across, green falls down, blue out of range (clamped).
  const rgb = torch.tensor([
    [
      [0, 0.5, 1],
      [0, 0.5, 1],
    ],
    [
      [1, 1, 1],
      [0, 0, 0],
    ],
    [
      [-1, 2, 0.25],
      [-1, 2, 0.25],
    ],
  ]);
  logger.logImage('samples/rgb', rgb, 3);
  logger.logImage('samples/gray', torch.tensor([[0, 255], [128, 64]], { dtype: 'uint8' }), 4); // prettier-ignore
  logger.logImage('samples/rgba', torch.full([4, 1, 2], 0.5), 5);
  logger.finalize('success');
  const values = summaryValues(readFileSync(logger.eventFile));
  const byTag = new Map(values.map((v) => [v.tag, v]));

  const color = byTag.get('samples/rgb')!;
  assert.equal(color.step, 3);
  const image = summaryImage(color.fields);
  assert.deepEqual([image.height, image.width, image.colorspace], [2, 3, 3]);
  const decoded = readPng(image.png);
  assert.deepEqual([decoded.width, decoded.height, decoded.colorType], [3, 2, 2]); // PNG colour type 2: RGB
  const pixel = (x: number, y: number) => [...decoded.rgba.subarray((y * 3 + x) * 4, (y * 3 + x) * 4 + 4)];
  assert.deepEqual(pixel(0, 0), [0, 255, 0, 255]);
  assert.deepEqual(pixel(1, 0), [128, 255, 255, 255]); // round(0.5 * 255) = 128; 2 clamps to 255
  assert.deepEqual(pixel(2, 1), [255, 0, 64, 255]); // round(0.25 * 255) = 64

  const gray = summaryImage(byTag.get('samples/gray')!.fields);
  assert.deepEqual([gray.height, gray.width, gray.colorspace], [2, 2, 1]);
  const grayPng = readPng(gray.png);
  assert.equal(grayPng.colorType, 0);
  assert.deepEqual(
    [0, 1, 2, 3].map((i) => grayPng.rgba[i * 4]),
    [0, 255, 128, 64],
  );

  const rgba = summaryImage(byTag.get('samples/rgba')!.fields);
  assert.deepEqual([rgba.height, rgba.width, rgba.colorspace], [1, 2, 4]);
  const rgbaPng = readPng(rgba.png);
  assert.equal(rgbaPng.colorType, 6);
  assert.deepEqual([...rgbaPng.rgba], [128, 128, 128, 128, 128, 128, 128, 128]);
});

test('logImage: a wrong rank, channel count or dtype is a clear error naming the problem', () => {
  const logger = new loggers.TensorBoardLogger(scratch(), { name: 'tb' });
  assert.throws(() => logger.logImage('bad', torch.zeros([1, 3, 4, 4]), 0), /logImage\('bad'\) must be \(C, H, W\) or \(H, W\), got 4-D shape \[1, 3, 4, 4\]/);
  assert.throws(() => logger.logImage('bad', torch.zeros([5]), 0), /got 1-D shape \[5\]/);
  assert.throws(() => logger.logImage('bad', torch.zeros([2, 4, 4]), 0), /must have 1, 3 or 4 channels \(gray, RGB, RGBA\), got 2 in shape \[2, 4, 4\]/);
  assert.throws(() => logger.logImage('bad', torch.zeros([3, 4, 4], { dtype: 'int64' }), 0), /floating point \(values in \[0, 1\]\) or uint8, got int64/);
  assert.throws(() => logger.logImage('bad', torch.zeros([3, 0, 4]), 0), /is empty/);
  assert.throws(() => logger.logImage('bad', [[0]] as unknown as torch.Tensor, 0), /must be a tensor/);
  logger.finalize('success');
  // Nothing but the file version record was written.
  assert.equal(summaryValues(readFileSync(logger.eventFile)).length, 0);
}); // prettier-ignore

test('makeGrid: rows of nrow images with padding, as torchvision.utils.make_grid', () => {
  // Four 1-channel 2 x 2 images with values 1..4; nrow 3, padding 1, padValue 0.5.
  const images = torch.stack([1, 2, 3, 4].map((v) => torch.full([1, 2, 2], v, { dtype: 'float32' })));
  const grid = makeGrid(images, { nrow: 3, padding: 1, padValue: 0.5 });
  // One-channel images become three-channel; 2 rows x 3 columns of (2 + 1) cells plus 1.
  assert.deepEqual(grid.shape, [3, 7, 10]);
  const plane = grid.toArray() as number[][][];
  const P = 0.5;
  assert.deepEqual(plane[0]!, [
    [P, P, P, P, P, P, P, P, P, P],
    [P, 1, 1, P, 2, 2, P, 3, 3, P],
    [P, 1, 1, P, 2, 2, P, 3, 3, P],
    [P, P, P, P, P, P, P, P, P, P],
    [P, 4, 4, P, P, P, P, P, P, P],
    [P, 4, 4, P, P, P, P, P, P, P],
    [P, P, P, P, P, P, P, P, P, P],
  ]);
  assert.deepEqual(plane[2], plane[0]);
  // Defaults: nrow 8, padding 2, padValue 0; RGB and uint8 stay as they are.
  const rgb = makeGrid(torch.ones([3, 3, 4, 5], { dtype: 'uint8' }));
  assert.deepEqual(rgb.shape, [3, 4 + 2 * 2, 3 * (5 + 2) + 2]);
  assert.equal(rgb.dtype, 'uint8');
  assert.equal(rgb.sum().item(), 3 * 3 * 4 * 5);
  // A batch of one is the image itself; an array of (C, H, W) images works like a batch.
  assert.deepEqual(makeGrid(torch.zeros([1, 3, 4, 4])).shape, [3, 4, 4]);
  assert.deepEqual(makeGrid([torch.zeros([3, 4, 4]), torch.zeros([3, 4, 4])], { padding: 0 }).shape, [3, 4, 8]);
  // The grid goes to logImage as it is.
  const logger = new loggers.TensorBoardLogger(scratch(), { name: 'tb' });
  logger.logImage('grid', grid, 0);
  logger.finalize('success');
  const [value] = summaryValues(readFileSync(logger.eventFile));
  assert.deepEqual([summaryImage(value!.fields).height, summaryImage(value!.fields).width], [7, 10]);
  // Bad input names the problem.
  assert.throws(() => makeGrid(torch.zeros([3, 4, 4])), /makeGrid: images must be \(N, C, H, W\), got shape \[3, 4, 4\]/);
  assert.throws(() => makeGrid([torch.zeros([4, 4])]), /makeGrid: images\[0\] must be \(C, H, W\), got shape \[4, 4\]/);
  assert.throws(() => makeGrid(images, { nrow: 0 }), /nrow must be a positive integer, got 0/);
  assert.throws(() => makeGrid([]), /empty array/);
});

test("logHyperparams: the hparams plugin's experiment, session start and end records, as PyTorch writes them", async () => {
  const logger = new loggers.TensorBoardLogger(scratch(), { name: 'tb' });
  await logger.logHyperparams(
    { lr: 0.02, optimizer: { name: 'adam', betas: [0.9, 0.999] }, amsgrad: false, note: null, batchSize: 0 },
    { 'val/acc': 0 },
  );
  logger.finalize('success');
  const values = summaryValues(readFileSync(logger.eventFile));
  const plugin = values.filter((v) => v.fields.has(9) && pluginData(v.fields).pluginName === 'hparams');
  assert.deepEqual(
    plugin.map((v) => v.tag),
    ['_hparams_/experiment', '_hparams_/session_start_info', '_hparams_/session_end_info'],
  );
  const [experiment, start, end] = plugin.map((v) => hparamsData(pluginData(v.fields).content));
  assert.equal(experiment!.version, 0);
  // DataType: STRING 1, BOOL 2, FLOAT64 3; nested keys joined by '/', null left out.
  assert.deepEqual(experiment!.experiment!.hparamInfos, [
    { name: 'lr', type: 3 },
    { name: 'optimizer/name', type: 1 },
    { name: 'optimizer/betas', type: 1 },
    { name: 'amsgrad', type: 2 },
    { name: 'batchSize', type: 3 },
  ]);
  assert.deepEqual(experiment!.experiment!.metricTags, ['val/acc']);
  assert.ok(Math.abs(experiment!.experiment!.timeCreatedSecs - Date.now() / 1000) < 60);
  assert.deepEqual(start!.sessionStartInfo!.hparams, {
    lr: 0.02,
    'optimizer/name': 'adam',
    'optimizer/betas': '[0.9,0.999]',
    amsgrad: false,
    batchSize: 0,
  });
  assert.equal(end!.sessionEndInfo!.status, 1); // STATUS_SUCCESS
  assert.ok(end!.sessionEndInfo!.endTimeSecs >= start!.sessionStartInfo!.startTimeSecs);
  // The metrics are logged as scalars at step 0 (the HParams tab shows their last values); a
  // value of exactly 0 is written too (simple_value is in summary.proto's oneof).
  const scalar = values.find((v) => v.tag === 'val/acc')!;
  assert.deepEqual([scalar.step, scalar.fields.get(2)?.[0]], [0, 0]);
  // The markdown table is still there.
  assert.ok(values.some((v) => v.tag === 'hparams' && v.fields.has(8)));
});

test('hparams through the Trainer: hp_metric by default, and a failed fit ends the session as STATUS_FAILURE', async () => {
  const run = async (options: { defaultHpMetric?: boolean }, fail: boolean) => {
    const logger = new loggers.TensorBoardLogger(scratch(), { name: 'tb', ...options });
    torch.manualSeed(0);
    const model = new torch.nn.Sequential(new torch.nn.Linear(2, 1));
    const module = new SupervisedModule(model, {
      loss: fail
        ? () => {
            throw new Error('boom');
          }
        : new torch.nn.MSELoss(),
      optimizer: (params) => new torch.optim.SGD(params, { lr: 0.1 }),
    });
    module.saveHyperparameters({ lr: 0.1 });
    const data = new torch.data.DataLoader(new torch.data.TensorDataset(torch.randn([8, 2]), torch.randn([8, 1])), { batchSize: 4 });
    const trainer = new Trainer({ maxEpochs: 1, logger, enableProgressBar: false, enableCurves: false, enableCheckpointing: false });
    await trainer.fit(module, data).catch((error: Error) => assert.match(error.message, /boom/));
    return summaryValues(readFileSync(logger.eventFile));
  };
  const ok = await run({}, false);
  const hparams = (tag: string) => hparamsData(pluginData(ok.find((v) => v.tag === tag)!.fields).content);
  assert.deepEqual(hparams('_hparams_/experiment').experiment!.metricTags, ['hp_metric']);
  assert.equal(ok.find((v) => v.tag === 'hp_metric')!.fields.get(2)![0], -1);
  const start = hparams('_hparams_/session_start_info').sessionStartInfo!.hparams;
  assert.equal(start.lr, 0.1);
  assert.equal(typeof start['_run/torchVersion'], 'string'); // the provenance, flattened
  assert.equal(hparams('_hparams_/session_end_info').sessionEndInfo!.status, 1);

  const failed = await run({ defaultHpMetric: false }, true);
  assert.ok(!failed.some((v) => v.tag === 'hp_metric'));
  const data = (tag: string) => hparamsData(pluginData(failed.find((v) => v.tag === tag)!.fields).content);
  assert.deepEqual(data('_hparams_/experiment').experiment!.metricTags, []);
  assert.equal(data('_hparams_/session_end_info').sessionEndInfo!.status, 2); // STATUS_FAILURE
});

test.run();
