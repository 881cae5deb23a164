/**
 * Python's spelling of values, for the parts of Hydra's messages that print a value with `str()`,
 * `repr()` or `type().__name__` (users of Hydra search for these messages verbatim).
 * @module
 */

/** `str(value)` as an f-string prints it: strings bare, lists and dicts in repr form. */
export function pyStr(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value);
}

/** `repr(value)` for the YAML values a defaults list or an override can hold. */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pyFloat(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`);
    return `{${entries.join(', ')}}`;
  }
  // YAML yields none of these; name the kind rather than print something misleading.
  return typeof value === 'bigint' ? value.toString() : `<${typeof value}>`;
}

/** The Python type name OmegaConf reports for a YAML value (containers as OmegaConf's node types). */
export function pyTypeName(value: unknown, containers: 'omegaconf' | 'python' = 'omegaconf'): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (Array.isArray(value)) return containers === 'omegaconf' ? 'ListConfig' : 'list';
  if (typeof value === 'object') return containers === 'omegaconf' ? 'DictConfig' : 'dict';
  return typeof value;
}

function pyFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  return String(value);
}
