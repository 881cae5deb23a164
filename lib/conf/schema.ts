/**
 * The typed shape of a composed `nodetorch train` config (configs/), checked with zod before
 * anything starts: an error names the key path, the type expected and the value found.
 * @module
 */
import { z } from 'zod';
import { ConfigValidationError } from './validation-error.js';

const positiveInt = z.number().int().positive();
const fraction = z.number().positive();

const mlp = z.strictObject({
  kind: z.literal('mlp'),
  in_features: positiveInt,
  hidden: z.array(positiveInt),
  activation: z.enum(['relu', 'tanh', 'gelu', 'silu', 'sigmoid']),
  dropout: z.number().min(0).max(1),
  num_classes: positiveInt,
});

const cnn = z.strictObject({
  kind: z.literal('cnn'),
  in_channels: positiveInt,
  channels: z.array(positiveInt).min(1),
  kernel_size: positiveInt,
  batch_norm: z.boolean(),
  dropout: z.number().min(0).max(1),
  image_size: positiveInt,
  num_classes: positiveInt,
});

const common = { lr: z.number().positive(), weight_decay: z.number().min(0) };
const betas = z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]);
const optimizer = z.discriminatedUnion('name', [
  z.strictObject({ name: z.literal('sgd'), ...common, momentum: z.number().min(0), dampening: z.number().min(0), nesterov: z.boolean() }),
  z.strictObject({ name: z.literal('adam'), ...common, betas, eps: z.number().positive(), amsgrad: z.boolean() }),
  z.strictObject({ name: z.literal('adamw'), ...common, betas, eps: z.number().positive(), amsgrad: z.boolean() }),
]);

const interval = z.enum(['epoch', 'step']);
const scheduler = z
  .discriminatedUnion('name', [
    z.strictObject({ name: z.literal('step'), interval, step_size: positiveInt, gamma: z.number().positive() }),
    z.strictObject({ name: z.literal('cosine'), interval, t_max: positiveInt, eta_min: z.number().min(0) }),
    z.strictObject({
      name: z.literal('onecycle'),
      interval,
      max_lr: z.number().positive(),
      epochs: positiveInt,
      pct_start: z.number().gt(0).lt(1),
    }),
  ])
  .nullish(); // absent when the `scheduler` group stays a null placeholder

const data = z.strictObject({
  name: z.enum(['embedded_mnist', 'mnist', 'fashion_mnist']),
  root: z.string().optional(),
  batch_size: positiveInt,
  train_size: positiveInt,
  test_size: positiveInt,
  num_workers: z.number().int().min(0),
  input_size: positiveInt,
  channels: positiveInt,
  image_size: positiveInt,
  num_classes: positiveInt,
});

const trainer = z.strictObject({
  max_epochs: z.number().int().min(-1),
  max_steps: z.number().int().min(-1),
  min_epochs: z.number().int().min(0),
  device: z.string(),
  precision: z.enum(['32', '32-true', '64', '64-true', 'bf16-mixed', '16-mixed']),
  accumulate_grad_batches: positiveInt,
  gradient_clip_val: z.number().positive().nullable(),
  gradient_clip_algorithm: z.enum(['norm', 'value']),
  val_check_interval: fraction,
  check_val_every_n_epoch: positiveInt,
  limit_train_batches: fraction,
  limit_val_batches: fraction,
  log_every_n_steps: positiveInt,
  deterministic: z.boolean(),
  enable_progress_bar: z.boolean(),
  enable_checkpointing: z.boolean(),
  enable_curves: z.boolean(),
  native_loop: z.union([z.literal('auto'), z.boolean()]),
  fast_dev_run: z.union([z.boolean(), positiveInt]).optional(),
});

const logger = z.strictObject({ kind: z.enum(['csv', 'tensorboard', 'mlflow', 'jsonl']), save_dir: z.string() }).nullish(); // ~logger removes it

// `+profiler=pytorch` adds it; absent otherwise.
const profiler = z
  .strictObject({
    wait: z.number().int().min(0),
    warmup: z.number().int().min(0),
    active: z.number().int().min(1),
    repeat: z.number().int().min(0),
    record_shapes: z.boolean(),
    profile_memory: z.boolean(),
    with_stack: z.boolean(),
    row_limit: z.number().int().min(-1),
    sort_by_key: z.enum(['cpu_time', 'cpu_time_total', 'self_cpu_time_total', 'count', 'cpu_memory_usage', 'self_cpu_memory_usage']),
  })
  .nullish();

/** The composed experiment config (the `hydra` node aside). */
export const experimentSchema = z.object({
  name: z.string().min(1),
  seed: z.number().int().min(0),
  ckpt_path: z.string().nullable(),
  model: z.discriminatedUnion('kind', [mlp, cnn]),
  optimizer,
  scheduler,
  data,
  trainer,
  logger,
  profiler,
  checkpoint: z
    .strictObject({
      monitor: z.string().nullable(),
      mode: z.enum(['min', 'max']),
      save_top_k: z.number().int().min(-1),
      save_last: z.boolean(),
      filename: z.string(),
    })
    .nullable(),
  early_stopping: z
    .strictObject({
      monitor: z.string(),
      mode: z.enum(['min', 'max']),
      patience: z.number().int().min(0),
      min_delta: z.number().min(0),
    })
    .nullable(),
});

/** A validated experiment config. */
export type ExperimentConfig = z.infer<typeof experimentSchema>;

/** Checks `config` (plain, resolved data) against the schema; returns it typed, or throws naming every problem. */
export function validateExperiment(config: unknown): ExperimentConfig {
  const result = experimentSchema.safeParse(config);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const key = issue.path.map(String).join('.') || '(root)';
    return `${key}: ${issue.message} (found ${describe(valueAt(config, issue.path))})`;
  });
  throw new ConfigValidationError(issues);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return Array.isArray(value) ? `a list ${JSON.stringify(value)}` : 'a mapping';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${value}`;
  return typeof value;
}
