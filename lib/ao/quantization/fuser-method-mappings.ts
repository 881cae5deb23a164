/**
 * Which sequences of layer classes `fuseModules` fuses, and how (PyTorch's
 * torch/ao/quantization/fuser_method_mappings.py, eval mode): batch norm folded into the conv or
 * linear layer before it, a following ReLU kept in an intrinsic module.
 * @module
 */
import { ReLU } from '../../nn/layers/activation.js';
import { Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d } from '../../nn/layers/conv.js';
import { Linear } from '../../nn/layers/linear.js';
import { BatchNorm1d, BatchNorm2d, BatchNorm3d } from '../../nn/layers/normalization.js';
import type { Module } from '../../nn/module.js';
import { fuseConvBnEval, fuseLinearBnEval, type FusableBatchNorm, type FusableConv } from '../../nn/utils/fusion.js';
import {
  BNReLU2d,
  BNReLU3d,
  ConvBn2d,
  ConvBnReLU2d,
  ConvReLU1d,
  ConvReLU2d,
  ConvReLU3d,
  LinearReLU,
  type ModuleClass,
} from '../nn/intrinsic/fused.js';

/** Makes the module that replaces a sequence of layers (the first one's place); the layers are not changed. */
export type FuserMethod = (modules: readonly Module[]) => Module;

/** One fusable sequence: the exact classes, how it is fused, and whether it folds a batch norm (eval only). */
export interface FusionPattern {
  types: readonly ModuleClass[];
  fuse: FuserMethod;
  foldsBatchNorm: boolean;
}

type Pair<A extends Module, B extends Module> = new (a: A, b: B) => Module;
const sequential2 =
  <A extends Module, B extends Module>(cls: Pair<A, B>): FuserMethod =>
  ([a, b]) =>
    new cls(a as A, b as B);
const convBn: FuserMethod = ([conv, bn]) => fuseConvBnEval(conv as FusableConv, bn as FusableBatchNorm);
const convTransposeBn: FuserMethod = ([conv, bn]) => fuseConvBnEval(conv as FusableConv, bn as FusableBatchNorm, { transpose: true });
const convBnRelu =
  <C extends FusableConv>(cls: Pair<C, ReLU>): FuserMethod =>
  ([conv, bn, relu]) =>
    new cls(fuseConvBnEval(conv as C, bn as FusableBatchNorm), relu as ReLU);
const linearBn: FuserMethod = ([linear, bn]) => fuseLinearBnEval(linear as Linear, bn as FusableBatchNorm);

/** The sequences `fuseModules` fuses in eval mode, PyTorch's table less the layers nodetorch lacks (ConvTranspose3d). */
export const DEFAULT_FUSION_PATTERNS: readonly FusionPattern[] = [
  { types: [Conv1d, BatchNorm1d], fuse: convBn, foldsBatchNorm: true },
  { types: [Conv1d, BatchNorm1d, ReLU], fuse: convBnRelu(ConvReLU1d), foldsBatchNorm: true },
  { types: [Conv2d, BatchNorm2d], fuse: convBn, foldsBatchNorm: true },
  { types: [Conv2d, BatchNorm2d, ReLU], fuse: convBnRelu(ConvReLU2d), foldsBatchNorm: true },
  { types: [Conv3d, BatchNorm3d], fuse: convBn, foldsBatchNorm: true },
  { types: [Conv3d, BatchNorm3d, ReLU], fuse: convBnRelu(ConvReLU3d), foldsBatchNorm: true },
  { types: [Conv1d, ReLU], fuse: sequential2(ConvReLU1d), foldsBatchNorm: false },
  { types: [Conv2d, ReLU], fuse: sequential2(ConvReLU2d), foldsBatchNorm: false },
  { types: [Conv3d, ReLU], fuse: sequential2(ConvReLU3d), foldsBatchNorm: false },
  { types: [Linear, BatchNorm1d], fuse: linearBn, foldsBatchNorm: true },
  { types: [Linear, ReLU], fuse: sequential2(LinearReLU), foldsBatchNorm: false },
  { types: [BatchNorm2d, ReLU], fuse: sequential2(BNReLU2d), foldsBatchNorm: false },
  { types: [BatchNorm3d, ReLU], fuse: sequential2(BNReLU3d), foldsBatchNorm: false },
  { types: [ConvTranspose1d, BatchNorm1d], fuse: convTransposeBn, foldsBatchNorm: true },
  { types: [ConvTranspose2d, BatchNorm2d], fuse: convTransposeBn, foldsBatchNorm: true },
];

/**
 * The pattern for this exact sequence of classes (a subclass does not match, as PyTorch looks
 * types up in a dict), or null when there is none. `patterns` defaults to DEFAULT_FUSION_PATTERNS.
 */
export function getFusionPattern(
  types: readonly ModuleClass[],
  patterns: readonly FusionPattern[] = DEFAULT_FUSION_PATTERNS,
): FusionPattern | null {
  return patterns.find((p) => p.types.length === types.length && p.types.every((cls, i) => cls === types[i])) ?? null;
}

const sequential3 =
  <A extends Module, B extends Module, C extends Module>(cls: new (a: A, b: B, c: C) => Module): FuserMethod =>
  ([a, b, c]) =>
    new cls(a as A, b as B, c as C);

/**
 * The sequences `fuseModulesQat` fuses for quantization-aware training (PyTorch's table with
 * is_qat): conv and batch norm stay separate layers in one intrinsic module (ConvBn2d,
 * ConvBnReLU2d) so the batch norm keeps training; ReLU pairs fuse as in eval.
 */
export const QAT_FUSION_PATTERNS: readonly FusionPattern[] = [
  { types: [Conv2d, BatchNorm2d], fuse: sequential2(ConvBn2d), foldsBatchNorm: false },
  { types: [Conv2d, BatchNorm2d, ReLU], fuse: sequential3(ConvBnReLU2d), foldsBatchNorm: false },
  { types: [Conv2d, ReLU], fuse: sequential2(ConvReLU2d), foldsBatchNorm: false },
  { types: [Linear, ReLU], fuse: sequential2(LinearReLU), foldsBatchNorm: false },
  { types: [BatchNorm2d, ReLU], fuse: sequential2(BNReLU2d), foldsBatchNorm: false },
  { types: [BatchNorm3d, ReLU], fuse: sequential2(BNReLU3d), foldsBatchNorm: false },
];
