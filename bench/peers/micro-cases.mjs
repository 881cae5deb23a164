// The micro cases: what one call of nodetorch costs, each with the Python torch statement that does
// the same work (null where Python has no counterpart). `perCall` divides a case that makes several
// calls per run. Shared by the nodetorch peer (which runs them) and the Python peer (which gets the
// statements on its command line).
export const SMALL = 4;
export const LARGE = 1 << 20; // 4 MiB of float32: transfer cost, not call cost
export const TIDY_SCOPE = 100;
// Why a case's ratio is reported but not checked against the baseline.
const FIRST_TOUCH =
  "each call's 4 MiB lives until V8's next collection, so the loop keeps writing memory the VM has not touched yet, and on this project's fresh VMs that first touch costs 0.3-3 ms per call from run to run (Python frees and reuses one block)";

/** @param {typeof import('nodetorch')} torch */
export function microCases(torch, fixtures) {
  const { a, b, m4, n4, small, large, smallArray, largeArray, tiny, tinyInput } = fixtures;
  const { aten } = torch.ops;
  return [
    { id: 'add-generated-exact', label: 'torch.ops.aten.add.Tensor(a, b) (generated path, exact overload)', fn: () => aten.add.Tensor(a, b).dispose(), python: 'torch.ops.aten.add.Tensor(a, b)' },
    { id: 'add-generated', label: 'torch.add(a, b) (generated path, overload resolution)', fn: () => torch.add(a, b).dispose(), python: 'torch.add(a, b)' },
    { id: 'add-hot-path', label: 'a.add(b) (hand-bound hot path)', fn: () => a.add(b).dispose(), python: 'a.add(b)' },
    { id: 'handle-alone', label: 'a tensor handle alone (aten.alias, no compute)', fn: () => aten.alias.default(a).dispose(), python: 'torch.ops.aten.alias(a)' },
    {
      id: 'add-tidy',
      label: `torch.add(a, b) in torch.tidy scopes of ${TIDY_SCOPE} (per call)`,
      perCall: TIDY_SCOPE,
      fn: () =>
        torch.tidy(() => {
          for (let i = 0; i < TIDY_SCOPE; i++) torch.add(a, b);
        }),
      python: null,
    },
    { id: 'add-gc', label: 'torch.add(a, b) left to the garbage collector', fn: () => torch.add(a, b), python: null },
    { id: 'create-zeros', label: `torch.zeros([${SMALL}])`, fn: () => torch.zeros([SMALL]).dispose(), python: `torch.zeros(${SMALL})` },
    { id: 'create-from-js-array', label: 'torch.tensor([1, 2, 3, 4])', fn: () => torch.tensor([1, 2, 3, 4]).dispose(), python: 'torch.tensor([1.0, 2.0, 3.0, 4.0])' },
    { id: 'from-typed-array-small', label: `fromTypedArray(Float32Array(${SMALL})) (shares memory)`, fn: () => torch.fromTypedArray(smallArray).dispose(), python: 'torch.from_numpy(small_np)' },
    { id: 'from-typed-array-large', label: 'fromTypedArray(Float32Array(2^20), { copy: true })', fn: () => torch.fromTypedArray(largeArray, undefined, { copy: true }).dispose(), python: 'torch.tensor(large_np)' },
    { id: 'to-typed-array-small', label: `toTypedArray() of ${SMALL} floats (a copy)`, fn: () => small.toTypedArray(), python: 'small.numpy().copy()' },
    { id: 'to-typed-array-large', label: 'toTypedArray() of 2^20 floats (a copy)', fn: () => large.toTypedArray(), python: 'large.numpy().copy()', unchecked: FIRST_TOUCH },
    { id: 'matmul-sync', label: 'a.matmul(b), 4x4', fn: () => m4.matmul(n4).dispose(), python: 'm4.matmul(n4)' },
    { id: 'matmul-async', label: 'await a.matmulAsync(b), 4x4 (a worker thread round trip)', async: () => m4.matmulAsync(n4).then((t) => t.dispose()), python: null },
    { id: 'forward-sync', label: 'tiny MLP forward, batch 8 (native plan)', fn: () => torch.noGrad(() => tiny.forward(tinyInput)).dispose(), python: 'tiny(tiny_input)' },
    { id: 'forward-async', label: 'await tiny MLP forwardAsync, batch 8', async: () => tiny.forwardAsync(tinyInput).then((t) => t.dispose()), python: null },
  ]; // prettier-ignore
}
