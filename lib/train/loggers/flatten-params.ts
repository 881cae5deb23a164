/**
 * Nested hyperparameters as flat keys joined by '/' (Lightning's `_flatten_dict`), for loggers
 * that store one value per key (MLflow params, TensorBoard's HParams tab).
 * @module
 */

/** `{ optimizer: { lr: 0.1 } }` -> `{ 'optimizer/lr': 0.1 }`; arrays and primitives are leaves. */
export function flattenParams(params: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    const name = prefix ? `${prefix}/${key}` : key;
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      Object.assign(flat, flattenParams(value as Record<string, unknown>, name));
    else flat[name] = value;
  }
  return flat;
}
