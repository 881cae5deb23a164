import { native, type OpHandle } from '../native.js';

/**
 * One ATen operator overload, called through the c10 dispatcher by schema (autograd records
 * through it). Arguments are positional in schema order, keyword-only ones included; `undefined`
 * takes the schema's default. The handle is looked up on first use.
 */
export class Op {
  private handle: OpHandle | undefined;
  private typed: boolean | undefined;

  constructor(
    readonly name: string,
    readonly overload = '',
  ) {}

  /** Calls the operator; throws TorchError/TypeError naming the op and the bad argument. */
  call(args: unknown[]): unknown {
    return native.callOp((this.handle ??= native.opHandle(this.name, this.overload)), ...args);
  }

  /**
   * Calls an operator that returns one new Tensor, filling `out` (a Tensor just made for it, see
   * emptyResult in tensor.ts) without the addon calling back into JS; returns the handle or -1.
   */
  callInto(out: object, args: unknown[]): number {
    return native.callOpInto((this.handle ??= native.opHandle(this.name, this.overload)), out, ...args);
  }

  /** Whether the addon calls this op unboxed, so that callTyped may be used. */
  isTyped(): boolean {
    return (this.typed ??= native.opIsTyped((this.handle ??= native.opHandle(this.name, this.overload))));
  }

  /** callInto for a typed op (isTyped()), with every Tensor argument replaced by its handle. */
  callTyped(out: object, args: unknown[]): number {
    const handle = this.handle!;
    // Fixed arities avoid a spread call on the hot path (typed ops take at most three arguments).
    switch (args.length) {
      case 1:
        return native.callOpTyped(handle, out, args[0]);
      case 2:
        return native.callOpTyped(handle, out, args[0], args[1]);
      case 3:
        return native.callOpTyped(handle, out, args[0], args[1], args[2]);
      default:
        return native.callOpTyped(handle, out, ...args);
    }
  }

  /** Calls the operator on the libuv thread pool; the current grad mode goes with it. */
  callAsync(args: unknown[]): Promise<unknown> {
    return native.callOpAsync((this.handle ??= native.opHandle(this.name, this.overload)), ...args);
  }

  /** The schema string, e.g. `aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor`. */
  schema(): string {
    return native.opSchema((this.handle ??= native.opHandle(this.name, this.overload)));
  }
}
