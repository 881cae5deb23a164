// Shared pieces of the serve-*.test.ts files: a temp model store with a traced model, .mar
// archives built with fflate, images encoded with pngjs and jpeg-js.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import * as torch from '../lib/index.ts';

export const scratch = (prefix = 'nodetorch-serve-'): string => mkdtempSync(path.join(tmpdir(), prefix));

/** Ports 0 everywhere: tests never take a fixed port. */
export const anyPorts = {
  inferenceAddress: { host: '127.0.0.1', port: 0 },
  managementAddress: { host: '127.0.0.1', port: 0 },
  metricsAddress: { host: '127.0.0.1', port: 0 },
};

/** A small MLP (4 -> 8 -> 3), seeded, in eval mode. */
export function smallMlp(seed = 0): torch.nn.Sequential {
  torch.manualSeed(seed);
  return new torch.nn.Sequential(new torch.nn.Linear(4, 8), new torch.nn.ReLU(), new torch.nn.Linear(8, 3)).eval();
}

/** Traces `model` on a (2, 4) batch with names x -> y and saves it as `file` in `dir`. */
export async function saveTraced(model: torch.nn.Module, dir: string, file = 'mlp.pt', example = torch.zeros([2, 4])): Promise<string> {
  const traced = torch.jit.trace(model, example, { inputNames: ['x'], outputNames: ['y'] });
  const target = path.join(dir, file);
  await traced.save(target);
  return target;
}

/** A .mar archive (MANIFEST.json, the serialized file, extra files) written to `target`. */
export function writeMar(
  target: string,
  serialized: Uint8Array,
  model: { modelName: string; modelVersion?: string; handler?: string; serializedFile?: string },
  extra: Record<string, Uint8Array | string> = {},
): void {
  const serializedFile = model.serializedFile ?? 'model.pt';
  const manifest = {
    createdOn: '01/12/2026 10:00:00',
    runtime: 'python',
    model: { ...model, serializedFile },
    archiverVersion: '0.12.0',
  };
  const entries: Record<string, Uint8Array> = {
    'MAR-INF/MANIFEST.json': Buffer.from(JSON.stringify(manifest, null, 2)),
    [serializedFile]: serialized,
  };
  for (const [name, value] of Object.entries(extra)) entries[name] = typeof value === 'string' ? Buffer.from(value) : value;
  writeFileSync(target, zipSync(entries));
}

/** An RGBA image of `width` x `height` from a pixel function, as PNG bytes. */
export function pngImage(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Buffer {
  const png = new pngjs.PNG({ width, height });
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      png.data.set([r, g, b, 255], 4 * (y * width + x));
    }
  return pngjs.PNG.sync.write(png);
}

/** The same kind of image as JPEG bytes (quality 100). */
export function jpegImage(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      data.set([r, g, b, 255], 4 * (y * width + x));
    }
  return jpeg.encode({ data, width, height }, 100).data;
}

/** A multipart/form-data body with one file part. */
export function multipart(name: string, filename: string, contentType: string, bytes: Buffer): { body: Buffer; contentType: string } {
  const boundary = '----nodetorch-test-boundary';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`;
  return {
    body: Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** A `nodetorch serve --foreground` child process, once it has printed its addresses. */
export interface ServeProcess {
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  inference: string;
  management: string;
  /** Its exit code, once it exits. */
  exited: Promise<number | null>;
}

/** Spawns `nodetorch serve <args> --foreground` and waits (up to 60 s) for the addresses it prints. */
export async function startServeCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ServeProcess> {
  const bin = fileURLToPath(new URL('../lib/cli/bin.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', bin, 'serve', ...args, '--foreground'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  for (let waited = 0; !output.includes('Metrics API bind to:') && waited < 60_000; waited += 100) await sleep(100);
  const address = (api: string) => new RegExp(`${api} API bind to: (http://127\\.0\\.0\\.1:\\d+)`).exec(output)?.[1] ?? '';
  return { child, output: () => output, inference: address('Inference'), management: address('Management'), exited };
}
