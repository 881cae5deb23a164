/**
 * The `early_terminate` section: W&B's hyperband (min_iter, or max_iter with s; eta defaults to
 * 3, strict to true as W&B's engine fills it from its schema) and our median stopping rule.
 * @module
 */
import { SweepConfigError, joinPath } from './errors.js';
import { rejectUnknownKeys, requireChoice, requireInteger, requireNumber, requireObject, type RawContext } from './raw.js';
import type { EarlyTerminateConfig, HyperbandConfig } from './types.js';
import { describeValue } from '../util/validate.js';

/** The early termination types. */
export const EARLY_TERMINATE_TYPES = ['hyperband', 'median'] as const;

/** W&B's brackets: max_iter/eta, max_iter/eta², ... (s of them, truncated, ascending), or min_iter·etaⁱ. */
export function hyperbandBands(config: HyperbandConfig): number[] {
  const bands: number[] = [];
  if (config.max_iter !== undefined) {
    let band = config.max_iter;
    for (let i = 0; i < (config.s ?? 0); i++) {
      band /= config.eta;
      if (band < 1) break;
      bands.push(Math.trunc(band));
    }
    return bands.sort((a, b) => a - b);
  }
  // W&B lists 100 brackets; past 2^53 they no longer count iterations anyone logs.
  let band = config.min_iter!;
  for (let i = 0; i < 100 && band <= Number.MAX_SAFE_INTEGER; i++, band *= config.eta) bands.push(Math.trunc(band));
  return bands;
}

function parseHyperband(object: Record<string, unknown>, path: string, context: RawContext): HyperbandConfig {
  rejectUnknownKeys(object, ['type', 'min_iter', 'max_iter', 's', 'eta', 'strict'], path, 'for hyperband');
  const config: HyperbandConfig = { type: 'hyperband', eta: 3, strict: true };
  if (object.eta !== undefined) {
    config.eta = requireNumber(object.eta, joinPath(path, 'eta'));
    if (config.eta <= 1) throw new SweepConfigError(joinPath(path, 'eta'), `expected a number > 1, got ${config.eta}`);
  }
  if (object.strict !== undefined) {
    if (typeof object.strict !== 'boolean')
      throw new SweepConfigError(joinPath(path, 'strict'), `expected true or false, got ${describeValue(object.strict)}`);
    config.strict = object.strict;
  }
  if (object.min_iter !== undefined) config.min_iter = requireInteger(object.min_iter, joinPath(path, 'min_iter'), context, 1);
  if (object.max_iter !== undefined) {
    config.max_iter = requireInteger(object.max_iter, joinPath(path, 'max_iter'), context, 1);
    if (object.s === undefined) throw new SweepConfigError(joinPath(path, 's'), 'required with max_iter (the number of brackets)');
  }
  if (object.s !== undefined) config.s = requireInteger(object.s, joinPath(path, 's'), context, 1);
  if (config.min_iter === undefined && config.max_iter === undefined)
    throw new SweepConfigError(path, 'hyperband needs min_iter, or max_iter and s');
  if (hyperbandBands(config).length === 0)
    throw new SweepConfigError(
      path,
      `max_iter ${config.max_iter} / eta ${config.eta} is below 1: no brackets; raise max_iter or lower eta`,
    );
  return config;
}

/** The validated `early_terminate` section. */
export function parseEarlyTerminate(raw: unknown, path: string, context: RawContext): EarlyTerminateConfig {
  const object = requireObject(raw, path);
  const type = requireChoice(object.type, EARLY_TERMINATE_TYPES, joinPath(path, 'type'), 'early_terminate type');
  if (type === 'hyperband') return parseHyperband(object, path, context);
  rejectUnknownKeys(object, ['type', 'min_iter', 'min_runs'], path, 'for median stopping');
  return {
    type: 'median',
    min_iter: object.min_iter === undefined ? 1 : requireInteger(object.min_iter, joinPath(path, 'min_iter'), context, 1),
    min_runs: object.min_runs === undefined ? 5 : requireInteger(object.min_runs, joinPath(path, 'min_runs'), context, 1),
  };
}
