/**
 * One /predictions request through its model: the handler's preprocess, the model's queue and
 * batcher, the handler's postprocess. Bad input is 400 with the handler's message; a handler or
 * model failure is TorchServe's 503 "Prediction failed" (507 out of memory).
 * @module
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Tensor } from '../../tensor/tensor.js';
import { badRequest, HandlerInputError, predictionFailed, ServeError } from '../errors.js';
import type { ModelManager } from '../model-manager.js';
import type { ServeMetrics } from '../metrics.js';
import { observedModel, type ServeMonitoring } from '../monitoring.js';
import { bodyBytes } from './common.js';
import { requestParts } from './form-body.js';

/** Maps a handler's or the model's failure to the client's answer. */
export function handlerFailure(error: unknown, request: FastifyRequest): ServeError {
  if (error instanceof ServeError) return error;
  if (error instanceof HandlerInputError) return badRequest(error.message);
  const message = (error as Error)?.message ?? String(error);
  if (/out of memory|DefaultCPUAllocator: can't allocate/i.test(message))
    return new ServeError(507, 'OutOfMemoryException', 'Out of memory');
  request.log.warn({ err: error }, 'prediction failed');
  return predictionFailed();
}

/** Sends a handler's result: bytes as octet-stream, text as text, anything else as JSON. */
export function sendResult(reply: FastifyReply, result: unknown, maxResponseSize: number): FastifyReply {
  const body =
    Buffer.isBuffer(result) || result instanceof Uint8Array
      ? Buffer.from(result)
      : typeof result === 'string'
        ? result
        : JSON.stringify(result);
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  if (size > maxResponseSize)
    throw new ServeError(500, 'InternalServerException', `Response is larger than max_response_size (${maxResponseSize} bytes)`);
  const type =
    typeof body !== 'string' ? 'application/octet-stream' : typeof result === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  return reply.code(200).type(type).send(body);
}

function disposeAll(tensors: readonly Tensor[]): void {
  for (const t of tensors) t.dispose();
}

/** Answers POST /predictions/{model}[/{version}]. */
export async function predict(
  manager: ModelManager,
  metrics: ServeMetrics,
  monitoring: ServeMonitoring,
  request: FastifyRequest,
  reply: FastifyReply,
  name: string,
  version: string | undefined,
): Promise<FastifyReply> {
  const started = performance.now();
  const entry = manager.registry.get(name, version);
  manager.runnerOf(entry); // 503 before reading the body when the model cannot answer
  const { handler } = entry.model!;
  const context = entry.context!;
  let logRows: ((latencyMs: number) => void) | null = null;
  try {
    const parts = await requestParts(request.headers, bodyBytes(request));
    let prepared;
    try {
      prepared = await handler.preprocess(parts, context);
    } catch (error) {
      throw handlerFailure(error, request);
    }
    let outputs: Tensor[];
    try {
      outputs = await manager.infer(entry, prepared.inputs, version);
      logRows = monitoring.observe(observedModel(entry), prepared.inputs, outputs);
    } catch (error) {
      throw handlerFailure(error, request);
    } finally {
      disposeAll(prepared.inputs);
    }
    let result: unknown;
    try {
      result = await handler.postprocess(outputs, context, prepared.state);
    } catch (error) {
      throw handlerFailure(error, request);
    } finally {
      disposeAll(outputs);
    }
    return sendResult(reply, result, manager.config.maxResponseSize);
  } finally {
    const seconds = (performance.now() - started) / 1000;
    metrics.recordRequest(name, version, seconds);
    logRows?.(seconds * 1000);
  }
}
