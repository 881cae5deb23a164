/** The error torch.onnx.export throws for a model, option or file it cannot export. */

/** Where in the model an export error happened. */
export interface OnnxErrorSite {
  /** The TorchScript node kind ('aten::linear'). */
  op?: string;
  /** The module path the node came from ('' at the top level). */
  scope?: string;
  opset?: number;
}

/** An export that cannot be done: an op without an ONNX mapping, a bad option, an unwritable path. */
export class OnnxExportError extends Error {
  /** The TorchScript node kind, when the error is about one node. */
  readonly op: string | undefined;
  /** Its module path ('' at the top level). */
  readonly scope: string | undefined;
  /** The opset being exported to. */
  readonly opset: number | undefined;

  /** `message` as is; `site` names the node it is about. */
  constructor(message: string, site: OnnxErrorSite = {}) {
    super(message);
    this.name = 'OnnxExportError';
    this.op = site.op;
    this.scope = site.scope;
    this.opset = site.opset;
  }
}

/** The error for a node: "<op> (in module '<scope>', ONNX opset <n>): <reason>". */
export function nodeError(reason: string, site: Required<OnnxErrorSite>): OnnxExportError {
  const where = site.scope ? `module '${site.scope}'` : 'the top-level module';
  return new OnnxExportError(`${site.op} (in ${where}, ONNX opset ${site.opset}): ${reason}`, site);
}

/** Thrown by a symbolic function for arguments it cannot map; the translator adds the op and the scope. */
export class UnsupportedError extends Error {
  /** `reason` says what cannot be exported. */
  constructor(reason: string) {
    super(reason);
    this.name = 'UnsupportedError';
  }
}
