/** What PyTorch's file format and nodetorch agree on: storage class names and element widths per dtype. */
import type { DType } from '../tensor/types.js';

/** The torch.*Storage class that holds each dtype in a torch.save file. */
export const STORAGE_CLASS: Readonly<Record<string, string>> = {
  float32: 'FloatStorage',
  float64: 'DoubleStorage',
  float16: 'HalfStorage',
  bfloat16: 'BFloat16Storage',
  int64: 'LongStorage',
  int32: 'IntStorage',
  int16: 'ShortStorage',
  int8: 'CharStorage',
  uint8: 'ByteStorage',
  bool: 'BoolStorage',
  complex64: 'ComplexFloatStorage',
  complex128: 'ComplexDoubleStorage',
};

/** Quantized dtypes' storage classes: they hold the integer values (int_repr). */
export const QUANTIZED_STORAGE: Readonly<Record<string, { storage: string; values: DType }>> = {
  qint8: { storage: 'QInt8Storage', values: 'int8' },
  quint8: { storage: 'QUInt8Storage', values: 'uint8' },
  qint32: { storage: 'QInt32Storage', values: 'int32' },
};

/** The dtype each storage class holds. */
export const STORAGE_DTYPE: Readonly<Record<string, DType>> = Object.fromEntries(
  Object.entries(STORAGE_CLASS).map(([dtype, name]) => [name, dtype as DType]),
);

/** Bytes per element. */
export const ELEMENT_BYTES: Readonly<Record<string, number>> = {
  float32: 4,
  float64: 8,
  float16: 2,
  bfloat16: 2,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
  complex64: 8,
  complex128: 16,
};
