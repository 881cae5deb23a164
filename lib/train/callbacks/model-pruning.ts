/**
 * ModelPruning (Lightning's): prunes the model during the fit, at the end of training epochs (or
 * validation epochs), with torch.nn.utils.prune, the Trainer fine-tuning the model between the
 * steps, and makes the pruning permanent when training ends. The amount may follow a schedule,
 * such as Zhu & Gupta's `torch.nn.utils.prune.gradualSchedule`.
 *
 * As in Lightning, each step prunes `amount` of what is left: with PyTorch's composition, pruning
 * 0.5 at three epochs leaves 1/8 of the weights. Lightning's lottery-ticket options
 * (useLotteryTicketHypothesis, resampleParameters) are not implemented: the weights keep training.
 * Pruned layers run their forward pre-hooks in JS, so a fit with this callback does not use the
 * Trainer's native epoch loop (`nativeLoop: true` is an error naming this callback).
 * @module
 */
import { Sequential, ModuleDict, ModuleList } from '../../nn/layers/container.js';
import { Module } from '../../nn/module.js';
import type { PruningAmount } from '../../nn/utils/prune/amount.js';
import { checkAmount } from '../../nn/utils/prune/amount.js';
import { BasePruningMethod, type PruningMethodClass } from '../../nn/utils/prune/base.js';
import { l1Unstructured, lnStructured, randomStructured, randomUnstructured, remove } from '../../nn/utils/prune/functional.js';
import { globalUnstructured } from '../../nn/utils/prune/global.js';
import { pruningHooks } from '../../nn/utils/prune/reparametrization.js';
import { permanentStateDict } from '../../nn/utils/prune/sparse.js';
import type { StructuredNorm } from '../../nn/utils/prune/structured.js';
import { L1Unstructured, RandomUnstructured } from '../../nn/utils/prune/unstructured.js';
import { describeValue, invalidOption } from '../../util/validate.js';
import { LightningModule } from '../lightning-module.js';
import type { Checkpoint } from '../checkpoint.js';
import type { Trainer } from '../trainer.js';
import { Callback } from './callback.js';

/** The pruning functions ModelPruning knows by name (Lightning's: torch.nn.utils.prune's names). */
export type PruningFnName = 'l1_unstructured' | 'random_unstructured' | 'ln_structured' | 'random_structured';

/** A pruning function for local pruning, called as torch.nn.utils.prune's are: `fn(module, name, { amount })`. */
export type PruningFunction = (module: Module, name: string, options: { amount: PruningAmount }) => unknown;

/** Options of ModelPruning (Lightning's names). */
export interface ModelPruningOptions {
  /**
   * A name ('l1_unstructured', 'random_unstructured', 'ln_structured', 'random_structured'), a
   * function pruning one tensor (local pruning only), or a BasePruningMethod class (global pruning only).
   */
  pruningFn: PruningFnName | PruningFunction | PruningMethodClass<{ amount: PruningAmount }>;
  /** [module, name] pairs to prune; default every `parameterNames` parameter of every non-container module. */
  parametersToPrune?: readonly (readonly [Module, string])[];
  /** The parameter names pruned when parametersToPrune is not given: 'weight' and/or 'bias' (default both). */
  parameterNames?: readonly ('weight' | 'bias')[];
  /** Prune all the tensors together with globalUnstructured (default true); false prunes each on its own. */
  useGlobalUnstructured?: boolean;
  /** How much of what is left to prune at each step, or a function of the epoch giving it (default 0.5). */
  amount?: PruningAmount | ((epoch: number) => PruningAmount);
  /** Whether to prune at an epoch: a flag or a function of the epoch (default true). */
  applyPruning?: boolean | ((epoch: number) => boolean);
  /** Make the pruning permanent when training ends, and save checkpoints with the masks applied (default true). */
  makePruningPermanent?: boolean;
  /** The dim of a structured pruning function (required for those). */
  pruningDim?: number;
  /** The norm of 'ln_structured' (required for it). */
  pruningNorm?: StructuredNorm;
  /** 0 silent (default), 1 the overall sparsity after each step, 2 also each tensor's. */
  verbose?: 0 | 1 | 2;
  /** Prune at the end of training epochs (default true); false: at the end of validation epochs. */
  pruneOnTrainEpochEnd?: boolean;
  /** Where verbose lines go (default console.log). */
  log?: (line: string) => void;
}

const FUNCTIONS: Record<PruningFnName, PruningFunction> = {
  l1_unstructured: l1Unstructured,
  random_unstructured: randomUnstructured,
  ln_structured: lnStructured as PruningFunction,
  random_structured: randomStructured,
};
// The methods of the unstructured names, for global pruning.
const METHODS: Record<string, PruningMethodClass<{ amount: PruningAmount }>> = {
  l1_unstructured: L1Unstructured,
  random_unstructured: RandomUnstructured,
};
const CONTAINERS = [LightningModule, Sequential, ModuleList, ModuleDict];

