/**
 * How a Tensor refers to its native tensor: a slot number in the addon's tensor table, kept under a
 * symbol so that no ordinary property can pass for it. -1 once the tensor is disposed.
 */
export const HANDLE: unique symbol = Symbol('nodetorch.handle');

/** The Tensor constructor's argument that only lib/ and the addon hold: tensors come from factories and ops. */
export const TOKEN: object = Object.freeze({ nodetorch: 'tensor token' });
