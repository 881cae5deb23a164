import { native, type OpHandle } from '../native.js';
import { specOf } from '../ops/specs.js';
import { HANDLE } from './handle.js';
import { withCallerStack } from '../util/caller-stack.js';
import { emptyResult, filled } from './result.js';
import { Tensor } from './tensor.js';

/** How an op is called, worked out on first use. */
interface CallPlan {
  /** The schema returns one new (not aliased) Tensor: the result object is made in JS and filled natively. */
  returnsNewTensor: boolean;
  /**
   * -1, or the addon calls it unboxed (native/binding/typed_op.cpp) and this is the bit set of its
   * Tensor arguments, which it takes as handles (native.opTypedTensors; at most four arguments).
   */
  typedTensors: number;
}

/**
 * One ATen operator overload, called through the c10 dispatcher (autograd records through it):
 * unboxed when its schema has a common shape, else boxed by schema. Arguments are positional in
 * schema order, keyword-only ones included; `undefined` takes the schema's default. The handle is
 * looked up on first use. `Args` and `Result` type the call for the overloads lib/ binds by hand
 * (lib/tensor/bound-ops.ts); `new Op(name)` alone takes and returns `unknown`.
 */
export class Op<Args extends readonly unknown[] = unknown[], Result = unknown> {
  private handle: OpHandle | undefined;
  private plan: CallPlan | undefined;

  /** The ATen operator `name` ('add'; 'ns::name' for another namespace) and its `overload` ('Tensor'; '' for the default). */
  constructor(
    readonly name: string,
    readonly overload = '',
  ) {}

  /** Calls the operator; throws TorchError/TypeError naming the op and the bad argument. */
  call(args: Args): Result {
    const handle = (this.handle ??= native.opHandle(this.name, this.overload));
    const plan = (this.plan ??= this.makePlan(handle));
    const list = args as unknown as unknown[];
    if (!plan.returnsNewTensor) return native.callOp(handle, ...list) as Result;
    const out = emptyResult();
    const mask = plan.typedTensors;
    if (mask >= 0 && allTensors(list, mask)) return filled(out, callTyped(handle, out, list, mask)) as Result;
    return filled(out, native.callOpInto(handle, out, ...list)) as Result;
  }

  /**
   * Calls the operator on the libuv thread pool; the current grad mode goes with it. Bad arguments
   * reject too, and a rejection carries the caller's stack.
   */
  callAsync(args: Args): Promise<Result> {
    return withCallerStack(async () => {
      const handle = (this.handle ??= native.opHandle(this.name, this.overload));
      return (await native.callOpAsync(handle, ...(args as unknown as unknown[]))) as Result;
    });
  }

  /** The schema string, e.g. `aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor`. */
  schema(): string {
    return native.opSchema((this.handle ??= native.opHandle(this.name, this.overload)));
  }

  private makePlan(handle: OpHandle): CallPlan {
    const spec = specOf(this.name, this.overload);
    const returns = spec?.[3];
    const returnsNewTensor = returns !== undefined && returns.length === 1 && returns[0]![0] === 'T' && returns[0]![2] < 0;
    // Which arguments are tensors comes from the running LibTorch's schema, not from the generated specs.
    return { returnsNewTensor, typedTensors: returnsNewTensor ? native.opTypedTensors(handle) : -1 };
  }
}

/** Whether every Tensor argument (a bit in `tensorMask`) is a Tensor, not a number standing for one. */
function allTensors(args: unknown[], tensorMask: number): boolean {
  for (let i = 0; i < 4; i++) if (tensorMask & (1 << i) && !(args[i] instanceof Tensor)) return false;
  return true;
}

/** Argument `i` as the typed call takes it: a Tensor's handle, or the value. */
function typedArg(args: unknown[], i: number, tensorMask: number): unknown {
  return tensorMask & (1 << i) ? (args[i] as Tensor)[HANDLE] : args[i];
}

/**
 * native.callOpTyped with fixed arities (typed ops take at most four arguments), which avoids a
 * spread call. `args` goes along untouched: it keeps the tensors whose handles are passed
 * reachable until the addon has read them, whatever the caller still holds.
 */
function callTyped(handle: OpHandle, out: object, args: unknown[], mask: number): number {
  switch (args.length) {
    case 1:
      return native.callOpTyped(handle, out, args, typedArg(args, 0, mask));
    case 2:
      return native.callOpTyped(handle, out, args, typedArg(args, 0, mask), typedArg(args, 1, mask));
    case 3:
      return native.callOpTyped(handle, out, args, typedArg(args, 0, mask), typedArg(args, 1, mask), typedArg(args, 2, mask));
    case 4:
      return native.callOpTyped(
        handle,
        out,
        args,
        typedArg(args, 0, mask),
        typedArg(args, 1, mask),
        typedArg(args, 2, mask),
        typedArg(args, 3, mask),
      );
    default:
      throw new TypeError(`${args.length} arguments for a typed op, which takes at most 4`);
  }
}
