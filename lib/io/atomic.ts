/**
 * Atomic file replacement: write a temp file beside the target, fsync it, rename it over the
 * target, fsync the directory. Readers see the old file or the new one, never a torn mix, and a
 * failure (or crash) before the rename leaves the old file untouched.
 * @module
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';

/** One piece of file content: a string (written as UTF-8) or bytes. */
export type AtomicChunk = string | ArrayBufferView;

/** Options for {@link writeFileAtomic} and {@link writeFileAtomicSync}. */
export interface AtomicWriteOptions {
  /** Permission bits of the new file; default: those of the file it replaces, else 0o666 less the umask. */
  mode?: number;
  /** fsync the file and its directory (default true); false trades durability on power loss for speed. */
  fsync?: boolean;
}

// Writes larger than this are split: the kernel writes at most ~2 GiB per call anyway.
const MAX_WRITE = 1 << 30;

function toBytes(chunk: AtomicChunk): Uint8Array {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError(`writeFileAtomic(): chunks must be strings or typed arrays/Buffers, got ${chunk === null ? 'null' : typeof chunk}`);
}

// A single string or byte view is one chunk; anything else is iterated (strings and typed arrays are iterable too).
function isSingle(data: unknown): data is AtomicChunk {
  return typeof data === 'string' || ArrayBuffer.isView(data);
}

// The file to replace: through a symlink, its target (so the link survives), as an absolute path.
function resolveTargetSync(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return path.resolve(file);
    throw error;
  }
}
async function resolveTarget(file: string): Promise<string> {
  try {
    return await fsp.realpath(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return path.resolve(file);
    throw error;
  }
}

// Unique per process and call; 'wx' on open also refuses to reuse an existing name.
function tempNameFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

function existingModeSync(target: string): number | undefined {
  const stats = fs.statSync(target, { throwIfNoEntry: false });
  return stats && stats.mode & 0o7777;
}
async function existingMode(target: string): Promise<number | undefined> {
  return fsp.stat(target).then(
    (stats) => stats.mode & 0o7777,
    () => undefined,
  );
}

// Some filesystems (and Windows) cannot open or fsync a directory; the rename has happened, so that is not an error.
const DIR_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EINVAL', 'ENOTSUP', 'EPERM', 'EACCES', 'EBADF']);

function syncDirectorySync(dir: string): void {
  if (process.platform === 'win32') return;
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (error) {
    if (!DIR_SYNC_UNSUPPORTED.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, 'r');
    await handle.sync();
  } catch (error) {
    if (!DIR_SYNC_UNSUPPORTED.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Replaces `file` with `data` atomically: the content goes to a uniquely named temp file in the
 * same directory, which is fsynced and renamed over `file`, and then the directory is fsynced.
 * `data` is a string, a Buffer/typed array, or an iterable or async iterable of those (written
 * in order, so large content need not be held in memory at once). On any error, including one
 * thrown by the iterable, the temp file is removed and an existing `file` is left as it was.
 * Writing through a symlink replaces the file it points to.
 */
export async function writeFileAtomic(
  file: string,
  data: AtomicChunk | Iterable<AtomicChunk> | AsyncIterable<AtomicChunk>,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const target = await resolveTarget(file);
  const temp = tempNameFor(target);
  const mode = options.mode ?? (await existingMode(target));
  const durable = options.fsync ?? true;
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(temp, 'wx', mode ?? 0o666);
    // open() applies the umask; an explicit or inherited mode should hold exactly.
    if (mode !== undefined && process.platform !== 'win32') await handle.chmod(mode);
    const chunks = isSingle(data) ? [data] : data;
    for await (const chunk of chunks) {
      const bytes = toBytes(chunk);
      for (let offset = 0; offset < bytes.byteLength;) {
        const { bytesWritten } = await handle.write(bytes, offset, Math.min(bytes.byteLength - offset, MAX_WRITE), null);
        offset += bytesWritten;
      }
    }
    if (durable) await handle.sync();
    await handle.close();
    handle = undefined;
    await fsp.rename(temp, target);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fsp.rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  if (durable) await syncDirectory(path.dirname(target));
}

/**
 * The synchronous form of {@link writeFileAtomic}: same guarantees, for a string, bytes, or a
 * (synchronous) iterable of those.
 */
export function writeFileAtomicSync(file: string, data: AtomicChunk | Iterable<AtomicChunk>, options: AtomicWriteOptions = {}): void {
  const target = resolveTargetSync(file);
  const temp = tempNameFor(target);
  const mode = options.mode ?? existingModeSync(target);
  const durable = options.fsync ?? true;
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, 'wx', mode ?? 0o666);
    if (mode !== undefined && process.platform !== 'win32') fs.fchmodSync(fd, mode);
    const chunks = isSingle(data) ? [data] : data;
    for (const chunk of chunks) {
      const bytes = toBytes(chunk);
      for (let offset = 0; offset < bytes.byteLength;) {
        offset += fs.writeSync(fd, bytes, offset, Math.min(bytes.byteLength - offset, MAX_WRITE), null);
      }
    }
    if (durable) fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, target);
  } catch (error) {
    // Cleanup is best effort: the write's error is the one to report.
    try {
      if (fd !== undefined) fs.closeSync(fd);
    } catch {
      // already closed or never opened
    }
    try {
      fs.rmSync(temp, { force: true });
    } catch {
      // the temporary file may be gone already
    }
    throw error;
  }
  if (durable) syncDirectorySync(path.dirname(target));
}
