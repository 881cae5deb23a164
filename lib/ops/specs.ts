/** The generated schema data, indexed by ATen name (built on first use). */
import { SCHEMAS } from './schemas.generated.js';
import type { OpSpec } from './spec.js';

let byName: Map<string, OpSpec[]> | undefined;

/** Every overload of ATen's `name` that the generator covers. */
export function specsOf(name: string): OpSpec[] {
  if (!byName) {
    byName = new Map();
    for (const spec of SCHEMAS) {
      const list = byName.get(spec[0]);
      if (list) list.push(spec);
      else byName.set(spec[0], [spec]);
    }
  }
  return byName.get(name) ?? [];
}

/** The overload `name.overload` ('' for the default), if the generator covers it. */
export function specOf(name: string, overload: string): OpSpec | undefined {
  return specsOf(name).find((spec) => spec[1] === overload);
}
