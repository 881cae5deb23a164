/**
 * Downloading dataset files into a cache: mirrors tried in order, resumable transfers (a `.part` file
 * continued with an HTTP Range request to the mirror it came from), and checksum verification before
 * the file takes its final name, so a truncated or corrupt download never lands in the cache.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A digest of a file, with the algorithm that made it. */
export interface Checksum {
  algorithm: 'sha256' | 'md5';
  /** Lower-case hex. */
  digest: string;
}

/** A file to download: its name on every mirror, its checksum, and (for the progress bar) its size. */
export interface RemoteFile {
  name: string;
  checksum: Checksum;
  size?: number;
}

/** A progress report: bytes of `file` received so far from `url`, and the total when known. */
export interface DownloadProgress {
  file: string;
  url: string;
  received: number;
  total: number | null;
}

/** Options of {@link downloadFile}. */
export interface DownloadOptions {
  /** Base URLs, tried in order; the file's name is appended. */
  mirrors: readonly string[];
  /** Called as data arrives; without it a progress bar is drawn on stderr when stderr is a terminal. */
  progress?: (event: DownloadProgress) => void;
  /** How many times a transfer that breaks off is resumed from the same mirror before moving on; default 2. */
  retries?: number;
  /** Milliseconds without data after which a transfer is abandoned; default 30000. */
  idleTimeout?: number;
}

/** Every mirror failed for a file; the message lists what happened at each. */
export class DownloadError extends Error {
  /** An error whose `message` lists each mirror's failure. */
  constructor(message: string) {
    super(message);
    this.name = 'DownloadError';
  }
}

/** The default cache of datasets: $NODETORCH_DATASETS, else $XDG_CACHE_HOME/nodetorch/datasets, else ~/.cache/nodetorch/datasets. */
export function defaultDatasetRoot(): string {
  if (process.env.NODETORCH_DATASETS) return process.env.NODETORCH_DATASETS;
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'nodetorch', 'datasets');
}

/** The hex digest of a file. */
export async function fileDigest(file: string, algorithm: Checksum['algorithm']): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

// A transfer that stopped part way; the bytes so far are kept in the .part file for a resume.
class TransferBrokeOff extends Error {}

function progressReporter(file: string, callback: DownloadOptions['progress']): (event: DownloadProgress) => void {
  if (callback) return callback;
  if (!process.stderr.isTTY) return () => {};
  let last = 0;
  return ({ url, received, total }) => {
    const now = Date.now();
    const done = total !== null && received >= total;
    if (!done && now - last < 100) return;
    last = now;
    const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
    const fraction = total ? Math.min(received / total, 1) : 0;
    const bar = total ? `[${'#'.repeat(Math.round(fraction * 30)).padEnd(30, '-')}] ${(fraction * 100).toFixed(0).padStart(3)}% ` : '';
    process.stderr.write(`\r${file} ${bar}${mb(received)}${total ? `/${mb(total)}` : ''} MB from ${new URL(url).host}${done ? '\n' : ''}`);
  };
}

