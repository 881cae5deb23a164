/**
 * Checks of a zip archive's directory before a reader trusts it. PyTorch's files (torch.save and
 * TorchScript) are zip archives whose entries carry CRC-32s; LibTorch's own TorchScript reader does
 * not survive every corrupt archive, so nodetorch checks the directory and the checksums first.
 * @module
 */
import { crc32, inflateRawSync } from 'node:zlib';

/** One entry of the central directory. */
interface Entry {
  name: string;
  crc: number;
  compressedSize: number;
  size: number;
  method: number;
  localOffset: number;
}

/** Where the end-of-central-directory record is, or -1. */
function endRecord(view: DataView): number {
  for (let at = view.byteLength - 22; at >= 0 && view.byteLength - at <= 65557 + 22; at--) {
    if (view.getUint32(at, true) === 0x06054b50) return at;
  }
  return -1;
}

/**
 * The number of entries the archive's end records claim (as fflate reads them), or -1 when there is
 * no end record. Each entry takes at least 46 bytes of the directory: a claim beyond the file's size
 * is corrupt (and fflate would loop over it for minutes).
 */
export function claimedEntries(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = endRecord(view);
  if (at < 0) return -1;
  let count = view.getUint16(at + 8, true);
  if (at >= 20 && view.getUint32(at - 20, true) === 0x07064b50) {
    const record = Number(view.getBigUint64(at - 12, true));
    if (record + 40 <= bytes.length && view.getUint32(record, true) === 0x06064b50) count = view.getUint32(record + 32, true);
  }
  return count;
}

/** Throws when the directory claims more entries than the file can hold. */
export function checkEntryCount(bytes: Uint8Array, what: string): void {
  const claimed = claimedEntries(bytes);
  if (claimed * 46 > bytes.length)
    throw new Error(`${what}: its zip directory claims ${claimed} entries in ${bytes.length} bytes (corrupt)`);
}

function readDirectory(bytes: Uint8Array, what: string): Entry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = endRecord(view);
  if (end < 0) throw new Error(`${what}: not a zip archive (no end of central directory)`);
  checkEntryCount(bytes, what);
  let count = view.getUint16(end + 10, true);
  let offset = view.getUint32(end + 16, true);
  if (end >= 20 && view.getUint32(end - 20, true) === 0x07064b50) {
    const record = Number(view.getBigUint64(end - 12, true));
    if (record + 56 <= bytes.length && view.getUint32(record, true) === 0x06064b50) {
      count = Number(view.getBigUint64(record + 32, true));
      offset = Number(view.getBigUint64(record + 48, true));
    }
  }
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== 0x02014b50)
      throw new Error(`${what}: zip directory entry ${i} is corrupt`);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    entries.push({
      name: new TextDecoder().decode(bytes.subarray(offset + 46, offset + 46 + nameLength)),
      crc: view.getUint32(offset + 16, true),
      compressedSize: view.getUint32(offset + 20, true),
      size: view.getUint32(offset + 24, true),
      method: view.getUint16(offset + 10, true),
      localOffset: view.getUint32(offset + 42, true),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

// Deflate cannot compress better than about 1032:1; an entry claiming more is corrupt.
const DEFLATE_MAX_RATIO = 1032;

/** The entry's content: stored bytes as they are, deflated ones inflated (bounded by the declared size). */
function contentOf(bytes: Uint8Array, view: DataView, entry: Entry, what: string): Uint8Array {
  const local = entry.localOffset;
  if (local + 30 > bytes.length || view.getUint32(local, true) !== 0x04034b50)
    throw new Error(`${what}: the local header of ${entry.name} is corrupt`);
  const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  if (start + entry.compressedSize > bytes.length) throw new Error(`${what}: ${entry.name} lies past the end of the file`);
  const raw = bytes.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) throw new Error(`${what}: ${entry.name} is stored with two different sizes`);
    return raw;
  }
  if (entry.size > entry.compressedSize * DEFLATE_MAX_RATIO + 1024)
    throw new Error(`${what}: ${entry.name} claims a size deflate cannot reach`);
  let inflated: Uint8Array;
  try {
    inflated = inflateRawSync(raw, { maxOutputLength: Math.max(entry.size, 1) });
  } catch (error) {
    throw new Error(`${what}: ${entry.name} is corrupt (${(error as Error).message})`, { cause: error });
  }
  if (inflated.length !== entry.size) throw new Error(`${what}: ${entry.name} inflates to ${inflated.length} bytes, not ${entry.size}`);
  return inflated;
}

/**
 * Checks the directory of a zip archive and the CRC-32 of every entry, stored or deflated (zip64
 * entries, over 4 GiB, are not checked); throws naming the first problem.
 */
export function verifyZipArchive(bytes: Uint8Array, what: string): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const entry of readDirectory(bytes, what)) {
    if (entry.size === 0xffffffff || entry.compressedSize === 0xffffffff || entry.localOffset === 0xffffffff) continue;
    if (entry.method !== 0 && entry.method !== 8)
      throw new Error(`${what}: ${entry.name} uses an unsupported compression method (${entry.method})`);
    if (crc32(contentOf(bytes, view, entry, what)) !== entry.crc)
      throw new Error(`${what}: ${entry.name} is corrupt (its CRC-32 does not match)`);
  }
}
