/**
 * KServe v2 (Open Inference Protocol, REST) on the inference listener: server and model health,
 * metadata from the model's signature, and inference. Errors are `{"error": "..."}`.
 * @module
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ServeError } from '../errors.js';
import type { ModelEntry, ModelManager } from '../model-manager.js';
import type { ServeMetrics } from '../metrics.js';
import { observedModel, type ServeMonitoring } from '../monitoring.js';
import { NODETORCH_VERSION } from '../../train/checkpoint.js';
import { BINARY_HEADER, splitBinaryBody } from '../kserve-binary.js';
import { bodyBytes, routes } from './common.js';
import { parseJson } from './inference-api.js';
import { inferResponse, parseInferRequest, type InferAnswer } from './kserve-infer.js';
import { handlerFailure } from './predictions.js';

type Params = { model: string; version?: string };

/** KServe servers answer compact JSON (TorchServe's own routes are pretty-printed). */
function sendJson(reply: FastifyReply, value: unknown, code = 200): FastifyReply {
  return reply.code(code).type('application/json').send(JSON.stringify(value));
}

/** An inference answer: plain JSON, or under the binary extension the JSON then the outputs' bytes. */
function sendInferAnswer(reply: FastifyReply, answer: InferAnswer): FastifyReply {
  if (answer.binary.length === 0) return sendJson(reply, answer.json);
  const json = Buffer.from(JSON.stringify(answer.json));
  return reply
    .code(200)
    .type('application/octet-stream')
    .header(BINARY_HEADER, String(json.length))
    .send(Buffer.concat([json, ...answer.binary]));
}

/** The platform name metadata reports. */
export const PLATFORM = 'pytorch_torchscript';

function metadata(manager: ModelManager, entry: ModelEntry): Record<string, unknown> {
  const signature = entry.model?.signature ?? null;
  const tensors = (list: NonNullable<typeof signature>['inputs'] | undefined) =>
    (list ?? []).map((t) => ({ name: t.name, datatype: t.datatype, shape: t.shape }));
  return {
    name: entry.name,
    versions: manager.registry.versionsOf(entry.name).map((e) => e.version),
    platform: PLATFORM,
    inputs: tensors(signature?.inputs),
    outputs: tensors(signature?.outputs),
  };
}

/** Registers the KServe v2 routes on `app`. */
export function addKServeRoutes(app: FastifyInstance, manager: ModelManager, metrics: ServeMetrics, monitoring: ServeMonitoring): void {
  routes(app, '/v2', {
    GET: async (_request, reply) => sendJson(reply, { name: 'nodetorch', version: NODETORCH_VERSION, extensions: ['binary_tensor_data'] }),
  });
  routes(app, '/v2/health/live', { GET: async (_request, reply) => sendJson(reply, { live: true }) });
  routes(app, '/v2/health/ready', {
    GET: async (_request, reply) => {
      const ready = manager.healthy() && [...manager.registry.entries()].every((e) => e.status !== 'loading');
      return sendJson(reply, { ready }, ready ? 200 : 503);
    },
  });
  const describe = async (request: FastifyRequest, reply: FastifyReply) => {
    const { model, version } = request.params as Params;
    return sendJson(reply, metadata(manager, manager.registry.get(model, version)));
  };
  const ready = async (request: FastifyRequest, reply: FastifyReply) => {
    const { model, version } = request.params as Params;
    const entry = manager.registry.get(model, version);
    const isReady = entry.status === 'ready' && (entry.runner?.workerCount ?? 0) > 0;
    return sendJson(reply, { name: model, ready: isReady }, isReady ? 200 : 503);
  };
  const infer = async (request: FastifyRequest, reply: FastifyReply) => {
    const started = performance.now();
    const { model, version } = request.params as Params;
    const entry = manager.registry.get(model, version);
    let logRows: ((latencyMs: number) => void) | null = null;
    // A handler or model failure is a 500 here (TorchServe's routes answer 503 "Prediction failed").
    const failed = (error: unknown) => {
      const failure = handlerFailure(error, request);
      return failure.code === 503 && failure.type === 'InternalServerException'
        ? new ServeError(500, failure.type, `inference failed: ${(error as Error).message}`)
        : failure;
    };
    try {
      manager.runnerOf(entry);
      const { json, binary } = splitBinaryBody(bodyBytes(request), request.headers[BINARY_HEADER]);
      const parsed = parseInferRequest(parseJson(json), entry.model!.signature, binary);
      let inputs = parsed.inputs;
      let outputs;
      try {
        // BYTES inputs have no tensor: the model's handler makes its inputs of them.
        if (parsed.parts) inputs = (await entry.model!.handler.preprocess(parsed.parts, entry.context!)).inputs;
        outputs = await manager.infer(entry, inputs, version);
        logRows = monitoring.observe(observedModel(entry), inputs, outputs);
      } catch (error) {
        throw failed(error);
      } finally {
        for (const t of inputs) t.dispose();
        for (const part of parsed.parts?.values() ?? []) part.tensor?.dispose();
      }
      try {
        return sendInferAnswer(reply, inferResponse(entry.name, entry.version, parsed, outputs, entry.model!.signature));
      } finally {
        for (const t of outputs) t.dispose();
      }
    } finally {
      const seconds = (performance.now() - started) / 1000;
      metrics.recordRequest(model, version, seconds);
      logRows?.(seconds * 1000);
    }
  };
  routes(app, '/v2/models/:model', { GET: describe });
  routes(app, '/v2/models/:model/versions/:version', { GET: describe });
  routes(app, '/v2/models/:model/ready', { GET: ready });
  routes(app, '/v2/models/:model/versions/:version/ready', { GET: ready });
  routes(app, '/v2/models/:model/infer', { POST: infer });
  routes(app, '/v2/models/:model/versions/:version/infer', { POST: infer });
}
