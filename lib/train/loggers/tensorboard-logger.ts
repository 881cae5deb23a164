/**
 * TensorBoardLogger (Lightning's layout): `<saveDir>/<name>/version_<N>/events.out.tfevents.*`,
 * event files `tensorboard --logdir <saveDir>` reads. Each record is an `Event` protocol buffer
 * (TensorBoard's event.proto / summary.proto, encoded with protobufjs) in TFRecord framing: the
 * length (uint64 LE), its masked CRC-32C, the data, and the data's masked CRC-32C.
 * Holds scalars (`logMetrics`), histograms (`logHistogram`, e.g. weights and gradients), text
 * (`logText`), images as PNG (`logImage`, e.g. a `makeGrid` of sample predictions), and the
 * hyperparameters three ways: the hparams plugin's records (the HParams tab), a markdown table
 * and `hparams.yaml`.
 * @module
 */
import { crc32c } from '@node-rs/crc32';
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import protobuf from 'protobufjs';
import { stringify } from 'yaml';
import { writeFileAtomic } from '../../io/atomic.js';
import type { Tensor } from '../../tensor/tensor.js';
import { nextVersion } from './csv-logger.js';
import { flattenParams } from './flatten-params.js';
import type { Logger, RunStatus } from './logger.js';
import { encodePng } from './png.js';
import { hparamsEnd, hparamsStart } from './tensorboard-hparams.js';

// The parts of tensorflow/core/util/event.proto and framework/summary.proto that we write.
const schema = protobuf.Root.fromJSON({
  nested: {
    tensorboard: {
      nested: {
        Event: {
          fields: {
            wallTime: { type: 'double', id: 1 },
            step: { type: 'int64', id: 2 },
            fileVersion: { type: 'string', id: 3 },
            summary: { type: 'Summary', id: 5 },
          },
        },
        Summary: { fields: { value: { rule: 'repeated', type: 'Value', id: 1 } } },
        // summary.proto's `oneof value`: declared so a scalar of exactly 0 is written (protobufjs
        // leaves out proto3 default values outside a oneof).
        Value: {
          oneofs: { value: { oneof: ['simpleValue', 'image', 'histo', 'tensor'] } },
          fields: {
            tag: { type: 'string', id: 1 },
            simpleValue: { type: 'float', id: 2 },
            image: { type: 'Image', id: 4 },
            histo: { type: 'HistogramProto', id: 5 },
            tensor: { type: 'TensorProto', id: 8 },
            metadata: { type: 'SummaryMetadata', id: 9 },
          },
        },
        // Summary.Image: colorspace 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA.
        Image: {
          fields: {
            height: { type: 'int32', id: 1 },
            width: { type: 'int32', id: 2 },
            colorspace: { type: 'int32', id: 3 },
            encodedImageString: { type: 'bytes', id: 4 },
          },
        },
        HistogramProto: {
          fields: {
            min: { type: 'double', id: 1 },
            max: { type: 'double', id: 2 },
            num: { type: 'double', id: 3 },
            sum: { type: 'double', id: 4 },
            sumSquares: { type: 'double', id: 5 },
            bucketLimit: { rule: 'repeated', type: 'double', id: 6, options: { packed: true } },
            bucket: { rule: 'repeated', type: 'double', id: 7, options: { packed: true } },
          },
        },
        SummaryMetadata: {
          fields: { pluginData: { type: 'PluginData', id: 1 } },
          nested: { PluginData: { fields: { pluginName: { type: 'string', id: 1 }, content: { type: 'bytes', id: 2 } } } },
        },
        TensorProto: {
          fields: {
            dtype: { type: 'int32', id: 1 },
            tensorShape: { type: 'TensorShapeProto', id: 2 },
            stringVal: { rule: 'repeated', type: 'bytes', id: 8 },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'Dim', id: 2 } },
          nested: { Dim: { fields: { size: { type: 'int64', id: 1 } } } },
        },
      },
    },
  },
});
const Event = schema.lookupType('tensorboard.Event');
const DT_STRING = 7;

/** TFRecord's masked CRC-32C. */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

/** One TFRecord: length, masked CRC of the length, data, masked CRC of the data. */
export function tfRecord(data: Uint8Array): Uint8Array {
  const header = Buffer.alloc(12);
  header.writeBigUInt64LE(BigInt(data.length), 0);
  header.writeUInt32LE(maskedCrc32c(header.subarray(0, 8)), 8);
  const footer = Buffer.alloc(4);
  footer.writeUInt32LE(maskedCrc32c(data), 0);
  return Buffer.concat([header, data, footer]);
}

/** Options of TensorBoardLogger. */
export interface TensorBoardLoggerOptions {
  /** The experiment's folder name (default 'lightning_logs'). */
  name?: string;
  /** The version (default: the next free `version_N`). */
  version?: number | string;
  /**
   * When `logHyperparams` gets no metrics, log `hp_metric` = -1 as the HParams tab's metric
   * (Lightning's default, true); a module that logs `hp_metric` fills it in.
   */
  defaultHpMetric?: boolean;
}

/** TensorBoard's default histogram bucket limits: ±1e-12 growing by 10% up to 1e20. */
function defaultBucketLimits(): number[] {
  const positive: number[] = [];
  for (let v = 1e-12; v < 1e20; v *= 1.1) positive.push(v);
  return [...positive.map((v) => -v).reverse(), 0, ...positive, Number.MAX_VALUE];
}
const BUCKET_LIMITS = defaultBucketLimits();

