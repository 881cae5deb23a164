// The native kernels behind randomCrop, affine and normalize against the ATen compositions they
// replace (which still run for inputs that require grad, and which the transforms used before).
import assert from 'node:assert/strict';
import { suite } from 'uvu';
import * as torch from '../lib/index.ts';
import * as data from '../lib/data/index.ts';
import { native } from '../lib/native.ts';
import { HANDLE } from '../lib/tensor/handle.ts';

const digits = () => torch.rand([3, 1, 28, 28]);
// The same transform through ATen: an input that requires grad never takes a kernel.
const viaAten = <T>(x: torch.Tensor, transform: (x: torch.Tensor) => T) => transform(x.clone().requiresGrad_(true));

function maxDiff(a: torch.Tensor, b: torch.Tensor): number {
  return a.detach().sub(b.detach()).abs().max().item();
}

{
  const it = suite('affine kernel');
  const cases: data.AffineParams[] = [
    { angle: 7.3, translate: [2, -1], scale: 1, shear: [0, 0] },
    { angle: -33, translate: [0, 3], scale: 1.2, shear: [4, -2] },
    { angle: 180, translate: [-5, 5], scale: 0.8, shear: [0, 10] },
  ];

  it('matches affine_grid_generator + grid_sampler (bilinear) within float rounding, with and without fill', () => {
    torch.manualSeed(1);
    const x = digits();
    for (const params of cases) {
      for (const fill of [0, 0.5]) {
        const sampling = { interpolation: 'bilinear', fill } as const;
        const kernel = data.affine(x, params, sampling);
        assert.equal(kernel.requiresGrad, false);
        const aten = viaAten(x, (input) => data.affine(input, params, sampling));
        assert.ok(aten.requiresGrad, 'the reference went through ATen');
        assert.ok(maxDiff(kernel, aten) < 1e-5, `${JSON.stringify(params)} fill ${fill}: ${maxDiff(kernel, aten)}`);
      }
    }
  });

  it('matches it (nearest) pixel for pixel but for rounding ties, in float32 and float64', () => {
    torch.manualSeed(2);
    for (const dtype of ['float32', 'float64'] as const) {
      const x = digits().to(dtype);
      for (const params of cases) {
        const kernel = data.affine(x, params, { fill: 2 });
        assert.equal(kernel.dtype, dtype);
        const differing = kernel
          .ne(viaAten(x, (input) => data.affine(input, params, { fill: 2 })).detach())
          .sum()
          .item();
        // A pixel whose source coordinate lies within float rounding of a half may round the other way.
        assert.ok(differing <= 2, `${dtype} ${JSON.stringify(params)}: ${differing} of ${x.numel()} pixels differ`);
      }
    }
  });

  it('takes non-contiguous views and keeps leading dimensions', () => {
    const x = torch.rand([2, 3, 30, 30]);
    const view = x.index('...', torch.slice(1, 29), torch.slice(2, 30));
    assert.equal(view.isContiguous(), false);
    const params = cases[1]!;
    const out = data.affine(view, params, { interpolation: 'bilinear' });
    assert.deepEqual(out.shape, [2, 3, 28, 28]);
    assert.ok(maxDiff(out, data.affine(view.contiguous(), params, { interpolation: 'bilinear' })) === 0);
  });

  it('gives the fill everywhere for a map far outside the image (huge or infinite coordinates)', () => {
    const x = torch.rand([1, 6, 6]);
    for (const translate of [
      [1e300, 0],
      [0, -1e300],
      [Infinity, 0],
    ] as [number, number][]) {
      for (const interpolation of ['nearest', 'bilinear'] as const) {
        const out = data.affine(x, { angle: 0, translate, scale: 1, shear: [0, 0] }, { interpolation, fill: 3 });
        assert.deepEqual([...new Set(out.toTypedArray() as Float32Array)], [3], `${translate} ${interpolation}`);
      }
    }
  });

  it('leaves autograd to ATen: gradients still flow', () => {
    const x = torch.rand([1, 8, 8]).requiresGrad_(true);
    data.affine(x, cases[0]!, { interpolation: 'bilinear' }).sum().backward();
    assert.ok(x.grad && x.grad.abs().sum().item() > 0);
  });
  it.run();
}

