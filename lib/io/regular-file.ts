/**
 * Opening files to read them whole, for the loaders (torch.load, safetensors, TorchScript, MNIST):
 * only regular files are read. A FIFO would block a thread-pool thread forever and a device such
 * as /dev/zero never ends; each is refused with an error naming the path and what it is.
 * @module
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';

// O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting for one.
const READ_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

function kindOf(stats: fs.Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function refuse(where: string, path: string, stats: fs.Stats): Error {
  return new Error(`${where}: ${path} is ${kindOf(stats)}, not a regular file`);
}

/** Opens `path` for reading; throws (closing it) unless it is a regular file. */
export async function openRegularFile(path: string, where: string): Promise<fsp.FileHandle> {
  const handle = await fsp.open(path, READ_FLAGS);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw refuse(where, path, stats);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** openRegularFile, synchronously: returns the file descriptor. */
export function openRegularFileSync(path: string, where: string): number {
  const fd = fs.openSync(path, READ_FLAGS);
  try {
    const stats = fs.fstatSync(fd);
    if (!stats.isFile()) throw refuse(where, path, stats);
    return fd;
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
}

/** The whole content of the regular file `path`. */
export async function readRegularFile(path: string, where: string): Promise<Buffer> {
  const handle = await openRegularFile(path, where);
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** Throws unless `path` names a regular file (for readers that open the path themselves, such as LibTorch's). */
export async function requireRegularFile(path: string, where: string): Promise<void> {
  const stats = await fsp.stat(path);
  if (!stats.isFile()) throw refuse(where, path, stats);
}
