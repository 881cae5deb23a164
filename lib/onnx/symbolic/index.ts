/** The symbolic table: every TorchScript node kind the exporter maps to ONNX, by family. */
import { activation } from './activation.js';
import { arithmetic } from './arithmetic.js';
import { attention } from './attention.js';
import type { Symbolic } from './common.js';
import { conv } from './conv.js';
import { creation } from './creation.js';
import { indexing } from './indexing.js';
import { linear } from './linear.js';
import { normalization } from './normalization.js';
import { padding } from './padding.js';
import { pooling } from './pooling.js';
import { prim } from './prim.js';
import { quantized } from './quantized.js';
import { recurrentLayers } from './recurrent.js';
import { reductions } from './reduction.js';
import { shape } from './shape.js';

export type { Symbolic } from './common.js';

const families = [
  prim,
  arithmetic,
  activation,
  linear,
  conv,
  padding,
  normalization,
  pooling,
  shape,
  indexing,
  reductions,
  creation,
  recurrentLayers,
  attention,
  quantized,
];

/** Node kind -> symbolic function. */
export const symbolics: ReadonlyMap<string, Symbolic> = new Map(families.flatMap((family) => Object.entries(family)));