{
  const it = suite('normalize kernel');

  it('gives the bits of sub and div, per channel and with one value', () => {
    torch.manualSeed(3);
    for (const dtype of ['float32', 'float64'] as const) {
      const x = torch.rand([4, 3, 5, 6]).to(dtype);
      for (const [mean, std] of [
        [
          [0.485, 0.456, 0.406],
          [0.229, 0.224, 0.225],
        ],
        [0.1307, 0.3081],
      ] as const) {
        const kernel = data.normalize(mean, std)(x);
        const aten = viaAten(x, data.normalize(mean, std));
        assert.equal(maxDiff(kernel, aten), 0);
        assert.equal(kernel.dtype, dtype);
      }
    }
  });

  it('still names a mean that fits no channel count', () => {
    assert.throws(
      () => data.normalize([1, 2], [1, 2])(torch.rand([3, 4, 4])),
      /size of tensor a \(3\) must match the size of tensor b \(2\)/,
    );
  });

  it('rejects arguments that are not numbers without crashing', () => {
    const x = torch.rand([1, 2, 2]);
    const out = {};
    assert.throws(() => native.image.normalize(out, x[HANDLE], ['a' as never], [1]), /array of numbers/);
    assert.throws(() => native.image.affine(out, -5, [1, 0, 0, 0, 1, 0], true, 0), /disposed/);
  });
  it.run();
}

{
  const it = suite('crop kernel');
  // constant_pad_nd then slicing, the composition randomCrop made before.
  function reference(
    x: torch.Tensor,
    pads: [number, number, number, number],
    top: number,
    left: number,
    h: number,
    w: number,
    fill: number,
  ) {
    const padded = torch.ops.aten.constant_pad_nd.default(x, pads, fill);
    return padded.index('...', torch.slice(top, top + h), torch.slice(left, left + w));
  }

  it('pads and crops like constant_pad_nd and slicing, at every position', () => {
    const x = torch.arange(2 * 5 * 6).reshape(2, 5, 6);
    const transform = data.randomCrop([4, 5], { padding: [2, 1, 3, 0], fill: -1 });
    for (let seed = 0; seed < 30; seed++) {
      torch.manualSeed(seed);
      const top = torch.randint(0, 5 + 1 + 0 - 4 + 1, [1]).item();
      const left = torch.randint(0, 6 + 2 + 3 - 5 + 1, [1]).item();
      torch.manualSeed(seed);
      const out = transform(x);
      assert.equal(out.dtype, 'int64');
      assert.deepEqual(out.toArray(), reference(x, [2, 3, 1, 0], top, left, 4, 5, -1).toArray(), `seed ${seed}`);
    }
  });

  it('returns the input when nothing changes, a view when the window lies inside', () => {
    const x = torch.rand([1, 6, 6]);
    assert.equal(data.randomCrop(6)(x), x);
    const inside = data.randomCrop(3)(x);
    inside.fill_(7);
    assert.equal(x.eq(7).sum().item(), 9);
  });

  it('pads both sides by the shortfall when padIfNeeded (as torchvision), and to a padded image exactly the crop size', () => {
    const x = torch.ones([1, 2, 3]);
    for (let seed = 0; seed < 10; seed++) {
      // (2, 3) padded by 2 on every side is (6, 7): the window then lands anywhere in it.
      torch.manualSeed(seed);
      const top = torch.randint(0, 6 - 4 + 1, [1]).item();
      const left = torch.randint(0, 7 - 5 + 1, [1]).item();
      torch.manualSeed(seed);
      const out = data.randomCrop([4, 5], { padIfNeeded: true, fill: 0 })(x);
      assert.deepEqual(out.toArray(), reference(x, [2, 2, 2, 2], top, left, 4, 5, 0).toArray(), `seed ${seed}`);
    }
    assert.deepEqual(
      data
        .randomCrop([4, 5], { padding: [1, 1] })(x)
        .toArray(),
      reference(x, [1, 1, 1, 1], 0, 0, 4, 5, 0).toArray(),
    );
  });

  it('keeps autograd: the gradient reaches the pixels inside the window', () => {
    const x = torch.rand([1, 4, 4]).requiresGrad_(true);
    data.randomCrop(4, { padding: 1 })(x).sum().backward();
    assert.ok(x.grad!.sum().item() >= 9);
  });
  it.run();
}

{
  const it = suite('single random draws');

  it('are the values torch.rand(1) and torch.randint give after the same seed', () => {
    torch.manualSeed(11);
    const expected = [torch.rand([1]).item(), torch.randint(3, 90, [1]).item(), torch.rand([1]).item()];
    torch.manualSeed(11);
    assert.deepEqual([native.draw.uniform(), native.draw.int(3, 90), native.draw.uniform()], expected);
    assert.throws(() => native.draw.int(5, 5), /random_ expects 'from' to be less than 'to'|from.*to/);
  });
  it.run();
}
