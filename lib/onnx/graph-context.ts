/**
 * The ONNX graph under construction: nodes, initializers and unique names, and the helpers the
 * symbolic functions write it with (ops with inferred shapes, constants, casts, turning scalars and
 * lists into tensors).
 * @module
 */
import type { DTypeName } from '../native.js';
import { UnsupportedError } from './errors.js';
import { AttributeType, type AttributeProto, type NodeProto, type TensorProto } from './proto.js';
import { inferOutputs, type AttributeValue } from './shape-inference.js';
import { makeTensorData, numbersOf, onnxDtype, toTensorProto, type TensorData } from './tensor-data.js';
import { describe, type TensorValue, type Value } from './values.js';

/** Attributes of an op; undefined ones are left out. */
export type Attributes = Record<string, AttributeValue | undefined>;

// ONNX attributes of type float, by name (the same name has the same type across the ops we write).
const FLOAT_ATTRIBUTES = new Set([
  'alpha',
  'beta',
  'gamma',
  'epsilon',
  'momentum',
  'cubic_coeff_a',
  'extrapolation_value',
  'lambd',
  'clip',
]);
const FLOATS_ATTRIBUTES = new Set(['activation_alpha', 'activation_beta', 'scales']);
const encoder = new TextEncoder();

function encodeAttribute(name: string, value: AttributeValue): AttributeProto {
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: encoder.encode(value) };
  if (typeof value === 'number') {
    if (FLOAT_ATTRIBUTES.has(name)) return { name, type: AttributeType.FLOAT, f: value };
    if (!Number.isInteger(value)) throw new Error(`attribute ${name} must be an integer, got ${value}`);
    return { name, type: AttributeType.INT, i: value };
  }
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every((v) => typeof v === 'string'))
      return { name, type: AttributeType.STRINGS, strings: value.map((v) => encoder.encode(v)) };
    const numbers = value as number[];
    if (FLOATS_ATTRIBUTES.has(name)) return { name, type: AttributeType.FLOATS, floats: numbers };
    return { name, type: AttributeType.INTS, ints: numbers };
  }
  return { name, type: AttributeType.TENSOR, t: toTensorProto('', value) };
}

/** The graph being written, and where in the TorchScript graph the translation is. */
export class GraphContext {
  /** The nodes, in order. */
  readonly nodes: NodeProto[] = [];
  /** The constants. */
  readonly initializers: TensorProto[] = [];
  /** The module path of the node being translated (names the ONNX nodes after it). */
  scope = '';
  /**
   * Whether some input sizes vary (dynamic axes): sizes the trace recorded as numbers are then
   * computed from the runtime shapes where the mapping can tell how (reshape targets, sizes).
   */
  dynamic = false;
  private readonly used = new Set<string>();
  private readonly constants = new Map<string, TensorData>();
  private count = 0;

  /** A graph for ONNX opset `opset`; `reserved` are names already taken (the graph's inputs). */
  constructor(
    readonly opset: number,
    reserved: Iterable<string> = [],
  ) {
    for (const name of reserved) this.used.add(name);
  }

