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

const text = (field: number | bigint | Buffer | undefined): string => (field === undefined ? '' : field.toString());
const num = (field: number | bigint | Buffer | undefined): number => (field === undefined ? 0 : Number(field));

/** One Summary.Value (summary.proto) with its step, for every value of every event. */
export interface SummaryValue {
  step: number;
  tag: string;
  fields: Fields;
}

/** Every Summary.Value in an event file, with its event's step. */
export function summaryValues(file: Buffer): SummaryValue[] {
  return readRecords(file)
    .map(decode)
    .filter((event) => event.has(5)) // Event.summary
    .flatMap((event) =>
      (decode(event.get(5)![0] as Buffer).get(1) ?? []).map((v) => {
        const fields = decode(v as Buffer);
        return { step: num(event.get(2)?.[0]), tag: text(fields.get(1)?.[0]), fields };
      }),
    );
}

/** Summary.Image (Value field 4): height 1, width 2, colorspace 3, encoded_image_string 4. */
export function summaryImage(value: Fields): { height: number; width: number; colorspace: number; png: Buffer } {
  const image = decode(value.get(4)![0] as Buffer);
  return {
    height: num(image.get(1)?.[0]),
    width: num(image.get(2)?.[0]),
    colorspace: num(image.get(3)?.[0]),
    png: image.get(4)![0] as Buffer,
  };
}

/** SummaryMetadata (Value field 9) -> PluginData (1): plugin_name 1, content 2. */
export function pluginData(value: Fields): { pluginName: string; content: Buffer } {
  const plugin = decode(decode(value.get(9)![0] as Buffer).get(1)![0] as Buffer);
  return { pluginName: text(plugin.get(1)?.[0]), content: (plugin.get(2)?.[0] as Buffer | undefined) ?? Buffer.alloc(0) };
}

/** google.protobuf.Value (struct.proto): number_value 2 (double), string_value 3, bool_value 4. */
function protobufValue(bytes: Buffer): number | string | boolean | null {
  const value = decode(bytes);
  if (value.has(2)) return value.get(2)![0] as number;
  if (value.has(3)) return text(value.get(3)![0]);
  if (value.has(4)) return value.get(4)![0] === 1n;
  return null;
}

/** What an HParamsPluginData (tensorboard/plugins/hparams/plugin_data.proto, api.proto) holds. */
export interface HparamsData {
  version: number;
  experiment?: { timeCreatedSecs: number; hparamInfos: { name: string; type: number }[]; metricTags: string[] };
  sessionStartInfo?: { hparams: Record<string, number | string | boolean | null>; startTimeSecs: number };
  sessionEndInfo?: { status: number; endTimeSecs: number };
}

/** Decodes HParamsPluginData: version 1, oneof experiment 2 | session_start_info 3 | session_end_info 4. */
export function hparamsData(content: Buffer): HparamsData {
  const data = decode(content);
  const result: HparamsData = { version: num(data.get(1)?.[0]) };
  if (data.has(2)) {
    // Experiment: time_created_secs 3, hparam_infos 4 (name 1, type 4), metric_infos 5 (name 1: MetricName group 1, tag 2).
    const experiment = decode(data.get(2)![0] as Buffer);
    result.experiment = {
      timeCreatedSecs: num(experiment.get(3)?.[0]),
      hparamInfos: (experiment.get(4) ?? []).map((info) => {
        const fields = decode(info as Buffer);
        return { name: text(fields.get(1)?.[0]), type: num(fields.get(4)?.[0]) };
      }),
      metricTags: (experiment.get(5) ?? []).map((info) => text(decode(decode(info as Buffer).get(1)![0] as Buffer).get(2)?.[0])),
    };
  }
  if (data.has(3)) {
    // SessionStartInfo: hparams 1 (map entries: key 1, value 2), start_time_secs 5.
    const start = decode(data.get(3)![0] as Buffer);
    const hparams: Record<string, number | string | boolean | null> = {};
    for (const entry of start.get(1) ?? []) {
      const fields = decode(entry as Buffer);
      hparams[text(fields.get(1)?.[0])] = protobufValue((fields.get(2)?.[0] as Buffer | undefined) ?? Buffer.alloc(0));
    }
    result.sessionStartInfo = { hparams, startTimeSecs: num(start.get(5)?.[0]) };
  }
  if (data.has(4)) {
    // SessionEndInfo: status 1 (STATUS_UNKNOWN 0, SUCCESS 1, FAILURE 2, RUNNING 3), end_time_secs 2.
    const end = decode(data.get(4)![0] as Buffer);
    result.sessionEndInfo = { status: num(end.get(1)?.[0]), endTimeSecs: num(end.get(2)?.[0]) };
  }
  return result;
}
