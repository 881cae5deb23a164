/**
 * The hand-written Tensor methods, in groups (one file each), installed on Tensor.prototype by
 * lib/index.ts before the generated ones (which then leave these names alone). A hand-written
 * method that ATen also has takes the generated surface's call forms too: when its last argument
 * holds keyword arguments (`x.sum(1, { keepdim: true })`), the call goes to the generated
 * overloads, which read them; positional calls take the hand-written path.
 */
import { isOptions } from '../../ops/overload.js';
import { methodPacket } from '../../ops/surface.js';
import { specsOf } from '../../ops/specs.js';
import { METHOD_NAMES } from '../../ops/methods.generated.js';
import { camelCase, snakeCase } from '../../util/names.js';
import { Tensor } from '../tensor.js';
import { arithmeticMethods, type ArithmeticMethods } from './arithmetic.js';
import { autogradMethods, type AutogradMethods } from './autograd.js';
import { comparisonMethods, type ComparisonMethods } from './comparison.js';
import { conversionMethods, type ConversionMethods } from './conversion.js';
import { elementwiseMethods, type ElementwiseMethods } from './elementwise.js';
import { indexingMethods, type IndexingMethods } from './indexing.js';
import { linalgMethods, type LinalgMethods } from './linalg.js';
import { reductionMethods, type ReductionMethods } from './reductions.js';
import { shapeMethods, type ShapeMethods } from './shape.js';

/** Every hand-written Tensor method. */
export interface HandWrittenMethods
  extends
    ConversionMethods,
    ArithmeticMethods,
    ComparisonMethods,
    ReductionMethods,
    LinalgMethods,
    ElementwiseMethods,
    ShapeMethods,
    IndexingMethods,
    AutogradMethods {}

const groups: readonly object[] = [
  conversionMethods,
  arithmeticMethods,
  comparisonMethods,
  reductionMethods,
  linalgMethods,
  elementwiseMethods,
  shapeMethods,
  indexingMethods,
  autogradMethods,
];

// Methods whose trailing plain object is not keyword arguments: index takes slice objects, and
// `to` its own options (device, dtype, copy, nonBlocking).
const OWN_OBJECT_FORMS = new Set(['index', 'indexPut_', 'to']);
const GENERATED = new Set(METHOD_NAMES);

/** The ATen method a hand-written one shadows, or undefined when ATen has none of that name. */
function atenNameOf(method: string): string | undefined {
  const name = snakeCase(method.replace(/_$/, '')) + (method.endsWith('_') ? '_' : '');
  return GENERATED.has(name) && camelCase(name) === method ? name : undefined;
}

/** The names of the hand-written methods that also take the generated forms (for tests). */
export const METHODS_WITH_GENERATED_FORMS: readonly string[] = groups
  .flatMap((group) => Object.keys(group))
  .filter((method) => !OWN_OBJECT_FORMS.has(method) && atenNameOf(method) !== undefined);

/**
 * Whether `value` is keyword arguments for ATen method `aten`: a plain object whose keys (one at
 * least) all name arguments of its overloads. An empty object, a look-alike of a tensor or an
 * object with other keys goes to the hand-written method, which reports it.
 */
function keywordArguments(aten: string): (value: unknown) => boolean {
  let names: Set<string> | undefined;
  return (value) => {
    if (!isOptions(value)) return false;
    const keys = Object.keys(value);
    if (keys.length === 0) return false;
    names ??= new Set(specsOf(aten).flatMap((spec) => spec[2].map(([name]) => name)));
    return keys.every((key) => names!.has(key));
  };
}

/** Defines the hand-written methods on Tensor.prototype. */
export function installHandWrittenMethods(): void {
  const proto = Tensor.prototype as unknown as Record<string, unknown>;
  for (const group of groups) {
    for (const [method, implementation] of Object.entries(group) as [string, (...args: unknown[]) => unknown][]) {
      const aten = OWN_OBJECT_FORMS.has(method) ? undefined : atenNameOf(method);
      let value = implementation;
      if (aten !== undefined) {
        const isKeywords = keywordArguments(aten);
        value = function (this: Tensor) {
          // `arguments`, not a rest parameter: the hot positional path allocates nothing here.
          // eslint-disable-next-line prefer-rest-params -- see above
          const args = arguments;
          if (args.length > 0 && isKeywords(args[args.length - 1])) return methodPacket(aten).call([this, ...args]);
          return implementation.apply(this, args as unknown as unknown[]);
        };
      }
      Object.defineProperty(proto, method, { value, writable: true, configurable: true });
    }
  }
}
