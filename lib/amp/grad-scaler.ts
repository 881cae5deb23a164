/**
 * torch.amp.GradScaler: dynamic loss scaling for float16 training. The loss is multiplied by a
 * scale before backward so small gradients do not flush to zero; before the optimizer step the
 * gradients are divided back and checked for inf/NaN; a step with a non-finite gradient is skipped
 * and the scale backs off, and after `growthInterval` clean steps it grows. The checks and updates
 * are ATen's `_amp_foreach_non_finite_check_and_unscale_` and `_amp_update_scale_`; where this
 * LibTorch has no kernel for the device (CPU kernels came in 2.x), the same arithmetic in tensor ops.
 * @module
 */
import { native } from '../native.js';
import type { Optimizer } from '../optim/optimizer.js';
import { full, zeros } from '../tensor/creation.js';
import { noGrad } from '../tensor/autograd.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Device } from '../tensor/types.js';
import { ops } from '../ops/surface.js';
import type { AutocastDevice } from './autocast.js';

/** Options of {@link GradScaler}, with PyTorch's defaults. */
export interface GradScalerOptions {
  /** The first scale (default 2**16). */
  initScale?: number;
  /** The factor the scale grows by after `growthInterval` steps without inf/NaN (default 2). */
  growthFactor?: number;
  /** The factor the scale shrinks by after a step with inf/NaN gradients (default 0.5). */
  backoffFactor?: number;
  /** Clean steps between growths (default 2000). */
  growthInterval?: number;
  /** false makes every method a pass-through (default true). */
  enabled?: boolean;
}

/** A GradScaler's state in PyTorch's `state_dict` names. */
export interface GradScalerState {
  scale: number;
  growth_factor: number;
  backoff_factor: number;
  growth_interval: number;
  _growth_tracker: number;
}

type Stage = 'ready' | 'unscaled' | 'stepped';

/** Scales losses and unscales gradients for mixed-precision training. */
export class GradScaler {
  readonly device: AutocastDevice;
  private readonly enabled: boolean;
  private growthFactor: number;
  private backoffFactor: number;
  private growthInterval: number;
  private scaleTensor: Tensor | null = null;
  private growthTracker: Tensor | null = null;
  private initScale: number;
  private initGrowthTracker = 0;
  // Per optimizer, this iteration: where it is, and its found-inf flag.
  private readonly perOptimizer = new Map<Optimizer, { stage: Stage; foundInf: Tensor | null }>();

  /** A scaler for gradients on `device` (default 'cuda', as PyTorch's). */
  constructor(device: AutocastDevice = 'cuda', options: GradScalerOptions = {}) {
    if (device !== 'cpu' && device !== 'cuda') throw new TypeError(`GradScaler: device must be 'cpu' or 'cuda', got ${String(device)}`);
    this.device = device;
    this.enabled = options.enabled ?? true;
    this.initScale = positive('initScale', options.initScale ?? 2 ** 16);
    this.growthFactor = options.growthFactor ?? 2;
    this.backoffFactor = options.backoffFactor ?? 0.5;
    this.growthInterval = options.growthInterval ?? 2000;
    if (!(this.growthFactor > 1)) throw new RangeError(`GradScaler: growthFactor must be > 1, got ${this.growthFactor}`);
    if (!(this.backoffFactor > 0 && this.backoffFactor < 1))
      throw new RangeError(`GradScaler: backoffFactor must be in (0, 1), got ${this.backoffFactor}`);
    if (!Number.isInteger(this.growthInterval) || this.growthInterval < 1)
      throw new RangeError(`GradScaler: growthInterval must be a positive integer, got ${this.growthInterval}`);
  }

  /** Whether scaling is on. */
  isEnabled(): boolean {
    return this.enabled;
  }

  /** `outputs` multiplied by the scale (a new tensor; backward through it gives scaled gradients). */
  scale(outputs: Tensor): Tensor {
    if (!this.enabled) return outputs;
    this.lazyInit(outputs.device);
    return outputs.mul(this.scaleTensor!.to(outputs.device as Device));
  }

