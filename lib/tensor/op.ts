import { native, type OpHandle } from '../native.js';

/**
 * One ATen operator overload, called through the c10 dispatcher by schema (autograd records
 * through it). Arguments are positional in schema order, keyword-only ones included; `undefined`
 * takes the schema's default. The handle is looked up on first use.
 */
export class Op {
  private handle: OpHandle | undefined;

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

  /** Calls the operator on the libuv thread pool; the current grad mode goes with it. */
  callAsync(args: unknown[]): Promise<unknown> {
    return native.callOpAsync((this.handle ??= native.opHandle(this.name, this.overload)), ...args);
  }

  /** The schema string, e.g. `aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor`. */
  schema(): string {
    return native.opSchema((this.handle ??= native.opHandle(this.name, this.overload)));
  }
}
