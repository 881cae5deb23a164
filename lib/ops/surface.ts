/**
 * The generated ATen surface at run time: `torch.ops.aten`, the generated `torch.*` functions and
 * Tensor methods, all built lazily from the schema data on first use.
 */
import { Tensor } from '../tensor/tensor.js';
import { camelCase as camel } from '../util/names.js';
import { METHOD_NAMES } from './methods.generated.js';
import { Overload, OverloadPacket } from './overload.js';
import { SCHEMAS } from './schemas.generated.js';
import { specsOf } from './specs.js';
import type { OpSpec } from './spec.js';
import type { AtenOps } from './types.generated.js';

const FUNCTION = 1;
const METHOD = 2;

const overloads = new Map<OpSpec, Overload>();
function overloadOf(spec: OpSpec): Overload {
  let overload = overloads.get(spec);
  if (!overload) overloads.set(spec, (overload = new Overload(spec)));
  return overload;
}

function packet(name: string, displayName: string, variant?: number): OverloadPacket {
  const specs = specsOf(name).filter((spec) => variant === undefined || spec[4] & variant);
  return new OverloadPacket(displayName, specs.map(overloadOf));
}

/** `torch.<camelName>`: the function overloads of ATen's `name`. */
export function torchFunction<F>(name: string): F {
  let resolved: OverloadPacket | undefined;
  const fn = (...args: unknown[]) => (resolved ??= packet(name, `torch.${camel(name)}`, FUNCTION)).call(args);
  Object.defineProperty(fn, 'name', { value: camel(name) });
  return fn as F;
}

const methodPackets = new Map<string, OverloadPacket>();
/** The generated overloads of ATen method `name` (`Tensor.<camelName>`), also where a hand-written method shadows them. */
export function methodPacket(name: string): OverloadPacket {
  let found = methodPackets.get(name);
  if (!found) methodPackets.set(name, (found = packet(name, `Tensor.${camel(name)}`, METHOD)));
  return found;
}

/** Adds the generated methods to Tensor.prototype, leaving hand-written ones in place. */
export function installTensorMethods(): void {
  const proto = Tensor.prototype as unknown as Record<string, unknown>;
  for (const name of METHOD_NAMES) {
    const method = camel(name);
    if (method in proto) continue;
    let resolved: OverloadPacket | undefined;
    Object.defineProperty(proto, method, {
      value: function (this: Tensor, ...args: unknown[]) {
        return (resolved ??= methodPacket(name)).call([this, ...args]);
      },
      writable: true,
      configurable: true,
    });
  }
}

function atenPacket(name: string): unknown {
  const specs = specsOf(name);
  const all = packet(name, `torch.ops.aten.${name}`);
  const callable = (...args: unknown[]) => all.call(args);
  for (const spec of specs) {
    const overload = overloadOf(spec);
    const call = (...args: unknown[]) => overload.call(args);
    Object.defineProperty(callable, spec[1] || 'default', { value: call, enumerable: true });
  }
  return callable;
}

/**
 * `torch.ops.aten.<name>` and `torch.ops.aten.<name>.<overload>` for every supported overload. Each
 * name is a getter that builds its packet on first use and then becomes a plain property.
 */
export const aten = {} as AtenOps;
for (const name of new Set(SCHEMAS.map((spec) => spec[0]))) {
  Object.defineProperty(aten, name, {
    enumerable: true,
    configurable: true,
    get() {
      const value = atenPacket(name);
      Object.defineProperty(aten, name, { value, enumerable: true });
      return value;
    },
  });
}

/** `torch.ops`. */
export const ops = { aten };
