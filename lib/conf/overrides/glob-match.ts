/**
 * Python's fnmatch.fnmatchcase, which glob() sweeps filter config group options with: `*`, `?`,
 * `[seq]` and `[!seq]`, matched against the whole name, case-sensitive.
 * @module
 */

// fnmatch.translate, for the pattern forms Hydra's globs use.
function translate(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i++]!;
    if (c === '*') {
      if (!out.endsWith('.*')) out += '.*';
    } else if (c === '?') out += '.';
    else if (c === '[') {
      let j = i;
      if (pattern[j] === '!') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j++;
      if (j >= pattern.length) out += '\\[';
      else {
        let set = pattern.slice(i, j).replace(/\\/g, '\\\\');
        i = j + 1;
        if (set.startsWith('!')) set = `^${set.slice(1)}`;
        else if (set.startsWith('^') || set.startsWith('[')) set = `\\${set}`;
        out += `[${set}]`;
      }
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^(?:${out})$`, 's');
}

/** Whether `name` matches the fnmatch `pattern`. */
export function fnmatch(name: string, pattern: string): boolean {
  return translate(pattern).test(name);
}

/** Hydra's Glob.filter: the names matching an include pattern and no exclude pattern, in order. */
export function filterGlob(names: readonly string[], include: readonly string[], exclude: readonly string[]): string[] {
  return names.filter((name) => include.some((p) => fnmatch(name, p)) && !exclude.some((p) => fnmatch(name, p)));
}
