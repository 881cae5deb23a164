// LearningCurves: at the end of fit, curves.svg and curves.png in the run folder (a panel per metric
// family, x = epoch), drawn on a worker thread; enableCurves: false writes none; a failure to draw
// warns once and the fit goes on; a resumed fit draws the whole run.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pngjs from 'pngjs';
import * as torch from '../lib/index.ts';

const { Trainer, SupervisedModule, callbacks, loggers } = torch.train;
const scratch = () => mkdtempSync(path.join(tmpdir(), 'nodetorch-curves-'));
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

// A tiny two-class task and model: 2-D points, split by the sign of x + y.
function loader(n: number, seed: number) {
  torch.manualSeed(seed);
  const x = torch.randn([n, 2]);
  const y = x.sum(1).gt(0).to('int64');
  return new torch.data.DataLoader(new torch.data.TensorDataset(x, y), { batchSize: 16 });
}
function tiny() {
  torch.manualSeed(0);
  return new SupervisedModule(new torch.nn.Sequential(new torch.nn.Linear(2, 8), new torch.nn.ReLU(), new torch.nn.Linear(8, 2)), {
    loss: new torch.nn.CrossEntropyLoss(),
    optimizer: (params) => new torch.optim.Adam(params, { lr: 0.05 }),
    metrics: { acc: new torch.metrics.Accuracy({ task: 'multiclass', numClasses: 2 }) },
  });
}
const quiet = { enableProgressBar: false, enableCheckpointing: false } as const;

test('fit draws curves.svg and curves.png in the logger folder: the metric names, a panel per family', async () => {
  const logger = new loggers.CSVLogger(scratch(), { name: 'curves' });
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 10);
  const trainer = new Trainer({ maxEpochs: 3, logger, ...quiet });
  await trainer.fit(tiny(), loader(64, 1), loader(32, 2));
  clearInterval(timer);
  // Drawing runs on a worker thread: the event loop stays free to the end of fit (a loose bound for loaded machines).
  assert.ok(worst < 250, `the longest gap between ticks was ${worst.toFixed(1)} ms`);
  const curves = trainer.callbacks.find((callback) => callback instanceof callbacks.LearningCurves)!;
  const svgFile = path.join(logger.logDir, 'curves.svg');
  const pngFile = path.join(logger.logDir, 'curves.png');
  assert.deepEqual(curves.files, [svgFile, pngFile]);

  const svg = readFileSync(svgFile, 'utf8');
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /<\/svg>\s*$/);
  for (const name of ['train/loss_epoch', 'val/loss', 'val/acc', 'Learning curves', '>loss<', '>acc<'])
    assert.ok(svg.includes(name), `the SVG names ${name}`);
  assert.ok(!svg.includes('train/loss_step'), 'step values are left out');
  // The plain key that repeats an '_epoch' one is drawn once.
  assert.ok(!svg.includes('>train/loss<'));
  // Lines in both panels (train and validation loss share the loss panel, val/acc is in the acc panel).
  assert.ok((svg.match(/class="mark-line role-mark/g) ?? []).length >= 2);
  // No temporary files left beside them (the writes are atomic).
  assert.deepEqual(
    readdirSync(logger.logDir).filter((name) => name.endsWith('.tmp')),
    [],
  );

  const png = readFileSync(pngFile);
  assert.deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE);
  const image = pngjs.PNG.sync.read(png);
  const [, svgWidth, svgHeight] = /width="(\d+)" height="(\d+)"/.exec(svg)!.map(Number) as [number, number, number];
  // Twice the SVG's size; two panels side by side of 320 x 200 each, plus axes and legend.
  assert.deepEqual([image.width, image.height], [2 * svgWidth, 2 * svgHeight]);
  assert.ok(svgWidth > 640 && svgWidth < 1400 && svgHeight > 200 && svgHeight < 600, `${svgWidth} x ${svgHeight}`);
  // Not blank: the white background and dark marks both appear.
  let dark = 0;
  for (let i = 0; i < image.data.length; i += 4) if (image.data[i]! < 100) dark++;
  assert.ok(dark > 500, `${dark} dark pixels`);
});

test('without a logger the curves go to defaultRootDir; enableCurves: false writes none', async () => {
  const dir = scratch();
  await new Trainer({ maxEpochs: 2, defaultRootDir: dir, logger: false, ...quiet }).fit(tiny(), loader(32, 1));
  assert.ok(existsSync(path.join(dir, 'curves.svg')) && existsSync(path.join(dir, 'curves.png')));

  const off = scratch();
  const trainer = new Trainer({ maxEpochs: 2, defaultRootDir: off, logger: false, enableCurves: false, ...quiet });
  assert.ok(!trainer.callbacks.some((callback) => callback instanceof callbacks.LearningCurves));
  await trainer.fit(tiny(), loader(32, 1));
  assert.deepEqual(readdirSync(off), []);
  // Added by default, not twice when given, and validated as a Trainer option.
  assert.ok(new Trainer().callbacks.some((callback) => callback instanceof callbacks.LearningCurves));
  const own = new callbacks.LearningCurves({ dirpath: path.join(off, 'mine'), filename: 'run' });
  assert.equal(new Trainer({ callbacks: [own] }).callbacks.filter((callback) => callback instanceof callbacks.LearningCurves).length, 1);
  assert.throws(() => new Trainer({ enableCurve: false } as never), /unknown option 'enableCurve'/);
  assert.throws(() => new callbacks.LearningCurves({ scale: 0 }), /scale must be a positive number, got 0/);
});

test('a failure to draw warns once and the fit goes on', async () => {
  const blocker = path.join(scratch(), 'a-file');
  writeFileSync(blocker, 'not a folder');
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => {
    if ((warning as Error & { code?: string }).code === 'NODETORCH_CURVES') warnings.push(warning);
  };
  process.on('warning', onWarning);
  try {
    for (let i = 0; i < 2; i++) {
      const curves = new callbacks.LearningCurves({ dirpath: path.join(blocker, 'curves') });
      const trainer = new Trainer({ maxEpochs: 1, logger: false, callbacks: [curves], ...quiet });
      await trainer.fit(tiny(), loader(32, 1));
      assert.equal(trainer.currentEpoch, 1);
      assert.deepEqual(curves.files, []);
    }
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
  } finally {
    process.off('warning', onWarning);
  }
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!.message, /LearningCurves: could not draw the learning curves in .*a-file/);
});

test('a resumed fit draws the whole run: the epochs before the checkpoint come from it', async () => {
  const dir = scratch();
  const checkpoint = new callbacks.ModelCheckpoint({ dirpath: dir, saveLast: true, saveTopK: 0 });
  await new Trainer({ maxEpochs: 2, logger: false, defaultRootDir: dir, callbacks: [checkpoint], enableProgressBar: false }).fit(
    tiny(),
    loader(32, 1),
  );
  const curves = new callbacks.LearningCurves({ dirpath: dir });
  const resumed = new Trainer({ maxEpochs: 3, logger: false, callbacks: [curves], ...quiet });
  await resumed.fit(tiny(), loader(32, 1), null, { ckptPath: path.join(dir, 'last.ckpt') });
  const history = curves.stateDict().history as Record<string, number>[];
  assert.deepEqual(
    history.map((row) => row.epoch),
    [0, 1, 2],
  );
  assert.ok(history.every((row) => Number.isFinite(row['train/loss_epoch'])));
  assert.ok(readFileSync(path.join(dir, 'curves.svg'), 'utf8').includes('train/loss_epoch'));
});

test.run();