  /** Divides the gradients of `optimizer`'s parameters by the scale in place, recording inf/NaN. */
  unscale_(optimizer: Optimizer): void {
    if (!this.enabled) return;
    const entry = this.entry(optimizer);
    if (entry.stage === 'unscaled')
      throw new Error('GradScaler.unscale_() has already been called on this optimizer since the last update()');
    if (entry.stage === 'stepped') throw new Error('GradScaler.unscale_() is being called after step()');
    if (this.scaleTensor === null) throw new Error('GradScaler: unscale_() before any scale(): nothing was scaled');
    entry.foundInf = this.unscaleGrads(optimizer);
    entry.stage = 'unscaled';
  }

  /**
   * Unscales (unless `unscale_` was called) and steps `optimizer` unless a gradient was inf/NaN.
   * Returns whether the step ran (PyTorch returns the step's result, or None when skipped).
   */
  step(optimizer: Optimizer): boolean {
    if (!this.enabled) {
      optimizer.step();
      return true;
    }
    const entry = this.entry(optimizer);
    if (entry.stage === 'stepped') throw new Error('GradScaler.step() has already been called since the last update()');
    if (entry.stage === 'ready') this.unscale_(optimizer);
    const skipped = entry.foundInf!.item() > 0;
    if (!skipped) optimizer.step();
    entry.stage = 'stepped';
    return !skipped;
  }

  /** Updates the scale from this iteration's inf/NaN checks, or sets it to `newScale`. */
  update(newScale?: number): void {
    if (!this.enabled) return;
    if (this.scaleTensor === null) throw new Error('GradScaler.update(): nothing was scaled; call scale(loss) earlier in the iteration');
    if (newScale !== undefined) {
      noGrad(() => this.scaleTensor!.fill_(positive('newScale', newScale)));
    } else {
      const flags = [...this.perOptimizer.values()].flatMap((entry) => (entry.foundInf ? [entry.foundInf] : []));
      if (flags.length === 0) throw new Error('GradScaler.update(): no inf checks were recorded; call step(optimizer) first');
      const foundInf = flags.reduce((sum, flag) => sum.add(flag));
      this.updateScale(foundInf);
    }
    for (const entry of this.perOptimizer.values()) entry.foundInf?.dispose();
    this.perOptimizer.clear();
  }

  /** The current scale (1 when disabled). */
  getScale(): number {
    if (!this.enabled) return 1;
    return this.scaleTensor === null ? this.initScale : this.scaleTensor.item();
  }

  /** Clean steps since the last growth or backoff. */
  getGrowthTracker(): number {
    return this.growthTracker === null ? this.initGrowthTracker : this.growthTracker.item();
  }

  /** The state in PyTorch's names (empty when disabled, as PyTorch's). */
  stateDict(): GradScalerState | Record<string, never> {
    if (!this.enabled) return {};
    return {
      scale: this.getScale(),
      growth_factor: this.growthFactor,
      backoff_factor: this.backoffFactor,
      growth_interval: this.growthInterval,
      _growth_tracker: this.getGrowthTracker(),
    };
  }

  /** Restores a state from `stateDict` (ours or PyTorch's). */
  loadStateDict(state: Partial<GradScalerState>): void {
    if (!this.enabled) return;
    if (typeof state.scale !== 'number')
      throw new TypeError('GradScaler.loadStateDict: the state has no scale (was it saved from a disabled scaler?)');
    this.initScale = state.scale;
    this.growthFactor = state.growth_factor ?? this.growthFactor;
    this.backoffFactor = state.backoff_factor ?? this.backoffFactor;
    this.growthInterval = state.growth_interval ?? this.growthInterval;
    this.initGrowthTracker = state._growth_tracker ?? 0;
    if (this.scaleTensor !== null) noGrad(() => this.scaleTensor!.fill_(this.initScale));
    if (this.growthTracker !== null) noGrad(() => this.growthTracker!.fill_(this.initGrowthTracker));
  }

