/**
 * PyTorch's HistogramObserver (the 2.x algorithm): a running histogram of the values seen, from
 * which `calculateQparams` picks the range that minimizes the L2 quantization error (dropping
 * outliers), the default activation observer of every engine's static qconfig. Each step is the
 * same float32 tensor arithmetic as PyTorch's, so the chosen range is PyTorch's.
 * @module
 */
import { noGrad } from '../../../tensor/autograd.js';
import { arange, linspace, ones, tensor, zeros } from '../../../tensor/creation.js';
import type { Tensor } from '../../../tensor/tensor.js';
import { bincount, bucketize } from '../../../ops/functions.generated.js';
import type { Qparams, QScheme, UniformObserverOptions } from './base.js';
import { PerTensorRangeObserver, perTensorScheme } from './per-tensor.js';

/** Options of {@link HistogramObserver}, as PyTorch's. */
export interface HistogramObserverOptions extends UniformObserverOptions {
  /** Histogram bins (default 2048). */
  bins?: number;
  /** How finely an old histogram is resampled when the range grows (default 128). */
  upsampleRate?: number;
  /** 'per_tensor_affine' (default) or 'per_tensor_symmetric'. */
  qscheme?: QScheme;
}

/** Records a histogram of the values seen and derives error-minimizing quantization parameters from it. */
export class HistogramObserver extends PerTensorRangeObserver {
  /** The number of histogram bins. */
  readonly bins: number;
  /** The resampling factor used when merging histograms of different ranges. */
  readonly upsampleRate: number;
  private readonly dstNbins: number;
  private histogram: Tensor;

  /** An observer for `options.dtype` (quint8) with `options.bins` (2048) bins. */
  constructor(options: HistogramObserverOptions = {}) {
    super(options, perTensorScheme('HistogramObserver', options));
    this.bins = options.bins ?? 2048;
    this.upsampleRate = options.upsampleRate ?? 128;
    for (const [name, value] of [
      ['bins', this.bins],
      ['upsampleRate', this.upsampleRate],
    ] as const)
      if (!Number.isInteger(value) || value < 1)
        throw new RangeError(`HistogramObserver: ${name} must be a positive integer, got ${value}`);
    this.dstNbins = this.dtype === 'qint32' ? 2 ** 32 : 256;
    this.histogram = this.registerBuffer('histogram', zeros([this.bins], { dtype: 'float32' }));
    this.registerRange();
  }

  /**
   * Adds `x` to the histogram (infinite values are left out, as PyTorch does, with a warning) and
   * returns `x` unchanged. A wider range than before resamples the old histogram onto the new bins.
   */
  forward(input: Tensor): Tensor {
    if (input.numel() === 0) return input;
    noGrad(() => {
      let x = input.detach();
      let { min, max } = x.aminmax();
      if (min.item() === -Infinity || max.item() === Infinity) {
        process.emitWarning('HistogramObserver: infinite values in the input are ignored');
        x = x.index(x.abs().ne(Infinity));
        if (x.numel() === 0) return;
        ({ min, max } = x.aminmax());
      }
      if (this.min === Infinity || this.max === -Infinity) {
        this.minVal.copy_(min);
        this.maxVal.copy_(max);
        this.histogram.copy_(x.histc(this.bins, min.item(), max.item()));
        return;
      }
      const [currentMin, currentMax] = [this.minVal.clone(), this.maxVal.clone()];
      const newMin = currentMin.minimum(min);
      const newMax = currentMax.maximum(max);
      const update = x.histc(this.bins, newMin.item(), newMax.item());
      const same = newMin.item() === currentMin.item() && newMax.item() === currentMax.item();
      const combined = same ? this.histogram.add(update) : this.combine(currentMin, currentMax, update, newMin, newMax);
      this.histogram.copy_(combined);
      this.minVal.copy_(newMin);
      this.maxVal.copy_(newMax);
    });
    return input;
  }

  /** `{ scale, zeroPoint }` for the range the L2 error search picks; PyTorch's defaults before any value. */
  calculateQparams(): Qparams {
    if (this.min === Infinity && this.max === -Infinity) {
      process.emitWarning('HistogramObserver: calculateQparams before the observer saw any values; returning scale 1 and zero point 0');
      return this.qparamsOf(this.minVal, this.maxVal);
    }
    return noGrad(() => {
      const [min, max] = this.searchRange();
      return this.qparamsOf(min, max);
    });
  }

  // PyTorch's _combine_histograms: the old histogram moved onto the new range's bins, plus the update.
  private combine(origMin: Tensor, origMax: Tensor, update: Tensor, newMin: Tensor, newMax: Tensor): Tensor {
    if (origMin.item() === origMax.item()) {
      const total = update.sum();
      return origMin.histc(this.bins, newMin.item(), newMax.item()).mul(total).add(update);
    }
    return update.add(this.upscale(this.histogram, origMin, origMax, newMin, newMax));
  }

