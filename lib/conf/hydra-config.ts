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
 * Hydra's `hydra.job.override_dirname`: the task overrides sorted, `key=value` joined by `,`
 * (minus `exclude_keys`), for run folders named after what changed.
 */
export function overrideDirname(
  overrides: readonly string[],
  options: { kvSep?: string; itemSep?: string; excludeKeys?: readonly string[] } = {},
): string {
  const kvSep = options.kvSep ?? '=';
  const excluded = new Set(options.excludeKeys ?? []);
  return overrides
    .map((text) => {
      const at = text.indexOf('=');
      return at < 0
        ? { key: text, line: text }
        : { key: text.slice(0, at).replace(/^[+~]+/, ''), line: text.slice(0, at) + kvSep + text.slice(at + 1) };
    })
    .filter(({ key }) => !excluded.has(key))
    .map(({ line }) => line)
    .sort()
    .join(options.itemSep ?? ',');
}
