// Image transforms: values, shapes, and reproducibility under torch.manualSeed.
import assert from 'node:assert/strict';
import { suite } from 'uvu';
import * as torch from '../lib/index.ts';
import * as data from '../lib/data/index.ts';
import { assertArrayClose } from './helpers.ts';

const image = (c: number, h: number, w: number) =>
  torch
    .arange(c * h * w)
    .float()
    .reshape(c, h, w);

{
  const it = suite('normalize');
  it('subtracts the mean and divides by the std per channel', () => {
    const out = data.normalize([1, 2, 3], [2, 4, 5])(image(3, 2, 2));
    assertArrayClose(out.toArray(), [
      [
        [-0.5, 0],
        [0.5, 1],
      ],
      [
        [0.5, 0.75],
        [1, 1.25],
      ],
      [
        [1, 1.2],
        [1.4, 1.6],
      ],
    ]);
  });

  it('broadcasts over a batch (N, C, H, W) and accepts one value for all channels', () => {
    const batch = torch.ones([2, 3, 2, 2]);
    assert.deepEqual(data.normalize([0.5, 0, 1], [0.5, 1, 1])(batch).mean([0, 2, 3]).toArray(), [1, 1, 0]);
    assert.deepEqual(data.normalize(1, 2)(batch).sum().item(), 0);
  });

  it('modifies the input only with inplace', () => {
    const x = torch.ones([1, 2, 2]);
    data.normalize(1, 1)(x);
    assert.equal(x.sum().item(), 4);
    data.normalize(1, 1, { inplace: true })(x);
    assert.equal(x.sum().item(), 0);
  });

  it('rejects a zero std and integer images', () => {
    assert.throws(() => data.normalize([0], [0]), /division by zero/);
    assert.throws(() => data.normalize(0, 1)(torch.ones([1, 2, 2], { dtype: 'int64' })), /float tensor/);
  });
  it.run();
}

{
  const it = suite('randomHorizontalFlip');
  it('mirrors left-right with p = 1 and leaves the image with p = 0', () => {
    const x = image(1, 2, 3);
    assert.deepEqual(data.randomHorizontalFlip(1)(x).toArray(), [
      [
        [2, 1, 0],
        [5, 4, 3],
      ],
    ]);
    assert.equal(data.randomHorizontalFlip(0)(x), x);
  });

  it('flips about half the time with p = 0.5', () => {
    const flip = data.randomHorizontalFlip();
    const x = image(1, 1, 2);
    let flipped = 0;
    for (let i = 0; i < 400; i++) if (flip(x).index(0, 0, 0).item() === 1) flipped++;
    assert.ok(flipped > 150 && flipped < 250, `flipped ${flipped} of 400`);
  });
  it.run();
}

{
  const it = suite('randomCrop');
  it('crops to the requested size', () => {
    assert.deepEqual(data.randomCrop(24)(torch.rand([1, 28, 28])).shape, [1, 24, 24]);
    assert.deepEqual(data.randomCrop([5, 7])(torch.rand([2, 3, 10, 9])).shape, [2, 3, 5, 7]);
  });

  it('takes the window the seeded draws choose (top first, then left)', () => {
    const x = image(1, 6, 6);
    torch.manualSeed(3);
    const out = data.randomCrop(4)(x);
    torch.manualSeed(3);
    const top = torch.randint(0, 3, [1]).item();
    const left = torch.randint(0, 3, [1]).item();
    assert.deepEqual(out.toArray(), x.index(torch.slice(null), torch.slice(top, top + 4), torch.slice(left, left + 4)).toArray());
  });

  it('pads with fill before cropping (torchvision padding order)', () => {
    const x = torch.ones([1, 2, 2]);
    const out = data.randomCrop([4, 6], { padding: [2, 1], fill: 5 })(x);
    assert.deepEqual(out.toArray(), [
      [
        [5, 5, 5, 5, 5, 5],
        [5, 5, 1, 1, 5, 5],
        [5, 5, 1, 1, 5, 5],
        [5, 5, 5, 5, 5, 5],
      ],
    ]);
    assert.deepEqual(data.randomCrop(4, { padIfNeeded: true })(x).shape, [1, 4, 4]);
    assert.throws(() => data.randomCrop(4)(x), /larger than input image size/);
  });
  it.run();
}

{
  const it = suite('affine and randomAffine');
  const still = { angle: 0, translate: [0, 0], scale: 1, shear: [0, 0] } as const;

  it('is the identity with neutral parameters', () => {
    const x = image(2, 4, 5);
    assert.deepEqual(data.affine(x, still).toArray(), x.toArray());
  });

  it('rotates clockwise for a positive angle (torchvision affine), like rot90 with k = -1', () => {
    const x = image(1, 4, 4);
    const expected = torch.rot90(x, -1, [1, 2]);
    assert.deepEqual(data.affine(x, { ...still, angle: 90 }).toArray(), expected.toArray());
    assert.deepEqual(
      data
        .randomAffine({ degrees: [90, 90] })(x)
        .toArray(),
      expected.toArray(),
    );
  });

  it('translates by whole pixels, filling what comes from outside', () => {
    const x = image(1, 2, 3).add(1);
    assert.deepEqual(data.affine(x, { ...still, translate: [1, 0] }).toArray(), [
      [
        [0, 1, 2],
        [0, 4, 5],
      ],
    ]);
    assert.deepEqual(data.affine(x, { ...still, translate: [0, -1] }, { fill: 9 }).toArray(), [
      [
        [4, 5, 6],
        [9, 9, 9],
      ],
    ]);
  });

  it('works on a batch and keeps the shape', () => {
    const out = data.randomAffine({ degrees: 15, translate: [0.1, 0.1], scale: [0.9, 1.1], shear: 5, interpolation: 'bilinear' })(
      torch.rand([4, 1, 28, 28]),
    );
    assert.deepEqual(out.shape, [4, 1, 28, 28]);
  });

  it('validates its ranges', () => {
    assert.throws(() => data.randomAffine({ degrees: -1 }), /must be positive/);
    assert.throws(() => data.randomAffine({ degrees: 0, translate: [2, 0] }), /between 0 and 1/);
  });
  it.run();
}

{
  const it = suite('compose and reproducibility');
  const augment = data.compose([
    data.randomCrop(28, { padding: 2 }),
    data.randomHorizontalFlip(),
    data.randomAffine({ degrees: 10, translate: [0.1, 0.1] }),
    data.normalize([0.5], [0.25]),
  ]);

  it('applies the transforms in order', () => {
    const out = data.compose([data.normalize(1, 1), data.randomHorizontalFlip(1)])(image(1, 1, 3));
    assert.deepEqual(out.toArray(), [[[1, 0, -1]]]);
  });

  it('gives the same result after the same torch.manualSeed, and another after another seed', () => {
    torch.manualSeed(0);
    const x = torch.rand([1, 28, 28]);
    const run = (seed: number) => {
      torch.manualSeed(seed);
      return augment(x).toArray();
    };
    assert.deepEqual(run(5), run(5));
    assert.notDeepEqual(run(5), run(6));
  });

  it('is portable when every part is', () => {
    assert.ok(data.isPortable(augment));
    assert.ok(!data.isPortable(data.compose([(x: torch.Tensor) => x])));
  });
  it.run();
}
