/**
 * ONNX's protocol buffers through protobufjs, from the descriptor generated out of the official
 * onnx.proto (lib/onnx/onnx.proto, ONNX 1.12.0): the message shapes the exporter builds, with the
 * proto's own field names, and their encoding.
 * @module
 */
import protobuf from 'protobufjs';
import { onnxDescriptor } from './onnx-schema.generated.js';

/** TensorProto.DataType. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
} as const;

/** AttributeProto.AttributeType. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

/** TensorProto, as written: data in little-endian `raw_data`. */
export interface TensorProto {
  name?: string;
  dims: number[];
  data_type: number;
  raw_data: Uint8Array;
}

/** AttributeProto (the fields the exporter uses). */
export interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

/** NodeProto. */
export interface NodeProto {
  name: string;
  op_type: string;
  domain?: string;
  input: string[];
  output: string[];
  attribute: AttributeProto[];
  doc_string?: string;
}

/** One dimension of a TensorShapeProto: a size, a named symbol, or unknown (neither). */
export interface DimensionProto {
  dim_value?: number;
  dim_param?: string;
}

/** ValueInfoProto of a tensor. */
export interface ValueInfoProto {
  name: string;
  type: { tensor_type: { elem_type: number; shape?: { dim: DimensionProto[] } } };
}

/** GraphProto. */
export interface GraphProto {
  name: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  doc_string?: string;
}

/** ModelProto. */
export interface ModelProto {
  ir_version: number;
  opset_import: { domain: string; version: number }[];
  producer_name: string;
  producer_version: string;
  graph: GraphProto;
  doc_string?: string;
}

let modelType: protobuf.Type | undefined;
function model(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(onnxDescriptor).lookupType('onnx.ModelProto');
  return modelType;
}

/** The serialized bytes of a model (what a .onnx file holds). */
export function encodeModel(proto: ModelProto): Uint8Array {
  const type = model();
  const problem = type.verify(proto);
  if (problem) throw new Error(`ONNX model does not fit onnx.proto: ${problem}`);
  return type.encode(type.fromObject(proto)).finish();
}

/** Parses a .onnx file's bytes (int64 fields as numbers, bytes as Uint8Array). */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const type = model();
  return type.toObject(type.decode(bytes), { longs: Number, defaults: false, arrays: true }) as ModelProto;
}