  private lazyInit(device: string): void {
    if (this.scaleTensor !== null) return;
    this.scaleTensor = full([1], this.initScale, { dtype: 'float32', device: device as Device });
    this.growthTracker = full([1], this.initGrowthTracker, { dtype: 'int32', device: device as Device });
  }

  private entry(optimizer: Optimizer): { stage: Stage; foundInf: Tensor | null } {
    let entry = this.perOptimizer.get(optimizer);
    if (!entry) this.perOptimizer.set(optimizer, (entry = { stage: 'ready', foundInf: null }));
    return entry;
  }

  private unscaleGrads(optimizer: Optimizer): Tensor {
    const scale = this.scaleTensor!;
    const foundInf = zeros([1], { dtype: 'float32', device: scale.device as Device });
    noGrad(() => {
      const invScale = scale.double().reciprocal().float();
      const byKind = new Map<string, Tensor[]>();
      for (const param of optimizer.paramGroups.flatMap((group) => group.params)) {
        const grad = param.grad;
        if (grad === null) continue;
        if (grad.dtype === 'float16')
          throw new Error('GradScaler: attempting to unscale float16 gradients (the parameters must be float32)');
        const kind = `${grad.device}/${grad.dtype}`;
        byKind.set(kind, [...(byKind.get(kind) ?? []), grad]);
      }
      for (const grads of byKind.values()) {
        const device = grads[0]!.device.startsWith('cuda') ? 'cuda' : 'cpu';
        if (hasKernel('_amp_foreach_non_finite_check_and_unscale_', device))
          ops.aten._amp_foreach_non_finite_check_and_unscale_(grads, foundInf, invScale.to(grads[0]!.device as Device));
        else unscaleComposite(grads, foundInf, invScale);
      }
      invScale.dispose();
    });
    return foundInf;
  }

  private updateScale(foundInf: Tensor): void {
    const scale = this.scaleTensor!;
    const tracker = this.growthTracker!;
    noGrad(() => {
      if (hasKernel('_amp_update_scale_', scale.device.startsWith('cuda') ? 'cuda' : 'cpu'))
        ops.aten._amp_update_scale_(scale, tracker, foundInf, this.growthFactor, this.backoffFactor, this.growthInterval);
      else updateScaleComposite(scale, tracker, foundInf.item() > 0, this.growthFactor, this.backoffFactor, this.growthInterval);
    });
  }
}

const kernelCache = new Map<string, boolean>();
function hasKernel(op: string, device: 'cpu' | 'cuda'): boolean {
  const key = `${op}/${device}`;
  let has = kernelCache.get(key);
  if (has === undefined) kernelCache.set(key, (has = native.hasBackendKernel(op, '', device)));
  return has;
}

// ATen's kernel: every gradient is multiplied by invScale; any non-finite element sets foundInf.
function unscaleComposite(grads: Tensor[], foundInf: Tensor, invScale: Tensor): void {
  for (const grad of grads) {
    const finite = grad.isfinite().all();
    if (!finite.item()) foundInf.fill_(1);
    finite.dispose();
    grad.mul_(invScale);
  }
}

// ATen's `_amp_update_scale_` on a float32 scale: backoff on inf, growth after `interval` clean
// steps (kept only when the grown scale is finite).
function updateScaleComposite(scale: Tensor, tracker: Tensor, foundInf: boolean, growth: number, backoff: number, interval: number): void {
  const current = scale.item();
  if (foundInf) {
    scale.fill_(Math.fround(current * backoff));
    tracker.fill_(0);
    return;
  }
  const successful = tracker.item() + 1;
  if (successful === interval) {
    const grown = Math.fround(current * growth);
    if (Number.isFinite(grown)) scale.fill_(grown);
    tracker.fill_(0);
  } else tracker.fill_(successful);
}

function positive(name: string, value: number): number {
  if (!(typeof value === 'number' && value > 0 && Number.isFinite(value)))
    throw new RangeError(`GradScaler: ${name} must be a positive finite number, got ${String(value)}`);
  return value;
}
