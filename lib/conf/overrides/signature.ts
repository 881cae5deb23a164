/**
 * Calling a grammar function the way Hydra's Functions.eval does: Python's argument binding
 * (inspect.Signature.bind, with its messages) and a check of each argument against the
 * function's annotation ("mismatch type argument start: str is incompatible with Union[int, float]").
 * @module
 */
import { PyDict, PyError, QuotedString, pyTypeName, type PyValue } from './py-values.js';
import { PyChoiceSweep, PyRangeSweep, PySweep } from './sweeps.js';

/** A parameter annotation: the name Python prints for it and whether a value satisfies it. */
export interface ParamType {
  readonly name: string;
  accepts(value: PyValue): boolean;
}

/** One parameter: positional-or-keyword, `*args`, or keyword-only. */
export interface Param {
  readonly name: string;
  readonly kind: 'positional' | 'varargs' | 'keyword';
  readonly type: ParamType;
  /** The default value; absent for a required parameter. */
  readonly default?: PyValue;
}

/** Arguments bound to parameters, defaults filled in: `*args` in `varargs`, the rest by name. */
export interface BoundArguments {
  readonly varargs: PyValue[];
  readonly named: ReadonlyMap<string, PyValue>;
}

const isInt = (v: PyValue): boolean => typeof v === 'bigint' || typeof v === 'boolean'; // isinstance(v, int)
const isFloat = (v: PyValue): boolean => typeof v === 'number';
const isStr = (v: PyValue): boolean => typeof v === 'string';
const isList = (v: PyValue): boolean => Array.isArray(v);
const isDict = (v: PyValue): boolean => v instanceof PyDict;
const isElementType = (v: PyValue): boolean => isStr(v) || isInt(v) || isFloat(v) || isList(v) || isDict(v);

function type(name: string, accepts: (value: PyValue) => boolean): ParamType {
  return { name, accepts };
}

/** The annotations Hydra's grammar functions use. */
export const types = {
  any: type('Any', () => true),
  /** `bool` alone matches exactly bool (is_type_matching compares the type itself). */
  bool: type('bool', (v) => typeof v === 'boolean'),
  number: type('Union[int, float]', (v) => isInt(v) || isFloat(v)),
  optionalNumber: type('Optional[Union[int, float]]', (v) => v === null || isInt(v) || isFloat(v)),
  cast: type(
    'Optional[Union[str, int, float, bool, List[Any], Dict[str, Any], QuotedString, Sweep]]',
    (v) => v === null || isElementType(v) || v instanceof QuotedString || v instanceof PySweep,
  ),
  choiceItem: type(
    'Union[str, int, float, bool, Dict[Any, Any], List[Any], ChoiceSweep]',
    (v) => isElementType(v) || v instanceof PyChoiceSweep,
  ),
  orderable: type(
    'Union[str, int, bool, float, List[Any], Dict[str, Any], ChoiceSweep, RangeSweep]',
    (v) => isElementType(v) || v instanceof PyChoiceSweep || v instanceof PyRangeSweep,
  ),
  optionalOrderableSweep: type(
    'Optional[Union[ChoiceSweep, RangeSweep]]',
    (v) => v === null || v instanceof PyChoiceSweep || v instanceof PyRangeSweep,
  ),
  optionalList: type('Optional[List[Any]]', (v) => v === null || isList(v)),
  tagItem: type('Union[str, Sweep]', (v) => isStr(v) || v instanceof PySweep),
  optionalSweep: type('Optional[Sweep]', (v) => v === null || v instanceof PySweep),
  patterns: type('Union[List[str], str]', (v) => isList(v) || isStr(v)),
  optionalPatterns: type('Optional[Union[List[str], str]]', (v) => v === null || isList(v) || isStr(v)),
};

/** Binds `args` and `kwargs` to `params` as inspect.Signature.bind does, then checks each bound argument's type. */
export function bindArguments(params: readonly Param[], args: readonly PyValue[], kwargs: ReadonlyMap<string, PyValue>): BoundArguments {
  const remaining = new Map(kwargs);
  const bound = new Map<string, PyValue | PyValue[]>();
  let index = 0;
  let positionalDone = false;
  for (const param of params) {
    if (positionalDone || param.kind === 'keyword') break;
    if (index >= args.length) {
      // Out of positional arguments: a required parameter must come by keyword.
      if (param.kind !== 'varargs' && param.default === undefined && !remaining.has(param.name))
        throw new PyError('TypeError', `missing a required argument: '${param.name}'`);
      break;
    }
    if (param.kind === 'varargs') {
      bound.set(param.name, args.slice(index));
      index = args.length;
      positionalDone = true;
      continue;
    }
    if (remaining.has(param.name)) throw new PyError('TypeError', `multiple values for argument '${param.name}'`);
    bound.set(param.name, args[index++]!);
  }
  if (index < args.length) throw new PyError('TypeError', 'too many positional arguments');
  for (const param of params) {
    if (bound.has(param.name) || param.kind === 'varargs') continue;
    if (remaining.has(param.name)) {
      bound.set(param.name, remaining.get(param.name)!);
      remaining.delete(param.name);
    } else if (param.default === undefined) throw new PyError('TypeError', `missing a required argument: '${param.name}'`);
  }
  const unexpected = remaining.keys().next();
  if (!unexpected.done) throw new PyError('TypeError', `got an unexpected keyword argument '${unexpected.value}'`);

  for (const param of params) {
    const value = bound.get(param.name);
    if (value === undefined) continue;
    if (param.kind === 'varargs')
      (value as PyValue[]).forEach((item, i) => {
        if (!param.type.accepts(item))
          throw new PyError(
            'TypeError',
            `mismatch type argument ${param.name}[${i}]: ${pyTypeName(item)} is incompatible with ${param.type.name}`,
          );
      });
    else if (!param.type.accepts(value))
      throw new PyError('TypeError', `mismatch type argument ${param.name}: ${pyTypeName(value)} is incompatible with ${param.type.name}`);
  }
  const named = new Map<string, PyValue>();
  let varargs: PyValue[] = [];
  for (const param of params) {
    if (param.kind === 'varargs') varargs = (bound.get(param.name) as PyValue[] | undefined) ?? [];
    else named.set(param.name, bound.has(param.name) ? (bound.get(param.name) as PyValue) : param.default!);
  }
  return { varargs, named };
}