/** Writes TensorBoard event files. */
export class TensorBoardLogger implements Logger {
  readonly name: string;
  readonly version: number | string;
  readonly logDir: string;
  /** The event file being written. */
  readonly eventFile: string;
  private fd: number | null;
  private readonly defaultHpMetric: boolean;
  // Whether an hparams session was started: finalize then records how it ended.
  private sessionStarted = false;

  /** A logger under `saveDir`. */
  constructor(saveDir: string, options: TensorBoardLoggerOptions = {}) {
    this.name = options.name ?? 'lightning_logs';
    const root = path.join(saveDir, this.name);
    this.version = options.version ?? nextVersion(root);
    this.defaultHpMetric = options.defaultHpMetric ?? true;
    this.logDir = path.join(root, typeof this.version === 'number' ? `version_${this.version}` : this.version);
    mkdirSync(this.logDir, { recursive: true });
    const now = Date.now() / 1000;
    this.eventFile = path.join(this.logDir, `events.out.tfevents.${Math.floor(now)}.${os.hostname()}.${process.pid}.0`);
    this.fd = openSync(this.eventFile, 'a');
    this.write({ wallTime: now, step: 0, fileVersion: 'brain.Event:2' });
  }

  logMetrics(metrics: Record<string, number>, step: number): void {
    const value = Object.entries(metrics).map(([tag, simpleValue]) => ({ tag, simpleValue }));
    if (value.length) this.write({ wallTime: Date.now() / 1000, step, summary: { value } });
  }

  /** A histogram of `values` (a tensor or numbers) under `tag`, in TensorBoard's default buckets. */
  logHistogram(tag: string, values: Tensor | ArrayLike<number>, step: number): void {
    const numbers = Array.from(isTensor(values) ? (values.detach().flatten().double().toTypedArray() as Float64Array) : values);
    if (numbers.length === 0) return;
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let sumSquares = 0;
    const counts = new Array<number>(BUCKET_LIMITS.length).fill(0);
    for (const v of numbers) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
      sumSquares += v * v;
      counts[bucketOf(v)]! += 1;
    }
    // TensorBoard keeps only the non-empty run of buckets.
    const first = counts.findIndex((c) => c > 0);
    const last = counts.length - 1 - [...counts].reverse().findIndex((c) => c > 0);
    const histo = {
      min,
      max,
      num: numbers.length,
      sum,
      sumSquares,
      bucketLimit: BUCKET_LIMITS.slice(first, last + 1),
      bucket: counts.slice(first, last + 1),
    };
    this.write({ wallTime: Date.now() / 1000, step, summary: { value: [{ tag, histo }] } });
  }

  /** Text (markdown) under `tag`, as TensorBoard's text plugin shows it. */
  logText(tag: string, text: string, step: number): void {
    const tensor = { dtype: DT_STRING, tensorShape: { dim: [{ size: 1 }] }, stringVal: [Buffer.from(text, 'utf8')] };
    const metadata = { pluginData: { pluginName: 'text', content: new Uint8Array() } };
    this.write({ wallTime: Date.now() / 1000, step, summary: { value: [{ tag, tensor, metadata }] } });
  }

  /**
   * An image under `tag`: a (C, H, W) tensor with C = 1 (gray), 3 (RGB) or 4 (RGBA), or an (H, W)
   * gray one; floats in [0, 1] (clamped) or uint8. Written as a PNG in a `Summary.Image`.
   */
  logImage(tag: string, image: Tensor, step: number): void {
    const { height, width, channels, png } = encodePng(image, `TensorBoardLogger.logImage('${tag}')`);
    const value = { tag, image: { height, width, colorspace: channels, encodedImageString: png } };
    this.write({ wallTime: Date.now() / 1000, step, summary: { value: [value] } });
  }

  /**
   * Records the hyperparameters: `hparams.yaml`, a markdown table (text), and the hparams
   * plugin's experiment and session-start records (nested keys joined by '/'), with `metrics`
   * (logged at step 0) as the HParams tab's metrics. `finalize` records the session's end.
   */
  async logHyperparams(params: Record<string, unknown>, metrics?: Record<string, number>): Promise<void> {
    await writeFileAtomic(path.join(this.logDir, 'hparams.yaml'), stringify(params));
    const rows = Object.entries(params).map(([key, value]) => `| ${key} | ${typeof value === 'string' ? value : JSON.stringify(value)} |`);
    this.logText('hparams', ['| name | value |', '|---|---|', ...rows].join('\n'), 0);
    const hpMetrics = metrics ?? (this.defaultHpMetric ? { hp_metric: -1 } : {});
    this.logMetrics(hpMetrics, 0);
    const now = Date.now() / 1000;
    this.write({ wallTime: now, step: 0, summary: { value: hparamsStart(flattenParams(params), Object.keys(hpMetrics), now) } });
    this.sessionStarted = true;
  }

  save(): void {
    if (this.fd !== null) fsyncSync(this.fd);
  }

  finalize(status: RunStatus): void {
    if (this.fd === null) return;
    if (this.sessionStarted)
      this.write({ wallTime: Date.now() / 1000, step: 0, summary: { value: [hparamsEnd(status, Date.now() / 1000)] } });
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
  }

  private write(event: Record<string, unknown>): void {
    if (this.fd === null) throw new Error(`TensorBoardLogger: ${this.eventFile} is closed (finalize was called)`);
    writeSync(this.fd, tfRecord(Event.encode(Event.fromObject(event)).finish()));
  }
}

function isTensor(values: unknown): values is Tensor {
  return typeof values === 'object' && values !== null && typeof (values as Tensor).toTypedArray === 'function';
}

function bucketOf(value: number): number {
  let lo = 0;
  let hi = BUCKET_LIMITS.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (value <= BUCKET_LIMITS[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
