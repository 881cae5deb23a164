/**
 * What a TorchScript value becomes during export: an ONNX tensor (possibly a constant whose values
 * the exporter knows), a constant scalar, list, string or None the symbolic functions read as
 * attributes, or a list of values (Tensor[], or an int[] with computed elements).
 * @module
 */
import type { DTypeName } from '../native.js';
import type { TensorData } from './tensor-data.js';

/** A tensor in the ONNX graph. */
export interface TensorValue {
  kind: 'tensor';
  /** Its ONNX name; empty for a constant not yet written as an initializer. */
  name: string;
  dtype?: DTypeName;
  /** Sizes from the trace (the example's, also along dynamic axes); undefined when even the rank is unknown. */
  shape?: (number | null)[];
  /** The values of a constant. */
  constant?: TensorData;
  /** A TorchScript number held as a 0-d tensor (aten::size's result, arithmetic on it). */
  scalar?: 'int' | 'float' | 'bool';
}

/** A constant that is not a tensor. */
export interface ConstantValue {
  kind: 'constant';
  value: number | boolean | string | null | number[] | boolean[];
  /** c10's type name ('int', 'float', 'int[]', 'NoneType', ...). */
  type: string;
}

/** A list (or tuple) of values. */
export interface ListValue {
  kind: 'list';
  items: Value[];
}

/** A translated value. */
export type Value = TensorValue | ConstantValue | ListValue;

/** A constant value of c10 type `type`. */
export const constantValue = (value: ConstantValue['value'], type: string): ConstantValue => ({ kind: 'constant', value, type });

/** Whether the value is None. */
export const isNone = (value: Value | undefined): boolean => value === undefined || (value.kind === 'constant' && value.value === null);

/** Describes a value for error messages. */
export function describe(value: Value): string {
  if (value.kind === 'tensor') return value.constant ? 'a constant tensor' : 'a tensor computed in the graph';
  if (value.kind === 'list') return `a list of ${value.items.length} values`;
  return `${value.type} ${JSON.stringify(value.value)}`;
}
