/**
 * The one hook dispatcher every hook goes through (callbacks first, then the module, as Lightning
 * does), and the one table of where `log` may be called from and with which defaults.
 * @module
 */
import type { LightningModule } from './lightning-module.js';
import type { Trainer } from './trainer.js';

/** The hooks a Callback may implement (Lightning's names in camelCase). */
export type HookName =
  | 'setup'
  | 'teardown'
  | 'onFitStart'
  | 'onFitEnd'
  | 'onTrainStart'
  | 'onTrainEnd'
  | 'onTrainEpochStart'
  | 'onTrainEpochEnd'
  | 'onTrainBatchStart'
  | 'onTrainBatchEnd'
  | 'onValidationStart'
  | 'onValidationEnd'
  | 'onValidationEpochStart'
  | 'onValidationEpochEnd'
  | 'onValidationBatchStart'
  | 'onValidationBatchEnd'
  | 'onTestStart'
  | 'onTestEnd'
  | 'onTestEpochStart'
  | 'onTestEpochEnd'
  | 'onTestBatchStart'
  | 'onTestBatchEnd'
  | 'onPredictStart'
  | 'onPredictEnd'
  | 'onPredictBatchEnd'
  | 'onBeforeBackward'
  | 'onAfterBackward'
  | 'onBeforeOptimizerStep'
  | 'onBeforeZeroGrad'
  | 'onSaveCheckpoint'
  | 'onLoadCheckpoint'
  | 'onException';

/** Where `log` may be called from, and its defaults there (Lightning's `_FxValidator`). */
export interface LogRule {
  onStep: boolean;
  onEpoch: boolean;
  /** Whether onStep=true is allowed here (epoch-end hooks have no step). */
  stepAllowed: boolean;
}

const STEP: LogRule = { onStep: true, onEpoch: false, stepAllowed: true };
const EVAL_STEP: LogRule = { onStep: false, onEpoch: true, stepAllowed: true };
const EPOCH_ONLY: LogRule = { onStep: false, onEpoch: true, stepAllowed: false };

/** The log table, by the hook or step method that is running. */
export const LOG_RULES: Readonly<Record<string, LogRule>> = {
  trainingStep: STEP,
  onTrainBatchStart: STEP,
  onTrainBatchEnd: STEP,
  onBeforeBackward: STEP,
  onAfterBackward: STEP,
  onBeforeOptimizerStep: STEP,
  onBeforeZeroGrad: STEP,
  validationStep: EVAL_STEP,
  onValidationBatchStart: EVAL_STEP,
  onValidationBatchEnd: EVAL_STEP,
  testStep: EVAL_STEP,
  onTestBatchStart: EVAL_STEP,
  onTestBatchEnd: EVAL_STEP,
  onTrainStart: EPOCH_ONLY,
  onTrainEpochStart: EPOCH_ONLY,
  onTrainEpochEnd: EPOCH_ONLY,
  onValidationStart: EPOCH_ONLY,
  onValidationEpochStart: EPOCH_ONLY,
  onValidationEpochEnd: EPOCH_ONLY,
  onTestStart: EPOCH_ONLY,
  onTestEpochStart: EPOCH_ONLY,
  onTestEpochEnd: EPOCH_ONLY,
};

type HookFn = (trainer: Trainer, module: LightningModule, ...args: unknown[]) => unknown;

/**
 * Calls `hook` on every callback, then on the module, awaiting each, with the running hook recorded
 * so that `log` can check itself against {@link LOG_RULES}.
 */
export async function callHook(trainer: Trainer, module: LightningModule, hook: HookName, ...args: unknown[]): Promise<void> {
  await callCallbackHook(trainer, module, hook, ...args);
  const own = (module as unknown as Record<string, ((...a: unknown[]) => unknown) | undefined>)[hook];
  if (typeof own === 'function') await trainer.running(hook, () => own.call(module, ...args));
}

/** Calls `hook` on callbacks only (hooks the module has no counterpart for, like onException). */
export async function callCallbackHook(trainer: Trainer, module: LightningModule, hook: HookName, ...args: unknown[]): Promise<void> {
  for (const callback of trainer.callbacks) {
    const fn = (callback as unknown as Record<string, HookFn | undefined>)[hook];
    if (typeof fn === 'function') await trainer.running(hook, () => fn.call(callback, trainer, module, ...args));
  }
}