function urlOf(mirror: string, name: string): string {
  return new URL(name, mirror.endsWith('/') ? mirror : `${mirror}/`).href;
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

// Streams `url` into `part`, continuing from the bytes already there when `resume` is set.
async function transfer(
  url: string,
  part: string,
  resume: boolean,
  options: DownloadOptions,
  report: (event: DownloadProgress) => void,
): Promise<void> {
  const file = path.basename(part, '.part');
  const offset = resume ? await sizeOf(part) : 0;
  const controller = new AbortController();
  const idle = setTimeout(
    () => controller.abort(new Error(`no data for ${options.idleTimeout ?? 30000} ms`)),
    options.idleTimeout ?? 30000,
  );
  try {
    const response = await fetch(url, {
      headers: offset > 0 ? { Range: `bytes=${offset}-` } : {},
      signal: controller.signal,
      redirect: 'follow',
    });
    // 416: nothing after offset, so the part file already holds the whole file; the checksum decides.
    if (offset > 0 && response.status === 416) return;
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
    const continuing =
      offset > 0 && response.status === 206 && response.headers.get('content-range')?.startsWith(`bytes ${offset}-`) === true;
    const start = continuing ? offset : 0;
    const length = Number(response.headers.get('content-length') ?? NaN);
    const total = Number.isFinite(length) ? start + length : null;
    const handle = await open(part, continuing ? 'a' : 'w');
    let received = start;
    try {
      for await (const chunk of response.body) {
        idle.refresh();
        const bytes = chunk as Uint8Array;
        await handle.write(bytes);
        received += bytes.byteLength;
        report({ file, url, received, total });
      }
    } catch (error) {
      throw new TransferBrokeOff(
        `the transfer broke off after ${received}${total ? ` of ${total}` : ''} bytes (${(error as Error).message})`,
      );
    } finally {
      await handle.close();
    }
    if (total !== null && received < total) throw new TransferBrokeOff(`the transfer ended after ${received} of ${total} bytes`);
  } finally {
    clearTimeout(idle);
  }
}

/**
 * Downloads `file` into `directory` (unless it is already there) and returns its path. Each mirror
 * is tried in order. Data lands in `<name>.part` (with `<name>.part.json` naming its mirror); a
 * transfer that breaks off is resumed with a Range request, now or on a later call; the finished
 * file is renamed into place only after its checksum matches. A mismatch deletes the download and
 * moves on to the next mirror; when every mirror fails a {@link DownloadError} says why for each.
 */
export async function downloadFile(file: RemoteFile, directory: string, options: DownloadOptions): Promise<string> {
  const target = path.join(directory, file.name);
  if ((await sizeOf(target)) > 0) return target;
  if (options.mirrors.length === 0) throw new DownloadError(`cannot download ${file.name}: no mirrors are configured`);
  await mkdir(directory, { recursive: true });
  const part = `${target}.part`;
  const sidecar = `${part}.json`;
  const report = progressReporter(file.name, options.progress);
  const retries = options.retries ?? 2;
  const { algorithm, digest: expected } = file.checksum;

  const urls = options.mirrors.map((mirror) => urlOf(mirror, file.name));
  // A partial download is continued from the mirror it came from, which is therefore tried first.
  const resumeUrl = await readFile(sidecar, 'utf8').then(
    (text) => (JSON.parse(text) as { url?: string }).url,
    () => undefined,
  );
  const resumable = resumeUrl !== undefined && urls.includes(resumeUrl) && (await sizeOf(part)) > 0;
  if (resumable) urls.sort((a, b) => Number(b === resumeUrl) - Number(a === resumeUrl));

  const failures: string[] = [];
  for (const url of urls) {
    let resume = resumable && url === resumeUrl;
    if (!resume) await rm(part, { force: true });
    await writeFile(sidecar, JSON.stringify({ url }));
    let transferred = false;
    for (let attempt = 0; attempt <= retries && !transferred; attempt++) {
      try {
        await transfer(url, part, resume, options, report);
        transferred = true;
      } catch (error) {
        if (error instanceof TransferBrokeOff && attempt < retries) {
          resume = true;
          continue;
        }
        failures.push(`${url}: ${(error as Error).message}`);
        break;
      }
    }
    if (!transferred) continue;
    const actual = await fileDigest(part, algorithm);
    if (actual === expected) {
      await rename(part, target);
      await rm(sidecar, { force: true });
      return target;
    }
    await rm(part, { force: true });
    await rm(sidecar, { force: true });
    failures.push(
      `${url}: ${algorithm} checksum mismatch for ${file.name}: expected ${expected}, got ${actual} (the download was deleted)`,
    );
  }
  throw new DownloadError(`could not download ${file.name} into ${directory}:\n${failures.map((failure) => `  - ${failure}`).join('\n')}`);
}
