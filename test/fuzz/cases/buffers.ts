/**
 * JS memory under tensors: every way of making a tensor over a buffer, then every way of taking the
 * buffer away (transfer by structuredClone or postMessage, ArrayBuffer.prototype.transfer, resize,
 * grow, dropping it to the collector). The tensor must keep its values and the process its life.
 */
import { MessageChannel } from 'node:worker_threads';
import * as torch from '../../../lib/index.ts';
import { FuzzMismatch, type FuzzCategory } from '../case.ts';

interface Made {
  tensor: torch.Tensor;
  buffer: ArrayBufferLike;
  /** The values the tensor held when it was made. */
  expected: number[];
}

const ELEMENTS = 1 << 20; // 4 MiB of float32: big enough for glibc to return freed memory to the OS

function filled(buffer: ArrayBufferLike, offset = 0, length = ELEMENTS): Float32Array {
  const array = new Float32Array(buffer, offset, length);
  for (let i = 0; i < array.length; i += 997) array[i] = i;
  return array;
}

function sample(tensor: torch.Tensor): number[] {
  const flat = tensor.flatten();
  const n = flat.shape[0]!;
  return [0, 997, Math.floor(n / 2) - (Math.floor(n / 2) % 997), n - 1].map((i) => Number(flat.index(i).item()));
}

const creators: [string, string, () => Made][] = [
  [
    'fromTypedArray',
    'const buf = new ArrayBuffer(4 << 20); const t = torch.fromTypedArray(new Float32Array(buf).fill(1));',
    () => {
      const buffer = new ArrayBuffer(ELEMENTS * 4);
      const tensor = torch.fromTypedArray(filled(buffer));
      return { tensor, buffer, expected: sample(tensor) };
    },
  ],
  [
    'fromTypedArray of a subarray',
    'const buf = new ArrayBuffer((4 << 20) + 64); const t = torch.fromTypedArray(new Float32Array(buf, 64));',
    () => {
      const buffer = new ArrayBuffer(ELEMENTS * 4 + 64);
      const tensor = torch.fromTypedArray(filled(buffer, 64));
      return { tensor, buffer, expected: sample(tensor) };
    },
  ],
  [
    'tensor() of a typed array',
    'const buf = new ArrayBuffer(4 << 20); const t = torch.tensor(new Float32Array(buf));',
    () => {
      const buffer = new ArrayBuffer(ELEMENTS * 4);
      const tensor = torch.tensor(filled(buffer));
      return { tensor, buffer, expected: sample(tensor) };
    },
  ],
  [
    'parseSafetensors',
    'const buf = torch.serializeSafetensors({ x: torch.arange(1 << 20).float() }); const t = torch.parseSafetensors(buf).x;',
    () => {
      const bytes = torch.serializeSafetensors({ x: torch.arange(ELEMENTS).float() });
      // A buffer of its own (Node's Buffer pool is untransferable already).
      const own = new Uint8Array(new ArrayBuffer(bytes.byteLength));
      own.set(bytes);
      const tensor = torch.parseSafetensors(own).x!;
      return { tensor, buffer: own.buffer, expected: sample(tensor) };
    },
  ],
  [
    'fromTypedArray of a SharedArrayBuffer',
    'const buf = new SharedArrayBuffer(4 << 20); const t = torch.fromTypedArray(new Float32Array(buf));',
    () => {
      const buffer = new SharedArrayBuffer(ELEMENTS * 4);
      const tensor = torch.fromTypedArray(filled(buffer));
      return { tensor, buffer, expected: sample(tensor) };
    },
  ],
  [
    'fromTypedArray of a resizable ArrayBuffer',
    'const buf = new ArrayBuffer(4 << 20, { maxByteLength: 8 << 20 }); const t = torch.fromTypedArray(new Float32Array(buf, 0, 1 << 20));',
    () => {
      const buffer = new (ArrayBuffer as unknown as new (n: number, o: object) => ArrayBuffer)(ELEMENTS * 4, {
        maxByteLength: ELEMENTS * 8,
      });
      const tensor = torch.fromTypedArray(filled(buffer));
      return { tensor, buffer, expected: sample(tensor) };
    },
  ],
  [
    'fromTypedArray of a growable SharedArrayBuffer',
    'const buf = new SharedArrayBuffer(4 << 20, { maxByteLength: 8 << 20 }); const t = torch.fromTypedArray(new Float32Array(buf, 0, 1 << 20));',
    () => {
      const buffer = new (SharedArrayBuffer as unknown as new (n: number, o: object) => SharedArrayBuffer)(ELEMENTS * 4, {
        maxByteLength: ELEMENTS * 8,
      });
      const tensor = torch.fromTypedArray(filled(buffer));
      return { tensor, buffer, expected: sample(tensor) };
    },
  ],
];

type Buffers = ArrayBufferLike & { resize?: (n: number) => void; grow?: (n: number) => void; transfer?: () => ArrayBuffer };

const disruptors: [string, string, (buffer: Buffers) => void][] = [
  [
    'structuredClone transfer',
    'structuredClone(buf, { transfer: [buf] })',
    (b) => void structuredClone(b, { transfer: [b as ArrayBuffer] }),
  ],
  [
    'postMessage transfer',
    'new MessageChannel().port1.postMessage(buf, [buf])',
    (b) => {
      const { port1, port2 } = new MessageChannel();
      port1.postMessage(b, [b as ArrayBuffer]);
      port1.close();
      port2.close();
    },
  ],
  ['ArrayBuffer.prototype.transfer', 'buf.transfer?.()', (b) => void b.transfer?.()],
  ['resize to 0', 'buf.resize?.(0)', (b) => b.resize?.(0)],
  ['grow', 'buf.grow?.(8 << 20)', (b) => b.grow?.(ELEMENTS * 8)],
  ['dropped', '(nothing)', () => {}],
];

export const buffers: FuzzCategory = {
  name: 'buffers',
  counts: { quick: creators.length * disruptors.length, long: creators.length * disruptors.length * 4 },
  make(_seed, index) {
    const [made, makeCode, create] = creators[index % creators.length]!;
    const [how, howCode, disrupt] = disruptors[Math.floor(index / creators.length) % disruptors.length]!;
    return {
      title: `${made}, then ${how}`,
      code: `${makeCode}\ntry { ${howCode}; } catch {}\nglobalThis.gc?.(); console.log(t.sum().item());`,
      run() {
        const { tensor, buffer, expected } = create();
        try {
          disrupt(buffer);
        } catch (error) {
          // Newer Node versions refuse to transfer an untransferable buffer: that is fine.
          if (!(error instanceof Error)) throw error;
        }
        // Let the moved memory's new owner be collected, then use the tensor.
        globalThis.gc?.();
        for (let i = 0; i < 3; i++) torch.randn([ELEMENTS]).add(1);
        const now = sample(tensor);
        if (now.some((v, i) => v !== expected[i])) throw new FuzzMismatch(`the tensor changed from [${expected}] to [${now}]`);
        tensor.add(1).sum().item();
      },
    };
  },
};
