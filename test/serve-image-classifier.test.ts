// The built-in image_classifier on a 3-channel [N, 3, 224, 224] model, TorchServe's path: the
// answer of a PNG and a JPEG of non-square sizes equals the model's softmax top 5 on an input built
// here as torchvision builds it from a PIL image (Resize(256), CenterCrop(224), ToTensor,
// ImageNet Normalize), and the resize built here with ATen ops matches a port of PIL's resampler;
// over KServe v2, BYTES elements (base64 or binary) are images, one batch row each.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import * as torch from '../lib/index.ts';
import { assertArrayClose } from './helpers.ts';
import { jpegImage, multipart, pngImage, saveTraced, scratch, writeMar } from './serve-helpers.ts';

const aten = torch.ops.aten;
const names = ['tench', 'goldfish', 'shark', 'tiger shark', 'hammerhead', 'ray', 'stingray', 'cock', 'hen', 'ostrich'];
// TorchServe's ImageNet index_to_name.json: [synset, name]; the answer uses the name.
const indexToName = Object.fromEntries(names.map((name, i) => [String(i), [`n0${1440764 + i}`, name]]));

torch.manualSeed(11);
// No pooling before the classifier, so a crop one pixel off changes the answer.
const model = new torch.nn.Sequential(
  new torch.nn.Conv2d(3, 4, 7, { stride: 16 }),
  new torch.nn.Flatten(),
  new torch.nn.Linear(4 * 14 * 14, 10),
).eval();
const store = scratch();
const traced = await saveTraced(model, store, 'rgb.pt', torch.zeros([2, 3, 224, 224]));
writeMar(
  path.join(store, 'fish.mar'),
  readFileSync(traced),
  { modelName: 'fish', modelVersion: '1.0', handler: 'image_classifier' },
  { 'index_to_name.json': JSON.stringify(indexToName) },
);
const scripted = await torch.jit.load(traced);

/** Detail at every scale (the aliasing a resize without PIL's filter shows). */
const pixel = (x: number, y: number): [number, number, number] => [
  (x * 37 + y * 11) % 256,
  (x * 13 + y * 29 + ((x * y) % 7) * 9) % 256,
  (x * x + y * 3) % 256,
];

/** torchvision's Resize(256) then CenterCrop(224) geometry, as its code computes it. */
function torchvisionGeometry(width: number, height: number): { width: number; height: number; top: number; left: number } {
  const [short, long] = width <= height ? [width, height] : [height, width];
  const newLong = Math.trunc((256 * long) / short); // int(size * long / short)
  const [w, h] = width <= height ? [256, newLong] : [newLong, 256];
  const pyRound = (x: number) => (x - Math.floor(x) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x)); // halves to even
  return { width: w, height: h, top: pyRound((h - 224) / 2), left: pyRound((w - 224) / 2) };
}

/** The decoded image's 8-bit levels as a (1, 3, H, W) float tensor. */
function levelsOf(rgba: Uint8Array, width: number, height: number): torch.Tensor {
  const planes = new Float32Array(3 * width * height);
  for (let i = 0; i < width * height; i++) for (let c = 0; c < 3; c++) planes[c * width * height + i] = rgba[4 * i + c]!;
  return torch.fromTypedArray(planes, [1, 3, height, width]);
}

/** PIL's BILINEAR resize with ATen ops: the antialiased kernel, width then height, each pass rounded to 8 bits. */
function pilResizeWithAten(levels: torch.Tensor, width: number, height: number): torch.Tensor {
  const across = aten._upsample_bilinear2d_aa.vec(levels, [levels.shape[2]!, width], false, null).add(0.5).floor();
  return aten._upsample_bilinear2d_aa.vec(across, [height, width], false, null).add(0.5).floor();
}

