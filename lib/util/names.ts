/** PyTorch's snake_case names and nodetorch's camelCase ones, both ways. @module */

/** `keep_dim` -> `keepDim`; a trailing underscore (in-place ops) stays: `add_` -> `add_`. */
export function camelCase(name: string): string {
  const trailing = name.endsWith('_') ? '_' : '';
  return (trailing ? name.slice(0, -1) : name).replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()) + trailing;
}

/** `weightDecay` -> `weight_decay`. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
