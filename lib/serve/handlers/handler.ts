/**
 * Handlers in TorchServe's shape (preprocess, inference, postprocess), as TypeScript modules. The
 * server runs them per request around a batched inference: `preprocess` turns one request into
 * model inputs with a leading batch dimension, the worker concatenates a batch's inputs and runs the
 * model once off the event loop, and `postprocess` turns that request's rows of the outputs into its
 * answer. A handler therefore never sees another request's data, and batching changes no answer.
 * @module
 */
import type { ModelSignature } from '../../jit/signature.js';
import type { Tensor } from '../../tensor/tensor.js';

/**
 * One named input of a request: a form part, `body` for a whole non-form body, or an input of a
 * KServe v2 request that has a BYTES input (such a request goes to the handler; the others go to
 * the model as tensors).
 */
export interface RequestPart {
  /**
   * The part's bytes (a Buffer in the server; typed as Uint8Array so the public types need no Node
   * types). A KServe v2 input: its binary data, or its `data` as JSON.
   */
  bytes: Uint8Array;
  /** The part's content type ('' when none was given). */
  contentType: string;
  /** A KServe v2 input's datatype as sent (`BYTES`, `FP32`, `UINT16`, ...). */
  datatype?: string;
  /** A KServe v2 input's shape as sent. */
  shape?: readonly number[];
  /**
   * A BYTES input's elements in row-major order: JSON strings as strings, elements of the binary
   * data extension as bytes.
   */
  strings?: readonly (string | Uint8Array)[];
  /** A numeric KServe v2 input sent with a BYTES one, checked against the signature; the server disposes it after the request. */
  tensor?: Tensor;
}

/** A request's inputs by name (`data` for `curl -F data=@x.png`, `body` for a raw body). */
export type PredictionRequest = ReadonlyMap<string, RequestPart>;

/** What a handler knows about the model it serves. */
export interface HandlerContext {
  modelName: string;
  modelVersion: string;
  /** Input and output names, datatypes and shapes (null when the model file carries none). */
  signature: ModelSignature | null;
  /** Class names by index (a .mar's index_to_name.json), or null. */
  classNames: Readonly<Record<string, string>> | null;
  /**
   * The default `tensor` handler, for a handler module that does part of the work itself and hands
   * the rest on (as a TorchServe handler calls BaseHandler's methods); the server always sets it.
   */
  base?: Handler;
}

/** One request's model inputs, and anything postprocess needs to know about the request. */
export interface Prepared {
  /** The model's positional inputs, each with the request's rows along dimension 0. */
  inputs: Tensor[];
  /** Handed back to postprocess unchanged. */
  state?: unknown;
}

/** A model handler; `inference` defaults to the model's forward on the thread pool. */
export interface Handler {
  /** Request to model inputs; throw HandlerInputError for input it cannot use (the client gets 400). */
  preprocess(request: PredictionRequest, context: HandlerContext): Prepared | Promise<Prepared>;
  /**
   * Runs the model on a batch (every request's inputs concatenated); must not block the event loop.
   * `forward` is the model's own forward on the thread pool, with the outputs as a list of tensors.
   */
  inference?(inputs: Tensor[], forward: (inputs: Tensor[]) => Promise<Tensor[]>, context: HandlerContext): Promise<Tensor[]>;
  /** This request's rows of each output to its answer: a JSON value, a string or bytes. */
  postprocess(outputs: Tensor[], context: HandlerContext, state: unknown): unknown;
}