  // PyTorch's _upscale_histogram: each old bin split into upsampleRate parts, each part's mass given
  // to the new bin holding its midpoint.
  private upscale(histogram: Tensor, origMin: Tensor, origMax: Tensor, newMin: Tensor, newMax: Tensor): Tensor {
    const fine = this.bins * this.upsampleRate;
    const parts = histogram.repeatInterleave(this.upsampleRate).div(this.upsampleRate);
    const binSize = origMax.sub(origMin).div(fine);
    const midpoints = linspace(origMin.item(), origMax.item(), fine + 1)
      .slice(0, 0, fine)
      .add(binSize.mul(0.5));
    const boundaries = linspace(newMin.item(), newMax.item(), this.bins + 1);
    const buckets = bucketize(midpoints, boundaries, { right: true })
      .sub(1)
      .clamp(0, this.bins - 1);
    return bincount(buckets, { weights: parts, minlength: this.bins });
  }

  // PyTorch's _non_linear_param_search (after caffe2's NormMinimization): narrow the range from
  // whichever side holds less mass, one 1e-5 quantile step at a time, while the error decreases.
  private searchRange(): [Tensor, Tensor] {
    const binWidth = this.maxVal.sub(this.minVal).div(this.bins);
    const total = this.histogram.sum().item();
    const cSum = this.histogram.cumsum(0)._toTypedArray() as Float32Array;
    const step = 1e-5;
    let [alpha, beta] = [0, 1];
    let [startBin, endBin] = [0, this.bins - 1];
    let normMin = Infinity;
    while (alpha < beta) {
      const [nextAlpha, nextBeta] = [alpha + step, beta - step];
      // The comparisons are float32 against a float32 scalar, as PyTorch's tensor-vs-float ones.
      const [lowMass, highMass] = [Math.fround(nextAlpha * total), Math.fround(nextBeta * total)];
      let [l, r] = [startBin, endBin];
      while (l < endBin && cSum[l]! < lowMass) l++;
      while (r > startBin && cSum[r]! > highMass) r--;
      let [nextStart, nextEnd] = [startBin, endBin];
      if (l - startBin > endBin - r) {
        nextStart = l;
        alpha = nextAlpha;
      } else {
        nextEnd = r;
        beta = nextBeta;
      }
      if (nextStart === startBin && nextEnd === endBin) continue;
      const norm = this.quantizationError(nextStart, nextEnd);
      if (norm > normMin) break;
      normMin = norm;
      [startBin, endBin] = [nextStart, nextEnd];
    }
    return [this.minVal.add(binWidth.mul(startBin)), this.minVal.add(binWidth.mul(endBin + 1))];
  }

  // PyTorch's _compute_quantization_error: the L2 error of quantizing the histogram with the range
  // [nextStart, nextEnd] cut into dstNbins bins, assuming values uniform within each source bin.
  private quantizationError(nextStart: number, nextEnd: number): number {
    const binWidth = (this.max - this.min) / this.bins;
    const dstBinWidth = (binWidth * (nextEnd - nextStart + 1)) / this.dstNbins;
    if (dstBinWidth === 0) return 0;
    const norm = (begin: Tensor, end: Tensor, density: Tensor) =>
      density.mul(end.mul(end).mul(end).sub(begin.mul(begin).mul(begin)).div(3));
    const srcBegin = arange(this.bins).sub(nextStart).mul(binWidth);
    const srcEnd = srcBegin.add(binWidth);
    const dstOfBegin = srcBegin.div(dstBinWidth, { roundingMode: 'floor' }).clamp(0, this.dstNbins - 1);
    const dstOfBeginCenter = dstOfBegin.add(0.5).mul(dstBinWidth);
    const dstOfEnd = srcEnd.div(dstBinWidth, { roundingMode: 'floor' }).clamp(0, this.dstNbins - 1);
    const density = this.histogram.div(binWidth);
    const half = dstBinWidth / 2;
    let total = zeros([this.bins]);
    total = total.add(norm(srcBegin.sub(dstOfBeginCenter), ones([this.bins]).mul(half), density));
    total = total.add(
      dstOfEnd
        .sub(dstOfBegin)
        .sub(1)
        .mul(norm(tensor(-half, { dtype: 'float32' }), tensor(half, { dtype: 'float32' }), density)),
    );
    const dstOfEndCenter = dstOfEnd.mul(dstBinWidth).add(half);
    total = total.add(norm(tensor(-half, { dtype: 'float32' }), srcEnd.sub(dstOfEndCenter), density));
    return total.sum().item();
  }
}
