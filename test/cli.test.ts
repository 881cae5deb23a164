// The `nodetorch` CLI end to end (lib/cli/bin.ts in child processes): `train --cfg`, a real
// train on a tiny config and its Hydra run folder, a multirun, `eval` and `predict` on the
// checkpoint, `--help`, and the exit codes of bad command lines (2, with Hydra's messages).
import { test } from 'uvu';
import { runCli, showCliOutcome, type CliOutcome } from './helpers.ts';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { parse } from 'yaml';
import type { Tensor } from '../lib/index.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'nodetorch-cli-'));
const tiny = [
  'trainer.max_epochs=1',
  'data.train_size=256',
  'data.test_size=100',
  'trainer.enable_progress_bar=false',
  'trainer.enable_curves=false',
];

const cli = runCli;

/** Runs the command lines `concurrency` at a time (2 cores here), results in order. */
async function cliAll(lines: string[][], concurrency = 3): Promise<CliOutcome[]> {
  const results: CliOutcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < lines.length) {
      const index = next++;
      results[index] = await cli(...lines[index]!);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

const show = showCliOutcome;

test('train --cfg job prints the composed YAML, resolved; model=cnn changes it; --cfg hydra prints the hydra node', async () => {
  const [mlp, cnn, hydra] = await cliAll([
    ['train', '--cfg', 'job'],
    ['train', '--cfg', 'job', 'model=cnn', 'optimizer.lr=0.05'],
    ['train', '--cfg', 'hydra', 'hydra.run.dir=somewhere'],
  ]);
  assert.equal(mlp!.code, 0, show(mlp!));
  const job = parse(mlp!.stdout) as Record<string, Record<string, unknown>>;
  assert.equal(job.model!.kind, 'mlp');
  assert.equal(job.model!.in_features, 784); // ${data.input_size}, resolved
  assert.ok(!('hydra' in job));
  assert.equal(cnn!.code, 0, show(cnn!));
  const changed = parse(cnn!.stdout) as Record<string, Record<string, unknown>>;
  assert.equal(changed.model!.kind, 'cnn');
  assert.equal(changed.model!.in_channels, 1);
  assert.equal(changed.optimizer!.lr, 0.05);
  assert.equal(hydra!.code, 0, show(hydra!));
  const node = (parse(hydra!.stdout) as { hydra: { run: { dir: string }; runtime: { choices: Record<string, string> } } }).hydra;
  assert.equal(node.run.dir, 'somewhere');
  assert.equal(node.runtime.choices.model, 'mlp');
});

const runDir = path.join(scratch, 'run');
const trainOverrides = [...tiny, 'model.hidden=[32]'];
let checkpoint = '';
let trainedAccuracy = 0;

test('train writes the Hydra run folder: .hydra/, the job log, result.json, the CSV logger and a checkpoint', async () => {
  const outcome = await cli('train', ...trainOverrides, `hydra.run.dir=${runDir}`);
  assert.equal(outcome.code, 0, show(outcome));
  const hydraDir = path.join(runDir, '.hydra');
  assert.deepEqual(readdirSync(hydraDir).sort(), ['config.yaml', 'hydra.yaml', 'overrides.yaml']);
  // config.yaml: the job's config before resolution, as Hydra writes it.
  const configText = readFileSync(path.join(hydraDir, 'config.yaml'), 'utf8');
  assert.match(configText, /in_features: \$\{data\.input_size\}/);
  const config = parse(configText) as Record<string, Record<string, unknown>>;
  assert.deepEqual(config.model!.hidden, [32]);
  assert.ok(!('hydra' in config));
  // overrides.yaml: the task overrides as given (hydra.* ones are not among them).
  assert.deepEqual(parse(readFileSync(path.join(hydraDir, 'overrides.yaml'), 'utf8')), trainOverrides);
  const hydra = (parse(readFileSync(path.join(hydraDir, 'hydra.yaml'), 'utf8')) as { hydra: { run: { dir: string } } }).hydra;
  assert.equal(hydra.run.dir, runDir);

  const result = JSON.parse(readFileSync(path.join(runDir, 'result.json'), 'utf8')) as {
    runDir: string;
    metrics: Record<string, number>;
    bestModelPath: string | null;
  };
  assert.equal(result.runDir, runDir);
  trainedAccuracy = result.metrics['test/acc']!;
  assert.ok(trainedAccuracy > 0.1 && trainedAccuracy <= 1, String(trainedAccuracy));
  const log = readFileSync(path.join(runDir, 'train.log'), 'utf8');
  assert.ok(log.includes(`test accuracy ${(trainedAccuracy * 100).toFixed(2)}%`), log);
  assert.ok(outcome.stdout.includes(`test accuracy ${(trainedAccuracy * 100).toFixed(2)}%`));

  const metrics = readFileSync(path.join(runDir, 'mnist', 'version_0', 'metrics.csv'), 'utf8')
    .trim()
    .split('\n');
  assert.ok(metrics[0]!.split(',').includes('val/acc'), metrics[0]);
  assert.ok(metrics.length >= 2);
  checkpoint = result.bestModelPath ?? '';
  assert.ok(checkpoint.startsWith(path.join(runDir, 'mnist', 'version_0', 'checkpoints')), checkpoint);
  assert.ok(checkpoint.endsWith('.ckpt') && existsSync(checkpoint), checkpoint);
});

test('eval ckpt= recomposes the config from .hydra/overrides.yaml and reproduces the trained test accuracy', async () => {
  assert.ok(checkpoint, 'needs the checkpoint of the train test');
  const outcome = await cli('eval', `ckpt=${checkpoint}`);
  assert.equal(outcome.code, 0, show(outcome));
  const line = outcome.stdout
    .trim()
    .split('\n')
    .find((l) => l.startsWith('{'));
  const printed = JSON.parse(line ?? 'null') as Record<string, number | string>;
  assert.equal(printed.ckpt, checkpoint);
  assert.equal(printed['test/acc'], trainedAccuracy);
});

test('predict ckpt= input=FILE.json (784 numbers) and input=FILE.png (28x28) print the same prediction', async () => {
  assert.ok(checkpoint, 'needs the checkpoint of the train test');
  // A vertical bar, a rough "1", as gray levels k/255 so the PNG and the JSON hold the same pixels.
  const levels = Array.from({ length: 28 * 28 }, (_, i) => {
    const [row, col] = [Math.floor(i / 28), i % 28];
    return row >= 4 && row < 24 && col >= 12 && col < 16 ? 255 : 0;
  });
  const json = path.join(scratch, 'digit.json');
  writeFileSync(json, JSON.stringify(levels.map((v) => v / 255)));
  const png = new PNG({ width: 28, height: 28 });
  levels.forEach((v, i) => png.data.set([v, v, v, 255], 4 * i));
  const pngFile = path.join(scratch, 'digit.png');
  writeFileSync(pngFile, PNG.sync.write(png));

  const [fromJson, fromPng] = await cliAll([
    ['predict', `ckpt=${checkpoint}`, `input=${json}`, 'topk=3'],
    ['predict', `ckpt=${checkpoint}`, `input=${pngFile}`],
  ]);
  const predictionOf = (outcome: CliOutcome) => {
    assert.equal(outcome.code, 0, show(outcome));
    const line = outcome.stdout
      .trim()
      .split('\n')
      .find((l) => l.startsWith('{'));
    return JSON.parse(line ?? 'null') as { prediction: number; top: { label: number; probability: number }[] };
  };
  const a = predictionOf(fromJson!);
  const b = predictionOf(fromPng!);
  assert.ok(Number.isInteger(a.prediction) && a.prediction >= 0 && a.prediction < 10);
  assert.equal(a.top.length, 3);
  assert.equal(a.top[0]!.label, a.prediction);
  assert.ok(a.top[0]!.probability >= a.top[1]!.probability);
  assert.equal(b.prediction, a.prediction);
  assert.ok(Math.abs(b.top[0]!.probability - a.top[0]!.probability) < 1e-5);
});

test('export ckpt= writes TorchScript (plain and optimized) and ONNX files that predict what predict does', async () => {
  assert.ok(checkpoint, 'needs the checkpoint of the train test');
  const digit = JSON.parse(readFileSync(path.join(scratch, 'digit.json'), 'utf8')) as number[];
  const out = (name: string) => path.join(scratch, name);
  const [plain, optimized, onnx, predicted, badFormat, badOptimize] = await cliAll([
    ['export', `ckpt=${checkpoint}`, 'format=torchscript', `output=${out('model.pt')}`],
    ['export', `ckpt=${checkpoint}`, 'optimize=true'],
    ['export', `ckpt=${checkpoint}`, 'format=onnx', `output=${out('model.onnx')}`],
    ['predict', `ckpt=${checkpoint}`, `input=${path.join(scratch, 'digit.json')}`, 'topk=1'],
    ['export', `ckpt=${checkpoint}`, 'format=tflite'],
    ['export', `ckpt=${checkpoint}`, 'optimize=maybe'],
  ]);
  for (const outcome of [plain!, optimized!, onnx!, predicted!]) assert.equal(outcome.code, 0, show(outcome));
  const reported = JSON.parse(optimized!.stdout.trim().split('\n').at(-1)!) as {
    output: string;
    signature: { inputs: { name: string; shape: number[] }[] };
  };
  assert.equal(reported.output, checkpoint.replace(/\.ckpt$/, '.optimized.pt'));
  assert.deepEqual(reported.signature.inputs[0], { name: 'images', dtype: 'float32', datatype: 'FP32', shape: [-1, 1, 28, 28] });
  const expected = JSON.parse(predicted!.stdout.trim().split('\n').at(-1)!) as { prediction: number; top: { probability: number }[] };

  const torch = await import('../lib/index.ts');
  const images = torch.tensor(digit, { dtype: 'float32' }).reshape([1, 1, 28, 28]);
  for (const file of [out('model.pt'), reported.output]) {
    const module = await torch.jit.load(file);
    assert.equal(module.signature?.outputs[0]?.name, 'logits');
    const probabilities = (module.forward(images.expand([3, 1, 28, 28])) as Tensor).softmax(1);
    assert.equal((probabilities.argmax(1).toArray() as number[])[2], expected.prediction);
    assert.ok(Math.abs(probabilities.max().item() - expected.top[0]!.probability) < 1e-5, file);
  }
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(out('model.onnx'));
  const feeds = { images: new ort.Tensor('float32', Float32Array.from([...digit, ...digit]), [2, 1, 28, 28]) };
  const logits = (await session.run(feeds)).logits!.data as Float32Array;
  const row = torch.tensor(Array.from(logits.slice(10, 20))).softmax(0);
  assert.equal(row.argmax().item(), expected.prediction);
  assert.ok(Math.abs(row.max().item() - expected.top[0]!.probability) < 1e-5);

  assert.equal(badFormat!.code, 2, show(badFormat!));
  assert.match(badFormat!.stderr, /format must be one of torchscript, onnx, got 'tflite'/);
  assert.equal(badOptimize!.code, 2, show(badOptimize!));
  assert.match(badOptimize!.stderr, /optimize must be true or false, got 'maybe'/);
});

test('train --profile writes a Chrome trace and the summary into the run folder; profiler.active= changes the schedule', async () => {
  const dir = path.join(scratch, 'profiled');
  const outcome = await cli('train', ...tiny, '~logger', 'profiler.active=2', '--profile', `hydra.run.dir=${dir}`);
  assert.equal(outcome.code, 0, show(outcome));
  const files = readdirSync(path.join(dir, 'profiler')).sort();
  assert.equal(files.length, 2, files.join(', '));
  assert.equal(files[0], 'fit-profile.txt');
  assert.match(files[1]!, /^profile\.\d+\.pt\.trace\.json$/);
  const trace = JSON.parse(readFileSync(path.join(dir, 'profiler', files[1]!), 'utf8')) as { traceEvents: { name: string }[] };
  const steps = trace.traceEvents.filter((event) => event.name.startsWith('ProfilerStep#')).map((event) => event.name);
  assert.deepEqual(steps, ['ProfilerStep#2', 'ProfilerStep#3'], 'wait 1, warm up 1, then the two active steps');
  assert.match(readFileSync(path.join(dir, 'profiler', 'fit-profile.txt'), 'utf8'), /aten::addmm/);
  const config = parse(readFileSync(path.join(dir, '.hydra', 'config.yaml'), 'utf8')) as { profiler: { active: number } };
  assert.equal(config.profiler.active, 2);
});

test('train -m: multirun.yaml and one job folder per combination, with its overrides', async () => {
  const sweepDir = path.join(scratch, 'sweep');
  const outcome = await cli('train', '-m', ...tiny, 'model.hidden=[16]', 'optimizer.lr=0.1,0.3', `hydra.sweep.dir=${sweepDir}`);
  assert.equal(outcome.code, 0, show(outcome));
  assert.deepEqual(readdirSync(sweepDir).sort(), ['0', '1', 'multirun.yaml']);
  const multirun = parse(readFileSync(path.join(sweepDir, 'multirun.yaml'), 'utf8')) as { hydra: { mode: string; sweep: { dir: string } } };
  assert.equal(multirun.hydra.mode, 'MULTIRUN');
  assert.equal(multirun.hydra.sweep.dir, sweepDir);
  for (const [job, lr] of [
    ['0', '0.1'],
    ['1', '0.3'],
  ] as const) {
    const overrides = parse(readFileSync(path.join(sweepDir, job, '.hydra', 'overrides.yaml'), 'utf8')) as string[];
    // Hydra's BasicSweeper rewrites each value with str(): `false` becomes `False` (which parses back to the bool).
    const swept = [...tiny.map((o) => o.replace(/=false$/, '=False')), 'model.hidden=[16]', `optimizer.lr=${lr}`];
    assert.deepEqual(overrides, swept);
    const hydra = (parse(readFileSync(path.join(sweepDir, job, '.hydra', 'hydra.yaml'), 'utf8')) as { hydra: { job: { num: number } } })
      .hydra;
    assert.equal(hydra.job.num, Number(job));
    assert.ok(existsSync(path.join(sweepDir, job, 'result.json')));
    assert.ok(outcome.stdout.includes(`#${job} : ${overrides.join(' ')}`), outcome.stdout);
  }
});

test('train --help lists the config groups and their options; --help exits 0', async () => {
  const [trainHelp, help] = await cliAll([['train', '--help'], ['--help']]);
  assert.equal(trainHelp!.code, 0, show(trainHelp!));
  const text = trainHelp!.stdout;
  assert.ok(text.includes('== Configuration groups =='), text);
  for (const line of [
    'model: cnn, mlp',
    'optimizer: adam, adamw, sgd',
    'scheduler: cosine, onecycle, step',
    'data: embedded_mnist, fashion_mnist, mnist',
    'logger: csv, jsonl, mlflow, tensorboard',
    'trainer: default, fast',
    'experiment: mnist_cnn',
  ])
    assert.ok(text.includes(line), `${line} in\n${text}`);
  assert.equal(help!.code, 0, show(help!));
  assert.match(help!.stdout, /train/);
  assert.match(help!.stdout, /eval/);
});

test('bad command lines exit 2 with Hydra-style messages, and nothing is started', async () => {
  const dir = path.join(scratch, 'never');
  const at = `hydra.run.dir=${dir}`;
  const [parseError, badOption, unknownKey, missing, invalid, ambiguous, unknownCommand] = await cliAll([
    ['train', 'optimizer.lr=[0.1,', at],
    ['train', 'model=transformer', at],
    ['train', 'optimizer.foo=1', at],
    ['train', 'model.hidden=???', at],
    ['train', 'optimizer.lr=-1', at],
    ['train', 'optimizer.lr=0.1,0.3', at],
    ['frobnicate'],
  ]);
  for (const outcome of [parseError, badOption, unknownKey, missing, invalid, ambiguous, unknownCommand])
    assert.equal(outcome!.code, 2, show(outcome!));

  // The parse error points at the column with a caret line under the override.
  const lines = parseError!.stderr.split('\n');
  const echoed = lines.findIndex((line) => line === 'optimizer.lr=[0.1,');
  assert.ok(parseError!.stderr.includes("Error parsing override 'optimizer.lr=[0.1,'"), parseError!.stderr);
  assert.ok(echoed > 0, parseError!.stderr);
  assert.match(lines[echoed + 1]!, /^ +\^$/);

  assert.ok(badOption!.stderr.includes("Could not find 'model/transformer'"), badOption!.stderr);
  assert.ok(badOption!.stderr.includes("Available options in 'model':\n\tcnn\n\tmlp"), badOption!.stderr);
  assert.ok(
    unknownKey!.stderr.includes("Could not override 'optimizer.foo'.\nTo append to your config use +optimizer.foo=1"),
    unknownKey!.stderr,
  );
  assert.ok(missing!.stderr.includes('Missing mandatory value: model.hidden'), missing!.stderr);
  assert.ok(invalid!.stderr.includes('optimizer.lr'), invalid!.stderr);
  assert.ok(ambiguous!.stderr.includes("Ambiguous value for argument 'optimizer.lr=0.1,0.3'"), ambiguous!.stderr);
  assert.ok(ambiguous!.stderr.includes('add --multirun to your command line'), ambiguous!.stderr);
  assert.match(unknownCommand!.stderr, /unknown command 'frobnicate'/);
  assert.ok(!existsSync(dir), 'a config error started a run');
});

test.after(() => rmSync(scratch, { recursive: true, force: true }));

test.run();
