/**
 * Native forward plans: built-in layers describe themselves as steps, and a Sequential made only of
 * them runs its whole forward in C++ with one call (native/core/sequential_plan.cpp).
 */
import { native, type NativePlan } from '../native.js';
import type { Tensor } from '../tensor/tensor.js';

/** One layer as the native plan runs it (the layout of ints/floats per kind is in sequential_plan.cpp). */
export interface PlanStep {
  kind: string;
  name: string;
  tensors: (Tensor | null)[];
  ints: number[];
  floats: number[];
  flag: boolean;
}

/** An opaque compiled plan. */
export type Plan = NativePlan;

/** A step with defaults for the unused fields. */
export function step(kind: string, name: string, fields: Partial<Omit<PlanStep, 'kind' | 'name'>> = {}): PlanStep {
  return { kind, name, tensors: fields.tensors ?? [], ints: fields.ints ?? [], floats: fields.floats ?? [], flag: fields.flag ?? false };
}

export const compilePlan = (steps: PlanStep[]): Plan => native.compileSequential(steps);
export const runPlan = (plan: Plan, input: Tensor): Tensor => native.runSequential(plan, input) as Tensor;
/** Runs a plan on the libuv thread pool (with the caller's grad mode). */
export const runPlanAsync = (plan: Plan, input: Tensor): Promise<Tensor> => native.runSequentialAsync(plan, input) as Promise<Tensor>;
