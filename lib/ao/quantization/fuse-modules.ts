/**
 * torch.ao.quantization.fuseModules: fuses named runs of layers in a model (conv-bn, conv-bn-relu,
 * conv-relu, linear-bn, linear-relu, bn-relu), the first step of eager-mode static quantization
 * and a speed-up for inference on its own (batch norm folded away), as PyTorch's fuse_modules.
 * @module
 */
import { deepCopy } from '../../nn/deep-copy.js';
import { Identity } from '../../nn/layers/linear.js';
import type { Module } from '../../nn/module.js';
import type { ModuleClass } from '../nn/intrinsic/fused.js';
import { DEFAULT_FUSION_PATTERNS, QAT_FUSION_PATTERNS, getFusionPattern, type FusionPattern } from './fuser-method-mappings.js';

/** Options of `fuseModules`. */
export interface FuseModulesOptions {
  /** Fuse in `model` itself rather than in a deep copy of it (default false: `model` is left unchanged). */
  inplace?: boolean;
}

/** Options of `fuseKnownModules`. */
export interface FuseKnownModulesOptions {
  /** The modules' dotted names in the model, for error messages. */
  names?: readonly string[];
  /** The fusion table (default DEFAULT_FUSION_PATTERNS; QAT_FUSION_PATTERNS for quantization-aware training). */
  patterns?: readonly FusionPattern[];
}

/**
 * Fuses each group of submodules named in `modulesToFuse` (a list of lists of dotted names, or one
 * list), as PyTorch's `torch.ao.quantization.fuse_modules`: the first name gets the fused module,
 * the others become `nn.Identity`. Supported sequences (exact classes): Conv1d/2d/3d + BatchNorm
 * (+ ReLU), ConvTranspose1d/2d + BatchNorm, Conv + ReLU, Linear + BatchNorm1d, Linear + ReLU,
 * BatchNorm2d/3d + ReLU. Batch norm is folded into the weights (fuseConvBnEval / fuseLinearBnEval);
 * with a ReLU the result is a torch.ao.nn.intrinsic module (ConvReLU2d, LinearReLU, BNReLU2d...),
 * a Sequential of the two. The fused model's forward gives the unfused one's output.
 *
 * Returns a fused deep copy (`model` unchanged), or `model` itself with `inplace`. Forward
 * pre-hooks of each group's first module and forward hooks of its last move to the fused module.
 * A missing name, an unsupported sequence (the error names the classes and the names), a batch
 * norm to fold in training mode (folding needs eval; quantization-aware training will fuse with
 * fuseModulesQat) or layers that do not fit together are errors; with `inplace` every group is
 * tried before any is fused, so an error leaves `model` as it was (unless a group names a module
 * of an earlier group). Conv-relu, linear-relu and bn-relu fuse in training mode too, as in PyTorch.
 */
export function fuseModules<M extends Module>(
  model: M,
  modulesToFuse: readonly string[] | readonly (readonly string[])[],
  options: FuseModulesOptions = {},
): M {
  return fuseGroups(model, modulesToFuse, options, DEFAULT_FUSION_PATTERNS);
}

/**
 * `fuseModules` for quantization-aware training, as PyTorch's `fuse_modules_qat`: conv + batch
 * norm (+ ReLU) become intrinsic ConvBn2d / ConvBnReLU2d holding both layers, the batch norm not
 * folded (it keeps training until prepareQat's QAT layer folds it into the fake-quantized weight);
 * conv/linear + ReLU fuse as in eval. Works in training mode; the other rules are fuseModules'.
 */
export function fuseModulesQat<M extends Module>(
  model: M,
  modulesToFuse: readonly string[] | readonly (readonly string[])[],
  options: FuseModulesOptions = {},
): M {
  return fuseGroups(model, modulesToFuse, options, QAT_FUSION_PATTERNS);
}

function fuseGroups<M extends Module>(
  model: M,
  modulesToFuse: readonly string[] | readonly (readonly string[])[],
  options: FuseModulesOptions,
  patterns: readonly FusionPattern[],
): M {
  const groups = groupsOf(modulesToFuse);
  const modulesOf = (root: Module, names: readonly string[]) => names.map((name) => submodule(root, name));
  // Fusing makes new modules and changes none, so a dry run finds every error first.
  if (options.inplace) for (const names of groups) fuseChecked(modulesOf(model, names), names, patterns);
  const target = options.inplace ? model : deepCopy(model);
  for (const names of groups) {
    const fused = fuseKnownModules(modulesOf(target, names), { names, patterns });
    names.forEach((name, i) => target.setSubmodule(name, fused[i]!));
  }
  return target;
}

