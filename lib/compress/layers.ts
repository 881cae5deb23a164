/**
 * The layers of a model each compression works on, found by walking its modules: the Conv2d and
 * Linear weights pruning ranks, the ones structured pruning may thin (all but the classifier), the
 * runs of children static quantization fuses (conv-bn-relu, conv-bn, conv-relu, linear-relu), by
 * their dotted names. A model without the layers a variant needs gets an error saying so.
 * @module
 */
import { Conv2d } from '../nn/layers/conv.js';
import { Linear } from '../nn/layers/linear.js';
import type { Module } from '../nn/module.js';
import { DEFAULT_FUSION_PATTERNS, getFusionPattern, type FusionPattern } from '../ao/quantization/fuser-method-mappings.js';
import type { ModuleClass } from '../ao/nn/intrinsic/fused.js';

/** A layer with a weight the pruning methods work on, and its dotted name. */
export interface WeightedLayer {
  /** The module's dotted path in the model. */
  name: string;
  /** The layer. */
  module: Conv2d | Linear;
}

/** Every Conv2d and Linear layer of `model`, in module order. */
export function weightedLayers(model: Module): WeightedLayer[] {
  return [...model.namedModules()]
    .filter((entry): entry is [string, Conv2d | Linear] => entry[1] instanceof Conv2d || entry[1] instanceof Linear)
    .map(([name, module]) => ({ name, module }));
}

/** What a variant needs from the model is missing: the message names the variant and the layers. */
export class MissingLayersError extends Error {
  /** An error for `variant`, saying what it needs. */
  constructor(variant: string, needs: string) {
    super(`${variant}: the model has no ${needs}`);
    this.name = 'MissingLayersError';
  }
}

/** The layers global pruning ranks together (every Conv2d and Linear weight); an error when there are none. */
export function prunableLayers(model: Module, variant: string): WeightedLayer[] {
  const layers = weightedLayers(model);
  if (layers.length === 0) throw new MissingLayersError(variant, 'Conv2d or Linear layer to prune');
  return layers;
}

/**
 * The layers structured pruning thins: every Conv2d (output channels) and every Linear but the
 * last one (its rows are the classes: pruning one would remove a class). An error when none is left.
 */
export function structuredLayers(model: Module, variant: string): WeightedLayer[] {
  const layers = weightedLayers(model);
  const lastLinear = layers.findLast((layer) => layer.module instanceof Linear);
  const thinned = layers.filter((layer) => layer !== lastLinear);
  if (thinned.length === 0)
    throw new MissingLayersError(variant, 'Conv2d layer or hidden Linear layer (the classifier is never pruned structurally)');
  return thinned;
}

/** The Linear layers of `model` (what dynamic quantization replaces); an error when there are none. */
export function linearLayers(model: Module, variant: string): WeightedLayer[] {
  const layers = weightedLayers(model).filter((layer) => layer.module instanceof Linear);
  if (layers.length === 0) throw new MissingLayersError(variant, 'Linear layer to quantize dynamically');
  return layers;
}

// The runs static quantization fuses: longest first, and only those whose fused module has a
// quantized counterpart (a batch norm followed by a ReLU alone does not).
const FUSIBLE_FIRST: readonly ModuleClass[] = [Conv2d, Linear];

/**
 * The runs of consecutive children that fuse for static quantization, by dotted names, as
 * `fuseModules` takes them: a Conv2d followed by BatchNorm2d and ReLU, by BatchNorm2d, or by ReLU;
 * a Linear followed by ReLU or BatchNorm1d. Children are matched by their exact classes, against
 * `patterns` (default fuseModules' table; pass QAT_FUSION_PATTERNS for fuseModulesQat).
 */
export function fusionGroups(model: Module, patterns: readonly FusionPattern[] = DEFAULT_FUSION_PATTERNS): string[][] {
  const groups: string[][] = [];
  for (const [path, parent] of model.namedModules()) {
    const children = [...parent.namedChildren()];
    for (let i = 0; i < children.length;) {
      const pattern = longestPatternAt(children, i, patterns);
      if (!pattern) {
        i++;
        continue;
      }
      const names = children.slice(i, i + pattern.types.length).map(([name]) => (path ? `${path}.${name}` : name));
      groups.push(names);
      i += pattern.types.length;
    }
  }
  return groups;
}

function longestPatternAt(children: readonly [string, Module][], start: number, patterns: readonly FusionPattern[]): FusionPattern | null {
  const first = children[start]![1].constructor as ModuleClass;
  if (!FUSIBLE_FIRST.includes(first)) return null;
  for (const length of [3, 2]) {
    if (start + length > children.length) continue;
    const types = children.slice(start, start + length).map(([, module]) => module.constructor as ModuleClass);
    const pattern = getFusionPattern(types, patterns);
    if (pattern) return pattern;
  }
  return null;
}

/** The layers static quantization converts (Conv2d, Linear); an error when there are none. */
export function staticQuantizableLayers(model: Module, variant: string): WeightedLayer[] {
  const layers = weightedLayers(model);
  if (layers.length === 0) throw new MissingLayersError(variant, 'Conv2d or Linear layer to quantize');
  return layers;
}
