/** Random, mostly plausible and sometimes wrong arguments over every generated op overload. */
import * as torch from '../../../lib/index.ts';
import { SCHEMAS } from '../../../lib/ops/schemas.generated.ts';
import { ArgFlag } from '../../../lib/ops/spec.ts';
import type { FuzzCategory } from '../case.ts';
import { caseRandom } from '../random.ts';
import { argument, build, code } from '../values.ts';

export const ops: FuzzCategory = {
  name: 'ops',
  counts: { quick: 3000, long: 60000 },
  make(seed, index) {
    const random = caseRandom(seed, index);
    const [name, overload, args] = random.pick(SCHEMAS);
    // Trailing optional arguments are often left out, as callers do.
    let count = args.length;
    while (count > 0 && args[count - 1]![2] & ArgFlag.HasDefault && random.chance(0.5)) count--;
    const specs = args.slice(0, count).map(([, kind, flags, n]) => argument(kind, n, (flags & ArgFlag.Optional) !== 0, random));
    const via = random.pick(['op', 'op', 'surface', 'async'] as const);
    const list = specs.map(code).join(', ');
    const label = `${name}${overload ? '.' + overload : ''}`;
    const call =
      via === 'surface'
        ? `torch.ops.aten.${name}.${overload || 'default'}(${list})`
        : `await new torch.Op('${name}', '${overload}').${via === 'async' ? 'callAsync' : 'call'}([${list}])`;
    return {
      title: `${label} via ${via}`,
      code: call,
      run: () => {
        const values = specs.map(build);
        if (via === 'surface') {
          const packet = (torch.ops.aten as unknown as Record<string, Record<string, (...a: unknown[]) => unknown>>)[name]!;
          return packet[overload || 'default']!(...values);
        }
        const op = new torch.Op(name, overload);
        return via === 'async' ? op.callAsync(values) : op.call(values);
      },
    };
  },
};
