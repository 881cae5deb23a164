// The CI check: the ratios of a run (nodetorch's time over a peer's, measured in the same run, so a
// slower or busier machine moves both sides) against the committed baseline (bench/baseline.json).
// Absolute times are never compared. Every ratio is oriented so that larger means nodetorch is worse.

/**
 * Fails a ratio that grew past baseline x margin. This VM's times move by up to 40% between runs,
 * on both sides of a ratio, so a smaller margin would flake.
 */
export const DEFAULT_MARGIN = 1.75;

/** The key of a ratio in the baseline: case, row and ratio name. */
export const ratioKey = (caseId, rowKey, ratioName) => `${caseId}/${rowKey}/${ratioName}`;

/**
 * The finite ratios of a suite's results that the baseline holds, by key: of each case, those it
 * names in `checkedRatios` (every ratio when it names none), of every row but those marked
 * `unchecked` (with the reason). Each ratio checked is one more chance of a noisy failure, so cases
 * check the ones against peers and leave the rest to the report.
 */
export function collectRatios(cases) {
  const ratios = {};
  for (const result of cases) {
    for (const row of result.rows) {
      if (row.unchecked) continue;
      for (const [name, value] of Object.entries(row.ratios ?? {})) {
        if (result.checkedRatios && !result.checkedRatios.includes(name)) continue;
        if (Number.isFinite(value) && value > 0) ratios[ratioKey(result.id, row.key, name)] = value;
      }
    }
  }
  return ratios;
}

/**
 * Compares current ratios with baseline ones. A regression is a ratio above baseline x margin; an
 * improvement one below baseline / margin (a hint to refresh the baseline). Keys on one side only
 * are listed (a peer missing on this machine, a new row) and never fail the check.
 */
export function compareRatios(current, baseline, margin = DEFAULT_MARGIN) {
  if (!(margin >= 1)) throw new RangeError(`compareRatios: margin must be at least 1, got ${margin}`);
  const regressions = [];
  const improvements = [];
  const missing = [];
  let checked = 0;
  for (const [key, expected] of Object.entries(baseline)) {
    const actual = current[key];
    if (!Number.isFinite(actual)) {
      missing.push(key);
      continue;
    }
    checked++;
    const entry = { key, baseline: expected, current: actual, factor: actual / expected };
    if (actual > expected * margin) regressions.push(entry);
    else if (actual < expected / margin) improvements.push(entry);
  }
  const added = Object.keys(current).filter((key) => !(key in baseline));
  return { ok: regressions.length === 0, checked, margin, regressions, improvements, missing, added };
}

/**
 * Per key, the better (smaller) of two runs' ratios: a regression has to show in both, since one
 * noisy moment can push a single run's ratio past the margin.
 */
export function betterOfRuns(first, second) {
  const better = { ...first };
  for (const [key, value] of Object.entries(second)) better[key] = key in first ? Math.min(first[key], value) : value;
  return better;
}

/** The comparison as lines for the console. */
export function formatComparison(comparison) {
  const { checked, margin, regressions, improvements, missing, added } = comparison;
  const show = (entry) => `${entry.key}: ${entry.current.toFixed(3)} (baseline ${entry.baseline.toFixed(3)}, x${entry.factor.toFixed(2)})`;
  const lines = [`baseline check: ${checked} ratios against bench/baseline.json (margin x${margin}): ${regressions.length} worse`];
  for (const entry of regressions) lines.push(`  WORSE  ${show(entry)}`);
  for (const entry of improvements) lines.push(`  better ${show(entry)} (refresh with npm run bench:baseline)`);
  if (missing.length) lines.push(`  not measured this run: ${missing.join(', ')}`);
  if (added.length) lines.push(`  not in the baseline: ${added.length} ratios`);
  return lines;
}
