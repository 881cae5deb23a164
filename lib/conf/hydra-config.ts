/**
 * The `hydra` node every composition carries (the parts of Hydra's hydra/config.yaml that apply
 * here): where runs and sweeps write, the job's name and number, the choices made and the
 * overrides given. A primary config may set any of it (`hydra: { run: { dir: ... } }`), and so may
 * `hydra.*=` overrides.
 * @module
 */
import type { ConfigDict } from './omegaconf/index.js';

/** Hydra's defaults for the `hydra` node. */
export function defaultHydraConfig(): ConfigDict {
  return {
    run: { dir: 'outputs/${now:%Y-%m-%d}/${now:%H-%M-%S}' },
    sweep: { dir: 'multirun/${now:%Y-%m-%d}/${now:%H-%M-%S}', subdir: '${hydra.job.num}' },
    output_subdir: '.hydra',
    mode: null,
    verbose: false,
    overrides: { hydra: [], task: [] },
    job: {
      name: 'train',
      chdir: false,
      override_dirname: '',
      id: '???',
      num: '???',
      config_name: null,
      config: { override_dirname: { kv_sep: '=', item_sep: ',', exclude_keys: [] } },
    },
    runtime: { version: '', cwd: '', output_dir: '???', choices: {}, config_sources: [] },
  };
}

/**
 * Hydra's `hydra.job.override_dirname`: the task overrides as given, minus those whose key (without
 * `+`/`~` and `@package`) is in `exclude_keys`, sorted, joined by `item_sep`, then every `=` turned
 * into `kv_sep` (as Hydra's get_overrides_dirname does), for run folders named after what changed.
 */
export function overrideDirname(
  overrides: readonly string[],
  options: { kvSep?: string; itemSep?: string; excludeKeys?: readonly string[] } = {},
): string {
  const excluded = new Set(options.excludeKeys ?? []);
  // A key holds no `=` or `@` (a value may, quoted), so the key is what precedes the first of either.
  const keyOf = (text: string): string => /^(?:\+\+|\+|~)?([^=@]*)/.exec(text)![1]!;
  return overrides
    .filter((text) => !excluded.has(keyOf(text)))
    .sort()
    .join(options.itemSep ?? ',')
    .replaceAll('=', options.kvSep ?? '=');
}
