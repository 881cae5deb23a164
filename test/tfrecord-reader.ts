// An independent reader of TensorBoard event files for the tests: TFRecord framing with its masked
// CRC-32C checks, and a generic protocol-buffer wire decoder (no protobufjs, no schema).
import { crc32c } from '@node-rs/crc32';

const masked = (bytes: Uint8Array) => {
  const crc = crc32c(Buffer.from(bytes));
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
};

/** The records of a TFRecord file; throws on a bad length or data CRC. */
export function readRecords(file: Buffer): Buffer[] {
  const records: Buffer[] = [];
  for (let at = 0; at < file.length;) {
    const length = Number(file.readBigUInt64LE(at));
    if (file.readUInt32LE(at + 8) !== masked(file.subarray(at, at + 8))) throw new Error(`bad length CRC at ${at}`);
    const data = file.subarray(at + 12, at + 12 + length);
    if (file.readUInt32LE(at + 12 + length) !== masked(data)) throw new Error(`bad data CRC at ${at}`);
    records.push(data);
    at += 16 + length;
  }
  return records;
}

/** A decoded message: field number -> values (numbers for varints and fixed, Buffers for bytes). */
export type Fields = Map<number, (number | bigint | Buffer)[]>;

/** Decodes the wire format of one message. */
export function decode(bytes: Buffer): Fields {
  const fields: Fields = new Map();
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = bytes[at++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return result;
      shift += 7n;
    }
  };
  while (at < bytes.length) {
    const key = Number(varint());
    const field = key >>> 3;
    let value: number | bigint | Buffer;
    switch (key & 7) {
      case 0:
        value = varint();
        break;
      case 1:
        value = bytes.readDoubleLE(at);
        at += 8;
        break;
      case 2: {
        const length = Number(varint());
        value = bytes.subarray(at, at + length);
        at += length;
        break;
      }
      case 5:
        value = bytes.readFloatLE(at);
        at += 4;
        break;
      default:
        throw new Error(`wire type ${key & 7} at ${at}`);
    }
    if (!fields.has(field)) fields.set(field, []);
    fields.get(field)!.push(value);
  }
  return fields;
}

/** Packed doubles (a repeated double field). */
export const packedDoubles = (bytes: Buffer): number[] => Array.from({ length: bytes.length / 8 }, (_, i) => bytes.readDoubleLE(i * 8));
