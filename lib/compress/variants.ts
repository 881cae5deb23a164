/**
 * The compressed variants the pipeline measures, by name, and the checks on a list of them and on
 * the pruning amounts: an unknown name or an amount outside [0, 1] is an error naming it.
 * @module
 */
import { describeValue } from '../util/validate.js';

/** What each variant is, as the results table describes it. */
export const VARIANTS = {
  fp32: 'the trained float32 model, eager (the reference)',
  pruned: 'global L1 unstructured pruning of every Conv2d/Linear weight, one row per amount, fine-tuned, made permanent',
  structured: 'L2 structured pruning of conv output channels and hidden Linear rows (not the classifier), fine-tuned, made permanent',
  dynamic_int8: 'torch.ao.quantization.quantizeDynamic on the Linear layers (int8 weights, activations quantized per batch), eager',
  static_int8: 'eager-mode static quantization: conv-bn-relu / linear-relu fused, QuantWrapper, calibrated, converted; eager',
  qat_int8: 'quantization-aware training: fused for QAT, QuantWrapper, prepareQat, fine-tuned through fake quantization, converted; eager',
  traced: 'torch.jit.trace of fp32, run from the saved file',
  frozen: 'torch.jit.freeze of the traced fp32 model, run from the saved file',
  optimized:
    'torch.jit.optimizeForInference applied to the frozen file after loading it (an optimized module does not load back from a file)',
  traced_dynamic_int8: 'dynamic_int8 traced, run from the saved file',
  traced_static_int8: 'static_int8 traced, run from the saved file',
  traced_qat_int8: 'qat_int8 traced, run from the saved file',
} as const;

/** A variant's name. */
export type VariantName = keyof typeof VARIANTS;

/** Every variant name, in the order the pipeline measures them. */
export const VARIANT_NAMES = Object.keys(VARIANTS) as VariantName[];

/** The variants measured when none are named: all of them. */
export const DEFAULT_VARIANTS: readonly VariantName[] = VARIANT_NAMES;

/**
 * The variants in `names`, deduplicated, in the pipeline's order, with fp32 always first (every
 * speed-up and accuracy change is against it). An unknown name is a RangeError listing the known ones.
 */
export function checkVariants(names: readonly string[], where = 'variants'): VariantName[] {
  const given: unknown = names;
  if (!Array.isArray(given) || given.length === 0)
    throw new RangeError(`${where}: expected a non-empty list of variant names, got ${describeValue(given)}`);
  for (const name of given as unknown[])
    if (typeof name !== 'string' || !Object.hasOwn(VARIANTS, name))
      throw new RangeError(`${where}: unknown variant ${describeValue(name)} (known: ${VARIANT_NAMES.join(', ')})`);
  const wanted = new Set<string>(['fp32', ...names]);
  return VARIANT_NAMES.filter((name) => wanted.has(name));
}

/** Checks a pruning amount: a fraction in [0, 1]; returns it. */
export function checkAmount(amount: unknown, where: string): number {
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0 || amount > 1)
    throw new RangeError(`${where}: a pruning amount must be a fraction in [0, 1], got ${describeValue(amount)}`);
  return amount;
}

/** The row name of a pruned variant: `pruned_80` for 0.8. */
export function prunedRowName(amount: number): string {
  return `pruned_${Number((amount * 100).toFixed(2))}`;
}