/** The model input torchvision gives TorchServe's handler, built here. */
function expectedInput(rgba: Uint8Array, width: number, height: number): torch.Tensor {
  const g = torchvisionGeometry(width, height);
  const resized = pilResizeWithAten(levelsOf(rgba, width, height), g.width, g.height);
  const cropped = resized.narrow(2, g.top, 224).narrow(3, g.left, 224).div(255);
  const mean = torch.tensor([0.485, 0.456, 0.406]).reshape([1, 3, 1, 1]);
  const std = torch.tensor([0.229, 0.224, 0.225]).reshape([1, 3, 1, 1]);
  return cropped.sub(mean).div(std);
}

/** The top 5 (name, probability) of the model's softmax on `input`, highest first. */
function expectedTop5(input: torch.Tensor): [string, number][] {
  const logits = scripted.forward(input) as torch.Tensor;
  const probabilities = (logits.softmax(1).toArray() as number[][])[0]!;
  return probabilities
    .map((p, i): [string, number] => [names[i]!, p])
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5);
}

/** PIL's Resample.c (bilinear, 8 bits per channel, fixed-point weights) on one plane and one axis. */
function pilPass(plane: Uint8Array, width: number, height: number, size: number, horizontal: boolean): Uint8Array {
  const inSize = horizontal ? width : height;
  const scale = inSize / size;
  const filterScale = Math.max(scale, 1);
  const [outW, outH] = horizontal ? [size, height] : [width, size];
  const out = new Uint8Array(outW * outH);
  for (let o = 0; o < size; o++) {
    const center = (o + 0.5) * scale;
    const xmin = Math.max(0, Math.trunc(center - filterScale + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + filterScale + 0.5));
    const weights = Array.from({ length: xmax - xmin }, (_, k) => Math.max(0, 1 - Math.abs((k + xmin - center + 0.5) / filterScale)));
    const total = weights.reduce((a, b) => a + b, 0);
    const fixed = weights.map((w) => Math.trunc(0.5 + (w / total) * 2 ** 22));
    for (let line = 0; line < (horizontal ? outH : outW); line++) {
      let sum = 2 ** 21;
      for (let k = 0; k < fixed.length; k++) sum += fixed[k]! * plane[horizontal ? line * width + xmin + k : (xmin + k) * width + line]!;
      out[horizontal ? line * outW + o : o * outW + line] = Math.min(255, Math.floor(sum / 2 ** 22));
    }
  }
  return out;
}

test("torchvision's geometry: the longer side truncated, the crop offset rounded half to even", () => {
  assert.deepEqual(torchvisionGeometry(640, 480), { width: 341, height: 256, top: 16, left: 58 });
  assert.deepEqual(torchvisionGeometry(240, 320), { width: 256, height: 341, top: 58, left: 16 });
});

test('the resize built with ATen ops is PIL resizing: at most one level apart, on exact halves only', () => {
  const [width, height] = [640, 480];
  const { data } = pngjs.PNG.sync.read(pngImage(width, height, pixel));
  const g = torchvisionGeometry(width, height);
  const ours = pilResizeWithAten(levelsOf(data, width, height), g.width, g.height).toArray() as number[][][][];
  let differing = 0;
  for (let c = 0; c < 3; c++) {
    const plane = Uint8Array.from({ length: width * height }, (_, i) => data[4 * i + c]!);
    const pil = pilPass(pilPass(plane, width, height, g.width, true), g.width, height, g.height, false);
    for (let i = 0; i < pil.length; i++) {
      const diff = Math.abs(ours[0]![c]![Math.floor(i / g.width)]![i % g.width]! - pil[i]!);
      assert.ok(diff <= 1, `channel ${c} pixel ${i}: ${diff} levels apart`);
      differing += diff;
    }
  }
  assert.ok(differing < 0.02 * 3 * g.width * g.height, `${differing} pixels differ by a level`);
});

