// A rejected Promise from a native call keeps the stack of the code that made the call (the
// native message on top, this file's line below it), for ops, plans, script modules and files.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as torch from '../lib/index.ts';

const here = path.basename(new URL(import.meta.url).pathname);
const dir = mkdtempSync(path.join(tmpdir(), 'nodetorch-stack-'));
const script = new URL('./fixtures/jit/cnn.pt', import.meta.url).pathname;

async function rejection(start: () => Promise<unknown>): Promise<Error> {
  try {
    await start();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

function assertCallerStack(error: Error, message: RegExp): void {
  assert.match(error.message, message);
  const [first, ...frames] = error.stack!.split('\n');
  assert.ok(first!.includes(error.message.split('\n')[0]!), `the stack starts with the message: ${first}`);
  assert.ok(
    frames.some((frame) => frame.includes(here)),
    `a frame points into ${here}:\n${error.stack}`,
  );
}

test('ops: await a.matmulAsync(bad)', async () => {
  const a = torch.ones([2, 3]);
  const error = await rejection(() => a.matmulAsync(torch.ones([4, 5])));
  assert.ok(error instanceof torch.TorchError);
  assertCallerStack(error, /shape|size|mat/i);
});

test('ops: an Op by schema name', async () => {
  const error = await rejection(() => new torch.Op('mm').callAsync([torch.ones([2, 3]), torch.ones([4, 5])]));
  assertCallerStack(error, /mat|shape|size/i);
});

test('plans: Sequential.forwardAsync with the wrong input width', async () => {
  const model = new torch.nn.Sequential(new torch.nn.Linear(4, 2), new torch.nn.ReLU());
  assert.ok(model.runsNatively);
  const error = await rejection(() => model.forwardAsync(torch.ones([3, 5])));
  assertCallerStack(error, /shape|size|mat/i);
});

test('script modules: forwardAsync and runMethodAsync with a bad input', async () => {
  const module = await torch.jit.load(script);
  assertCallerStack(await rejection(() => module.forwardAsync(torch.ones([1, 2]))), /./);
  assertCallerStack(await rejection(() => module.runMethodAsync('forward', 'not a tensor')), /./);
  module.dispose();
});

test('files: jit.load, torch.load, torch.save, safetensors', async () => {
  const missing = path.join(dir, 'missing.pt');
  assertCallerStack(await rejection(() => torch.jit.load(missing)), /missing\.pt/);
  assertCallerStack(await rejection(() => torch.load(missing)), /missing\.pt/);
  assertCallerStack(await rejection(() => torch.save({ w: torch.ones([1]) }, path.join(dir, 'no', 'such', 'dir.pt'))), /ENOENT|no such/i);
  const corrupt = path.join(dir, 'corrupt.safetensors');
  writeFileSync(corrupt, Buffer.from([1, 2, 3]));
  assertCallerStack(await rejection(() => torch.loadSafetensors(corrupt)), /corrupt\.safetensors/);
  assertCallerStack(await rejection(() => torch.safetensorsMetadata(corrupt)), /corrupt\.safetensors/);
  assertCallerStack(
    await rejection(() => torch.saveSafetensors({ w: torch.ones([1]) }, path.join(dir, 'no', 'x.safetensors'))),
    /ENOENT|no such/i,
  );
});

test.run();
