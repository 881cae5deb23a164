/**
 * Constant tensor contents as the exporter holds them (a dtype, dims and a flat typed array) and
 * their ONNX form: TensorProto with little-endian raw_data, and the dtype codes of both sides.
 * @module
 */
import type { DTypeName } from '../native.js';
import { SCALAR_TYPE_CODES } from '../tensor/dtypes.js';
import type { Tensor } from '../tensor/tensor.js';
import { DataType, type TensorProto } from './proto.js';

/** The flat element arrays constants are held in (float16/bfloat16 as float32 values). */
export type TensorValues = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Int32Array | BigInt64Array;

/** A constant tensor: row-major values. */
export interface TensorData {
  dtype: DTypeName;
  dims: number[];
  values: TensorValues;
}

/** ONNX's element type code of each dtype ONNX has. */
export const ONNX_DTYPE: Partial<Record<DTypeName, number>> = {
  float32: DataType.FLOAT,
  float64: DataType.DOUBLE,
  float16: DataType.FLOAT16,
  bfloat16: DataType.BFLOAT16,
  int8: DataType.INT8,
  uint8: DataType.UINT8,
  int16: DataType.INT16,
  int32: DataType.INT32,
  int64: DataType.INT64,
  bool: DataType.BOOL,
  complex64: DataType.COMPLEX64,
  complex128: DataType.COMPLEX128,
};

/** The dtype a c10::ScalarType code names; throws for the ones ONNX export cannot hold. */
export function dtypeOfScalarType(code: number): DTypeName {
  const dtype = SCALAR_TYPE_CODES[code] as DTypeName | undefined;
  if (!dtype || ONNX_DTYPE[dtype] === undefined) throw new Error(`scalar type ${code} has no ONNX equivalent`);
  return dtype;
}

/** ONNX's element type of a dtype. */
export function onnxDtype(dtype: DTypeName): number {
  const code = ONNX_DTYPE[dtype];
  if (code === undefined || dtype.startsWith('complex')) throw new Error(`dtype ${dtype} cannot be exported to ONNX`);
  return code;
}

/** Whether a dtype holds floating-point values. */
export const isFloating = (dtype: DTypeName | undefined): boolean =>
  dtype === 'float32' || dtype === 'float64' || dtype === 'float16' || dtype === 'bfloat16';

/** A tensor's contents (copied off the tensor, on the CPU). */
export function tensorData(tensor: Tensor): TensorData {
  return { dtype: tensor.dtype, dims: [...tensor.shape], values: tensor.to('cpu').toTypedArray() };
}

/** A new array of `dtype` holding `values`. */
export function valuesOf(dtype: DTypeName, values: ArrayLike<number | bigint | boolean>): TensorValues {
  const n = values.length;
  switch (dtype) {
    case 'int64': {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        const value = values[i]!;
        out[i] = typeof value === 'bigint' ? value : toInt64(Number(value));
      }
      return out;
    }
    case 'float64':
      return Float64Array.from(values as ArrayLike<number>, Number);
    case 'int32':
      return Int32Array.from(values as ArrayLike<number>, Number);
    case 'int16':
      return Int16Array.from(values as ArrayLike<number>, Number);
    case 'int8':
      return Int8Array.from(values as ArrayLike<number>, Number);
    case 'uint8':
      return Uint8Array.from(values as ArrayLike<number>, Number);
    case 'bool':
      return Uint8Array.from(values as ArrayLike<number>, (v) => (Number(v) ? 1 : 0));
    default:
      return Float32Array.from(values as ArrayLike<number>, Number);
  }
}

/** A constant of `dtype` and `dims` from plain values. */
export const makeTensorData = (dtype: DTypeName, dims: number[], values: ArrayLike<number | bigint | boolean>): TensorData => ({
  dtype,
  dims,
  values: valuesOf(dtype, values),
});

/** The values as JS numbers (int64 beyond 2^53 rounds). */
export const numbersOf = (data: TensorData): number[] => Array.from(data.values as ArrayLike<number | bigint>, Number);

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** An int64 from a JS number, clamped: TorchScript's INT64_MAX arrives as 2^63, which is out of range. */
export function toInt64(value: number): bigint {
  if (value >= 2 ** 63) return INT64_MAX;
  if (value <= -(2 ** 63)) return INT64_MIN;
  return BigInt(Math.trunc(value));
}

// float32 -> IEEE half bits, rounding to nearest even.
function halfBits(value: number): number {
  const f32 = new Float32Array([value]);
  const x = new Uint32Array(f32.buffer)[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    return sign | (half + (rest > midpoint || (rest === midpoint && half & 1) ? 1 : 0));
  }
  const half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0));
}

// float32 -> bfloat16 bits, rounding to nearest even.
function bfloat16Bits(value: number): number {
  const x = new Uint32Array(new Float32Array([value]).buffer)[0]!;
  if ((x & 0x7fffffff) > 0x7f800000) return (x >>> 16) | 0x40;
  return (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
}

const ARRAY_OF: Record<string, new (length: number) => TensorValues> = {
  float32: Float32Array,
  float64: Float64Array,
  int64: BigInt64Array,
  int32: Int32Array,
  int16: Int16Array,
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
};

// The little-endian bytes of the values, in ONNX's layout for the dtype.
function rawBytes(data: TensorData): Uint8Array {
  const { dtype, values } = data;
  if (dtype === 'float16' || dtype === 'bfloat16') {
    const convert = dtype === 'float16' ? halfBits : bfloat16Bits;
    const bits = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++) bits[i] = convert(Number(values[i]));
    return new Uint8Array(bits.buffer);
  }
  // Typed arrays use the platform's byte order; every platform LibTorch runs on is little-endian.
  const own = ARRAY_OF[dtype];
  const typed = own && values instanceof own ? values : valuesOf(dtype, values);
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

/** The TensorProto of a constant, named `name`. */
export function toTensorProto(name: string, data: TensorData): TensorProto {
  return { name, dims: data.dims, data_type: onnxDtype(data.dtype), raw_data: rawBytes(data) };
}