test("image_classifier on a 3-channel model: TorchServe's top 5 by class name, the model's softmax on torchvision's input; KServe BYTES images", async () => {
  const server = await torch.serve.createServer({ modelStore: store, loadModels: ['fish.mar'] });
  try {
    const png = pngImage(640, 480, pixel);
    const jpg = jpegImage(240, 320, pixel);
    const form = multipart('data', 'photo.png', 'image/png', png);
    const cases = [
      {
        what: 'PNG 640x480 (shrunk), a form part',
        rgba: pngjs.PNG.sync.read(png).data,
        size: [640, 480],
        answer: await server.inference.inject({
          method: 'POST',
          url: '/predictions/fish',
          payload: form.body,
          headers: { 'content-type': form.contentType },
        }),
      },
      {
        what: 'JPEG 240x320 (enlarged), the body',
        rgba: jpeg.decode(jpg, { useTArray: true, formatAsRGBA: true }).data,
        size: [240, 320],
        answer: await server.inference.inject({
          method: 'POST',
          url: '/predictions/fish',
          payload: jpg,
          headers: { 'content-type': 'image/jpeg' },
        }),
      },
    ];
    for (const { what, rgba, size, answer } of cases) {
      assert.equal(answer.statusCode, 200, `${what}: ${answer.body}`);
      assert.match(answer.headers['content-type'] as string, /^application\/json/);
      const entries = Object.entries(JSON.parse(answer.body) as Record<string, number>);
      assert.equal(entries.length, 5, `${what}: the top 5`);
      const probabilities = entries.map(([, p]) => p);
      assert.deepEqual(
        probabilities,
        [...probabilities].sort((a, b) => b - a),
        `${what}: highest first`,
      );
      assert.ok(probabilities.every((p) => p > 0 && p < 1));
      assert.ok(probabilities.reduce((a, b) => a + b, 0) <= 1 + 1e-6, `${what}: five probabilities of a softmax sum to at most 1`);
      const expected = expectedTop5(expectedInput(rgba, size[0]!, size[1]!));
      assert.deepEqual(
        entries.map(([name]) => name),
        expected.map(([name]) => name),
        `${what}: names from index_to_name.json`,
      );
      // The same ops on the same levels: equal but for float32 reassociation in the kernels.
      for (let i = 0; i < 5; i++)
        assert.ok(Math.abs(probabilities[i]! - expected[i]![1]) < 1e-6, `${what}: ${probabilities[i]} vs ${expected[i]![1]}`);
    }
    // KServe v2: each element of a BYTES input an image (base64 in JSON, bytes in binary), one row each.
    const logits = (
      scripted.forward(torch.cat(cases.map((c) => expectedInput(c.rgba, c.size[0]!, c.size[1]!)))) as torch.Tensor
    ).toArray() as number[][];
    const v2 = await server.inference.inject({
      method: 'POST',
      url: '/v2/models/fish/infer',
      payload: { inputs: [{ name: 'x', datatype: 'BYTES', shape: [2], data: [png.toString('base64'), jpg.toString('base64')] }] },
    });
    assert.equal(v2.statusCode, 200, v2.body);
    const [output] = (JSON.parse(v2.body) as { outputs: { name: string; shape: number[]; data: number[] }[] }).outputs;
    assert.deepEqual([output!.name, output!.shape], ['y', [2, 10]]);
    assertArrayClose(output!.data, logits.flat(), 1e-5);
    const header = Buffer.from(
      JSON.stringify({ inputs: [{ name: 'x', datatype: 'BYTES', shape: [1], parameters: { binary_data_size: jpg.length + 4 } }] }),
    );
    const binary = await server.inference.inject({
      method: 'POST',
      url: '/v2/models/fish/infer',
      payload: Buffer.concat([header, Buffer.from(new Uint32Array([jpg.length]).buffer), jpg]),
      headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
    });
    assert.equal(binary.statusCode, 200, binary.body);
    assertArrayClose((JSON.parse(binary.body) as { outputs: { data: number[] }[] }).outputs[0]!.data, logits[1]!, 1e-5);
  } finally {
    await server.close();
  }
});

test.run();
