/**
 * The function table of the override grammar (Hydra's create_functions), and calling into it:
 * arguments are unquoted at the top level, bound, type-checked, then the function runs.
 * @module
 */
import { castBool, castFloat, castInput, castInt, castJsonStr, castStr } from './casts.js';
import { choice, extendList, glob, interval, range, shuffle, sort, tag, type RandomSource } from './grammar-functions.js';
import { PyError, QuotedString, type PyValue } from './py-values.js';
import { bindArguments, types, type BoundArguments, type Param } from './signature.js';

interface GrammarFunction {
  readonly params: readonly Param[];
  call(bound: BoundArguments, random: RandomSource): PyValue;
}

const varargs = (type: Param['type']): Param => ({ name: 'args', kind: 'varargs', type });
const keyword = (name: string, type: Param['type'], value: PyValue): Param => ({ name, kind: 'keyword', type, default: value });
const positional = (name: string, type: Param['type'], value?: PyValue): Param => ({
  name,
  kind: 'positional',
  type,
  ...(value === undefined ? {} : { default: value }),
});
const named = (bound: BoundArguments, name: string): PyValue => bound.named.get(name)!;

function cast(apply: (value: PyValue) => PyValue): GrammarFunction {
  return {
    params: [varargs(types.cast), keyword('value', types.cast, null)],
    call: (bound) => apply(castInput(bound.varargs, named(bound, 'value'))),
  };
}

const orderingParams = [
  varargs(types.orderable),
  keyword('sweep', types.optionalOrderableSweep, null),
  keyword('list', types.optionalList, null),
];

const functions: ReadonlyMap<string, GrammarFunction> = new Map<string, GrammarFunction>([
  ['int', cast(castInt)],
  ['str', cast(castStr)],
  ['bool', cast(castBool)],
  ['float', cast(castFloat)],
  [
    'json_str',
    {
      params: [varargs(types.any), keyword('value', types.any, null)],
      call: (bound) => castJsonStr(castInput(bound.varargs, named(bound, 'value'))),
    },
  ],
  ['choice', { params: [varargs(types.choiceItem)], call: (bound) => choice(bound.varargs) }],
  [
    'range',
    {
      params: [positional('start', types.number), positional('stop', types.optionalNumber, null), positional('step', types.number, 1n)],
      call: (bound) => range(named(bound, 'start'), named(bound, 'stop'), named(bound, 'step')),
    },
  ],
  [
    'interval',
    {
      params: [positional('start', types.number), positional('end', types.number)],
      call: (bound) => interval(named(bound, 'start'), named(bound, 'end')),
    },
  ],
  [
    'tag',
    {
      params: [varargs(types.tagItem), keyword('sweep', types.optionalSweep, null)],
      call: (bound) => tag(bound.varargs, named(bound, 'sweep')),
    },
  ],
  [
    'sort',
    {
      params: [...orderingParams, keyword('reverse', types.bool, false)],
      call: (bound) => sort(bound.varargs, named(bound, 'sweep'), named(bound, 'list'), named(bound, 'reverse') as boolean),
    },
  ],
  [
    'shuffle',
    { params: orderingParams, call: (bound, random) => shuffle(bound.varargs, named(bound, 'sweep'), named(bound, 'list'), random) },
  ],
  [
    'glob',
    {
      params: [positional('include', types.patterns), positional('exclude', types.optionalPatterns, null)],
      call: (bound) => glob(named(bound, 'include'), named(bound, 'exclude')),
    },
  ],
  ['extend_list', { params: [varargs(types.any)], call: (bound) => extendList(bound.varargs) }],
]);

/** The names of the grammar's functions, sorted. */
export const functionNames: readonly string[] = [...functions.keys()].sort();

const unquote = (value: PyValue): PyValue => (value instanceof QuotedString ? value.text : value);

/** Calls grammar function `name`; a PyError carries Python's exception type and message. */
export function callFunction(name: string, args: readonly PyValue[], kwargs: ReadonlyMap<string, PyValue>, random: RandomSource): PyValue {
  const fn = functions.get(name);
  if (fn === undefined) throw new PyError('HydraException', `Unknown function '${name}'\nAvailable: ${functionNames.join(',')}\n`);
  const bound = bindArguments(fn.params, args.map(unquote), new Map([...kwargs].map(([key, value]) => [key, unquote(value)])));
  return fn.call(bound, random);
}
