/**
 * How a Tensor refers to its native tensor: a number naming a slot in the addon's tensor table and
 * the slot's generation (native/binding/tensor_table.h), kept under a symbol so that no ordinary
 * property can pass for it; -1 once the tensor is disposed. A copy of a Tensor object that keeps
 * this property (`Object.assign`, lodash's clone) is another reference to the same tensor: once
 * either is disposed or collected, the other reports itself disposed.
 */
export const HANDLE: unique symbol = Symbol('nodetorch.handle');

/** The Tensor constructor's argument that only lib/ and the addon hold: tensors come from factories and ops. */
export const TOKEN: object = Object.freeze({ nodetorch: 'tensor token' });
