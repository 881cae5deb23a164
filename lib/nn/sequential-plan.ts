/**
 * Native forward plans: built-in layers describe themselves as steps, and a Sequential made only of
 * them runs its whole forward in C++ with one call (native/core/sequential_plan.cpp runs the steps;
 * native/binding/sequential_plan_binding.cpp reads them). A plan is read afresh on every call, so
 * it always computes with the layers' current weights and settings and never keeps a tensor alive.
 */
import { native } from '../native.js';
import type { Tensor } from '../tensor/tensor.js';
import { withCallerStack } from '../util/caller-stack.js';

/** Fields every step has: its kind and the layer's class name (for error messages). */
interface StepBase<Kind extends string> {
  kind: Kind;
  name: string;
}

/**
 * One layer as the native plan runs it. The field names are the ones the native reader expects
 * (sequential_plan_binding.cpp), and the kernels receive them as PyTorch's functional forms do.
 */
export type PlanStep =
  | StepBase<'identity' | 'relu' | 'silu' | 'tanh' | 'sigmoid'>
  | (StepBase<'linear'> & { weight: Tensor; bias: Tensor | null })
  | (StepBase<'conv'> & { weight: Tensor; bias: Tensor | null; stride: number[]; padding: number[]; dilation: number[]; groups: number })
  | (StepBase<'leaky_relu'> & { negativeSlope: number })
  | (StepBase<'gelu'> & { approximate: 'none' | 'tanh' })
  | (StepBase<'softmax' | 'log_softmax'> & { dim: number })
  | (StepBase<'dropout'> & { p: number; training: boolean })
  | (StepBase<'flatten'> & { startDim: number; endDim: number })
  | (StepBase<'max_pool2d'> & { kernelSize: number[]; stride: number[]; padding: number[]; dilation: number[]; ceilMode: boolean })
  | (StepBase<'avg_pool2d'> & { kernelSize: number[]; stride: number[]; padding: number[]; ceilMode: boolean; countIncludePad: boolean })
  | (StepBase<'adaptive_avg_pool2d'> & { outputSize: number[] })
  | (StepBase<'batch_norm'> & {
      weight: Tensor | null;
      bias: Tensor | null;
      runningMean: Tensor | null;
      runningVar: Tensor | null;
      numBatchesTracked: Tensor | null;
      momentum: number;
      eps: number;
      training: boolean;
      /** The input ranks the layer accepts (BatchNorm1d: 2 or 3). */
      inputDims: number[];
    })
  | (StepBase<'layer_norm'> & { weight: Tensor | null; bias: Tensor | null; normalizedShape: number[]; eps: number });

/** Runs `steps` on `input` in one native call. */
export const runPlan = (steps: readonly PlanStep[], input: Tensor): Tensor => native.runSequential(steps, input) as Tensor;
/** Runs `steps` on the libuv thread pool (with the caller's grad mode); JS may not change their tensors until it settles. */
export const runPlanAsync = (steps: readonly PlanStep[], input: Tensor): Promise<Tensor> =>
  withCallerStack(() => native.runSequentialAsync(steps, input) as Promise<Tensor>);