/**
 * The fused replacements for a sequence of modules, as PyTorch's `fuse_known_modules`: the fused
 * module first, then an `nn.Identity` (in the first module's training mode) for each other one.
 * The first module's forward pre-hooks and the last one's forward hooks move to the fused module,
 * and run once there (PyTorch's conv-bn fusion runs the conv's pre-hooks twice). An unsupported
 * sequence or a batch norm to fold in training mode is an error.
 */
export function fuseKnownModules(modules: readonly Module[], options: FuseKnownModulesOptions = {}): Module[] {
  const [first, last] = [modules[0], modules.at(-1)];
  const patterns = options.patterns ?? DEFAULT_FUSION_PATTERNS;
  if (!first || !last) return [fuseChecked(modules, options.names, patterns)];
  // Taken off before fusing, so that a fused copy of the first module does not run them a second
  // time, and given back if fusing fails.
  const [preHooks, hooks] = [first.takeForwardPreHooks(), last.takeForwardHooks()];
  let fused: Module;
  try {
    fused = fuseChecked(modules, options.names, patterns);
  } catch (error) {
    preHooks.forEach((hook) => first.registerForwardPreHook(hook));
    hooks.forEach((hook) => last.registerForwardHook(hook));
    throw error;
  }
  preHooks.forEach((hook) => fused.registerForwardPreHook(hook));
  hooks.forEach((hook) => fused.registerForwardHook(hook));
  return [fused, ...identities(modules)];
}

// The fused module for `modules`, after checking the sequence and the modes; an error from the
// fuser itself (layers that do not fit together) is given the group's names.
function fuseChecked(modules: readonly Module[], names: readonly string[] | undefined, patterns: readonly FusionPattern[]): Module {
  const { pattern, what } = checkedPattern(modules, names, patterns);
  try {
    return pattern.fuse(modules);
  } catch (error) {
    const Class = error instanceof Error ? [TypeError, RangeError, Error].find((cls) => error.constructor === cls) : undefined;
    throw Class ? new Class(`fuseModules: cannot fuse ${what}: ${(error as Error).message}`, { cause: error }) : error;
  }
}

function identities(modules: readonly Module[]): Identity[] {
  return modules.slice(1).map(() => {
    const identity = new Identity();
    identity.training = modules[0]!.training;
    return identity;
  });
}

function groupsOf(modulesToFuse: readonly string[] | readonly (readonly string[])[]): readonly (readonly string[])[] {
  if (!Array.isArray(modulesToFuse)) throw new TypeError(`fuseModules: modulesToFuse must be an array, got ${typeof modulesToFuse}`);
  if (modulesToFuse.every((item) => typeof item === 'string')) return [modulesToFuse];
  for (const group of modulesToFuse)
    if (!Array.isArray(group) || !group.every((name) => typeof name === 'string'))
      throw new TypeError(`fuseModules: modulesToFuse must be a list of names or a list of lists of names, got ${JSON.stringify(group)}`);
  return modulesToFuse as readonly (readonly string[])[];
}

function submodule(model: Module, name: string): Module {
  try {
    return model.getSubmodule(name);
  } catch (error) {
    throw new Error(`fuseModules: ${(error as Error).message}`, { cause: error });
  }
}

function checkedPattern(
  modules: readonly Module[],
  names: readonly string[] | undefined,
  patterns: readonly FusionPattern[],
): { pattern: FusionPattern; what: string } {
  const types = modules.map((module) => (module as object).constructor as ModuleClass);
  const what = `${names ? `[${names.map((name) => `'${name}'`).join(', ')}] ` : ''}(${types.map((cls) => cls.name).join(', ')})`;
  const pattern = getFusionPattern(types, patterns);
  if (!pattern) {
    const similar = patterns.filter((p) => p.types[0] === types[0]);
    const listed = (similar.length ? similar : patterns).map((p) => `(${p.types.map((cls) => cls.name).join(', ')})`);
    throw new Error(
      `fuseModules: cannot fuse ${what}: no fusion for this sequence; supported${similar.length ? ` with a ${types[0]!.name} first` : ''}: ${listed.join(', ')}`,
    );
  }
  const training = modules.flatMap((module, i) => (module.training ? [names ? `'${names[i]}' (${types[i]!.name})` : types[i]!.name] : []));
  if (pattern.foldsBatchNorm && training.length)
    throw new Error(
      `fuseModules: cannot fuse ${what}: ${training.join(' and ')} ${training.length > 1 ? 'are' : 'is'} in training mode, and batch norm is folded only in eval mode: call model.eval() first (quantization-aware training fuses with fuseModulesQat instead)`,
    );
  return { pattern, what };
}
