/**
 * The typed shape of a composed `nodetorch compress` config (configs/compress.yaml), checked with
 * zod before anything trains: an unknown variant, an amount outside [0, 1] or a bad count is an
 * error naming the key and the value found.
 * @module
 */
import { z } from 'zod';
import { VARIANT_NAMES } from '../../compress/variants.js';
import { experimentSchema } from '../../conf/schema.js';
import { ConfigValidationError } from '../../conf/validation-error.js';

const positiveInt = z.number().int().positive();
const fraction = z.number().min(0, 'a pruning amount must be in [0, 1]').max(1, 'a pruning amount must be in [0, 1]');
const variant = z.string().refine((name) => (VARIANT_NAMES as string[]).includes(name), {
  message: `unknown variant (known: ${VARIANT_NAMES.join(', ')})`,
});

/** The composed compress config (the `hydra` node aside). */
export const compressSchema = z.strictObject({
  model: experimentSchema.shape.model,
  optimizer: experimentSchema.shape.optimizer,
  data: experimentSchema.shape.data,
  seed: z.number().int().min(0),
  variants: z.array(variant).min(1),
  epochs: z.number().int().min(0),
  finetune_epochs: z.number().int().min(0),
  prune_amounts: z.array(fraction).min(1),
  structured_amount: fraction,
  calibration_batches: positiveInt,
  threads: positiveInt,
  latency: z.strictObject({ batch_sizes: z.array(positiveInt).min(1), warmup: z.number().int().min(0), runs: positiveInt }),
});

/** A validated compress config. */
export type CompressConfig = z.infer<typeof compressSchema>;

/** Checks `config` (plain, resolved data); returns it typed, or throws a ConfigValidationError naming every problem. */
export function validateCompressConfig(config: unknown): CompressConfig {
  const result = compressSchema.safeParse(config);
  if (result.success) return result.data;
  throw new ConfigValidationError(
    result.error.issues.map((issue) => {
      let found: unknown = config;
      for (const key of issue.path) found = (found as Record<PropertyKey, unknown> | undefined)?.[key];
      return `${issue.path.map(String).join('.') || '(root)'}: ${issue.message} (found ${JSON.stringify(found) ?? 'nothing'})`;
    }),
  );
}