  /** A name no value has yet, from `base`. */
  uniqueName(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}.${i}`;
    this.used.add(name);
    return name;
  }

  private prefix(): string {
    return this.scope ? `/${this.scope.replace(/\./g, '/')}/` : '/';
  }

  /** The ONNX name of a value, writing a constant as an initializer the first time it is used. */
  nameOf(value: TensorValue): string {
    if (!value.name) {
      value.name = this.uniqueName(`${this.prefix()}Constant_${this.count++}`);
      this.initializers.push(toTensorProto(value.name, value.constant!));
      this.constants.set(value.name, value.constant!);
    }
    return value.name;
  }

  /** The values of a tensor when they are known while exporting. */
  constantOf(value: TensorValue | undefined): TensorData | undefined {
    return value && (value.constant ?? this.constants.get(value.name));
  }

  /**
   * Appends node `type` and returns its `outputs` outputs, with shapes and dtypes inferred from
   * the inputs. An undefined input is an omitted optional one.
   */
  ops(type: string, inputs: (TensorValue | undefined)[], attributes: Attributes = {}, outputs = 1): TensorValue[] {
    const index = this.count++;
    const name = this.uniqueName(`${this.prefix()}${type}_${index}`);
    const inputNames = inputs.map((input) => (input ? this.nameOf(input) : ''));
    while (inputNames.length && inputNames[inputNames.length - 1] === '') inputNames.pop();
    const defined = Object.entries(attributes).filter((entry): entry is [string, AttributeValue] => entry[1] !== undefined);
    const known = inputs.map((input) => input && { shape: input.shape, dtype: input.dtype, constant: this.constantOf(input) });
    const inferred = inferOutputs(type, known, Object.fromEntries(defined), outputs);
    const results = inferred.map((info, i): TensorValue => ({
      kind: 'tensor',
      name: this.uniqueName(`${name}_output_${i}`),
      dtype: info.dtype,
      shape: info.shape,
    }));
    this.nodes.push({
      name,
      op_type: type,
      input: inputNames,
      output: results.map((r) => r.name),
      attribute: defined.map(([key, value]) => encodeAttribute(key, value)),
    });
    return results;
  }

  /** {@link ops} for an op with one output. */
  op(type: string, inputs: (TensorValue | undefined)[], attributes: Attributes = {}): TensorValue {
    return this.ops(type, inputs, attributes, 1)[0]!;
  }

  /** A constant tensor (written as an initializer when an op uses it). */
  constant(data: TensorData): TensorValue {
    return { kind: 'tensor', name: '', dtype: data.dtype, shape: [...data.dims], constant: data };
  }

  /** A 1-D int64 constant (axes, sizes, pads). */
  ints(values: number[]): TensorValue {
    return this.constant(makeTensorData('int64', [values.length], values));
  }

  /** A 0-d constant of `dtype`. */
  scalar(value: number | boolean, dtype: DTypeName): TensorValue {
    return this.constant(makeTensorData(dtype, [], [value]));
  }

  /** `value` as `dtype`: itself when it is already, a converted constant, or a Cast. */
  cast(value: TensorValue, dtype: DTypeName | undefined): TensorValue {
    if (!dtype || value.dtype === dtype) return value;
    const known = this.constantOf(value);
    if (known) return { ...this.constant(makeTensorData(dtype, known.dims, numbersOf(known))), scalar: value.scalar };
    return { ...this.op('Cast', [value], { to: onnxDtype(dtype) }), scalar: value.scalar };
  }

  /**
   * `value` as a tensor: a tensor as is; a number or boolean as a 0-d constant (of `dtype`, else
   * int64, float32 or bool); a list of ints as a 1-D int64 tensor, computed when some are.
   */
  tensor(value: Value, dtype?: DTypeName): TensorValue {
    if (value.kind === 'tensor') return dtype ? this.cast(value, dtype) : value;
    if (value.kind === 'constant') {
      const v = value.value;
      if (typeof v === 'number' || typeof v === 'boolean') {
        const natural: DTypeName = typeof v === 'boolean' ? 'bool' : value.type === 'int' ? 'int64' : 'float32';
        return { ...this.scalar(v, dtype ?? natural), scalar: typeof v === 'boolean' ? 'bool' : value.type === 'int' ? 'int' : 'float' };
      }
      if (Array.isArray(v)) {
        const natural: DTypeName = value.type.startsWith('float') ? 'float32' : value.type.startsWith('bool') ? 'bool' : 'int64';
        return this.constant(makeTensorData(dtype ?? natural, [v.length], v));
      }
      throw new UnsupportedError(`expected a tensor or a number, got ${describe(value)}`);
    }
    const items = value.items.map((item) => this.tensor(item, dtype ?? 'int64'));
    if (items.some((item) => item.shape?.length !== 0))
      throw new UnsupportedError('a list of tensors cannot be used as one tensor here (only lists of numbers can)');
    if (items.every((item) => this.constantOf(item)))
      return this.constant(
        makeTensorData(
          items[0]?.dtype ?? 'int64',
          [items.length],
          items.flatMap((i) => numbersOf(this.constantOf(i)!)),
        ),
      );
    const axis = this.ints([0]);
    return this.op(
      'Concat',
      items.map((item) => this.op('Unsqueeze', [item, axis])),
      { axis: 0 },
    );
  }
}