/** Prunes the model as it trains. */
export class ModelPruning extends Callback {
  private readonly options: ModelPruningOptions;
  private readonly method: PruningMethodClass<{ amount: PruningAmount }> | null;
  private readonly function: PruningFunction | null;
  private readonly methodName: string;
  private readonly extra: Record<string, unknown>;
  private targets: { module: Module; name: string; path: string }[] = [];

  /** Checks the options (as Lightning does at construction). */
  constructor(options: ModelPruningOptions) {
    super();
    const where = 'ModelPruning';
    if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: options { pruningFn, ... } are required`);
    this.options = options;
    const global = options.useGlobalUnstructured ?? true;
    for (const name of options.parameterNames ?? [])
      if (name !== 'weight' && name !== 'bias') throw invalidOption(where, 'parameterNames', "'weight' and/or 'bias'", name);
    const fn = options.pruningFn;
    this.extra = {};
    if (typeof fn === 'string') {
      if (!(fn in FUNCTIONS))
        throw new RangeError(
          `${where}: pruningFn '${fn}' is not one of ${Object.keys(FUNCTIONS)
            .map((k) => `'${k}'`)
            .join(', ')}`,
        );
      const name = fn;
      if (name.endsWith('_structured')) {
        if (global) throw new Error(`${where}: only unstructured pruning can be global; '${name}' needs useGlobalUnstructured: false`);
        if (options.pruningDim === undefined) throw new Error(`${where}: structured pruning ('${name}') needs pruningDim`);
        this.extra.dim = options.pruningDim;
        if (name === 'ln_structured') {
          if (options.pruningNorm === undefined) throw new Error(`${where}: 'ln_structured' needs pruningNorm`);
          this.extra.n = options.pruningNorm;
        }
      }
      this.method = global ? METHODS[name]! : null;
      this.function = global ? null : FUNCTIONS[name];
      this.methodName = global ? METHODS[name]!.name : name;
    } else if (typeof fn === 'function' && fn.prototype instanceof BasePruningMethod) {
      if (!global) throw new Error(`${where}: a BasePruningMethod class is only supported with useGlobalUnstructured: true`);
      this.method = fn as PruningMethodClass<{ amount: PruningAmount }>;
      this.function = null;
      this.methodName = fn.name;
    } else if (typeof fn === 'function') {
      if (global)
        throw new Error(
          `${where}: a pruning function prunes one tensor at a time; use useGlobalUnstructured: false (or pass a BasePruningMethod class)`,
        );
      this.method = null;
      this.function = fn as PruningFunction;
      this.methodName = fn.name || 'pruningFn';
    } else {
      throw new TypeError(
        `${where}: pruningFn must be one of ${Object.keys(FUNCTIONS)
          .map((k) => `'${k}'`)
          .join(', ')}, a pruning function or a BasePruningMethod class, got ${describeValue(fn)}`,
      );
    }
    const amount = options.amount ?? 0.5;
    if (typeof amount !== 'function') checkAmount(amount, where);
    const apply = options.applyPruning ?? true;
    if (typeof apply !== 'boolean' && typeof apply !== 'function')
      throw invalidOption(where, 'applyPruning', 'a boolean or a function of the epoch', apply);
    const verbose = options.verbose ?? 0;
    if (verbose !== 0 && verbose !== 1 && verbose !== 2) throw invalidOption(where, 'verbose', '0, 1 or 2', verbose);
  }

  /** The [module, name] pairs pruned (resolved at setup). */
  get parametersToPrune(): [Module, string][] {
    return this.targets.map(({ module, name }) => [module, name]);
  }

  /** Resolves parametersToPrune against the module being fitted (Lightning's sanitize_parameters_to_prune). */
  setup(_trainer: Trainer, module: LightningModule): void {
    const paths = new Map<Module, string>([...module.namedModules()].map(([path, m]) => [m, path]));
    const given = this.options.parametersToPrune;
    if (given === undefined || given.length === 0) {
      const modules = [...module.modules()].filter((m) => !CONTAINERS.some((type) => m instanceof type));
      this.targets = (this.options.parameterNames ?? ['weight', 'bias']).flatMap((name) =>
        modules
          .filter((m) => [...m.namedParameters({ recurse: false })].some(([key]) => key === name))
          .map((m) => ({ module: m, name, path: paths.get(m)! })),
      );
      return;
    }
    const missing: string[] = [];
    this.targets = given.map((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2 || !(pair[0] instanceof Module) || typeof pair[1] !== 'string')
        throw new TypeError(`ModelPruning: parametersToPrune[${i}] must be a [module, name] pair, got ${describeValue(pair)}`);
      const [m, name] = pair;
      const path = paths.get(m);
      const known =
        [...m.namedParameters({ recurse: false })].some(([key]) => key === name) ||
        pruningHooks(m).some(({ method }) => method.tensorName === name);
      if (path === undefined) missing.push(`[${i}] a ${m.constructor.name} that is not part of the model`);
      else if (!known) missing.push(`[${i}] '${path}' (${m.constructor.name}) has no parameter '${name}'`);
      return { module: m, name, path: path ?? '' };
    });
    if (missing.length) throw new Error(`ModelPruning: some parametersToPrune do not exist in the model: ${missing.join('; ')}`);
  }

  /** Prunes at the end of a training epoch (unless pruneOnTrainEpochEnd is false). */
  onTrainEpochEnd(trainer: Trainer, _module: LightningModule): void {
    if (this.options.pruneOnTrainEpochEnd ?? true) this.runPruning(trainer.currentEpoch);
  }

  /** Prunes at the end of a validation epoch during a fit when pruneOnTrainEpochEnd is false. */
  onValidationEpochEnd(trainer: Trainer, _module: LightningModule): void {
    if (!(this.options.pruneOnTrainEpochEnd ?? true) && trainer.stage === 'fit') this.runPruning(trainer.currentEpoch);
  }

  /** Makes the pruning permanent when training ends (with makePruningPermanent). */
  onTrainEnd(_trainer: Trainer, module: LightningModule): void {
    if (this.options.makePruningPermanent ?? true) this.makePruningPermanent(module);
  }

  /** With makePruningPermanent, checkpoints hold the masked weights under their own names (no _orig/_mask). */
  onSaveCheckpoint(_trainer: Trainer, module: LightningModule, checkpoint: Checkpoint): void {
    if (this.options.makePruningPermanent ?? true) checkpoint.state_dict = permanentStateDict(module);
  }

  /** Removes every pruning reparametrization under `module`, keeping the masked values. */
  makePruningPermanent(module: Module): void {
    for (const submodule of module.modules()) for (const { method } of pruningHooks(submodule)) remove(submodule, method.tensorName!);
  }

  /** Prunes the targets by `amount` now (what each pruning epoch does). */
  applyPruning(amount: PruningAmount): void {
    const verbose = this.options.verbose ?? 0;
    const before = verbose ? this.targets.map((target) => maskStats(target.module, target.name)) : [];
    if (this.method) {
      globalUnstructured(
        this.targets.map(({ module, name }) => [module, name] as const),
        { pruningMethod: this.method, amount, ...this.extra },
      );
    } else {
      for (const { module, name, path } of this.targets) {
        try {
          this.function!(module, name, { amount, ...this.extra });
        } catch (error) {
          if (error instanceof Error) error.message = `ModelPruning: '${path ? `${path}.` : ''}${name}': ${error.message}`;
          throw error;
        }
      }
    }
    if (verbose) this.logStats(before, amount, verbose);
  }

  private runPruning(epoch: number): void {
    if (this.targets.length === 0) return;
    const apply = this.options.applyPruning ?? true;
    if (!(typeof apply === 'function' ? apply(epoch) : apply)) return;
    const option = this.options.amount ?? 0.5;
    const amount = typeof option === 'function' ? option(epoch) : option;
    if (isZero(amount)) return;
    this.applyPruning(amount);
  }

  private logStats(before: [number, number][], amount: PruningAmount, verbose: 1 | 2): void {
    const log = this.options.log ?? console.log;
    const after = this.targets.map((target) => maskStats(target.module, target.name));
    const total = after.reduce((sum, [, size]) => sum + size, 0);
    const zerosBefore = before.reduce((sum, [zeros]) => sum + zeros, 0);
    const zerosAfter = after.reduce((sum, [zeros]) => sum + zeros, 0);
    const percent = (zeros: number, size: number) => `${((100 * zeros) / size).toFixed(2)}%`;
    log(
      `Applied \`${this.methodName}\`. Pruned: ${zerosBefore}/${total} (${percent(zerosBefore, total)}) -> ${zerosAfter}/${total} (${percent(zerosAfter, total)})`,
    );
    if (verbose < 2) return;
    this.targets.forEach(({ path, name }, i) => {
      const [was, sizeBefore] = before[i]!;
      const [now, size] = after[i]!;
      log(
        `Applied \`${this.methodName}\` to \`${path ? `${path}.` : ''}${name}\` with amount=${JSON.stringify(amount)}. Pruned: ${was} (${percent(was, sizeBefore)}) -> ${now} (${percent(now, size)})`,
      );
    });
  }
}

// Lightning's _get_pruned_stats: zeros of the mask and its size ((0, 1) when not pruned).
function maskStats(module: Module, name: string): [number, number] {
  for (const [key, mask] of module.namedBuffers({ recurse: false }))
    if (key === `${name}_mask`) return [mask.numel() - Number(mask.countNonzero().item()), mask.numel()];
  return [0, 1];
}

function isZero(amount: PruningAmount): boolean {
  if (typeof amount === 'number') return amount === 0;
  if (typeof amount === 'object' && amount !== null) return ('fraction' in amount ? amount.fraction : amount.count) === 0;
  return false;
}
