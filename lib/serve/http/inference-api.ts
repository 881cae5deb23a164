/**
 * TorchServe's inference API: the API description (OPTIONS / and GET /api-description), /ping,
 * /predictions/{m}[/{v}], and KServe v1's /v1/models/{m}:predict.
 * @module
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TensorSignature } from '../../jit/signature.js';
import type { Tensor } from '../../tensor/tensor.js';
import { badRequest, resourceNotFound } from '../errors.js';
import type { ModelManager } from '../model-manager.js';
import type { ServeMetrics } from '../metrics.js';
import { observedModel, type ServeMonitoring } from '../monitoring.js';
import { inferenceApiDocument } from '../openapi.js';
import { checkValues, flattenNested, nestedValues, tensorFromValues } from '../tensor-json.js';
import { bodyBytes, routes, sendJson } from './common.js';
import { handlerFailure, predict } from './predictions.js';

type Params = { model: string; version?: string };

/** Parses a JSON body, 400 when it is not JSON. */
export function jsonBody(request: FastifyRequest): unknown {
  return parseJson(bodyBytes(request));
}

/** Parses JSON bytes, 400 when they are not JSON. */
export function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw badRequest(`the body is not valid JSON: ${(error as Error).message}`);
  }
}

function instancesTensor(instances: unknown, spec: TensorSignature | undefined): Tensor {
  if (!Array.isArray(instances) || instances.length === 0) throw badRequest('"instances" must be a non-empty array');
  let nested;
  try {
    nested = flattenNested(instances, 'instances');
    checkValues(nested.values, spec?.dtype ?? 'float32', 'instances');
  } catch (error) {
    throw badRequest((error as Error).message);
  }
  if (spec) {
    const fits = spec.shape.length === nested.shape.length && spec.shape.every((n, d) => n === -1 || n === nested.shape[d]);
    if (!fits) throw badRequest(`instances have shape [${nested.shape}]; the model takes [${spec.shape}] (-1: any size)`);
  }
  return tensorFromValues(nested.values, nested.shape, spec?.dtype ?? 'float32');
}

/** Registers the inference API's TorchServe routes on `app`. */
export function addInferenceRoutes(app: FastifyInstance, manager: ModelManager, metrics: ServeMetrics, monitoring: ServeMonitoring): void {
  const description = inferenceApiDocument();
  routes(app, '/', { OPTIONS: async (_request, reply) => sendJson(reply, description) });
  routes(app, '/api-description', { GET: async (_request, reply) => sendJson(reply, description) });
  routes(app, '/ping', {
    GET: async (_request, reply) =>
      manager.healthy() ? sendJson(reply, { status: 'Healthy' }) : sendJson(reply, { status: 'Unhealthy' }, 500),
  });
  routes(app, '/predictions/:model', {
    POST: async (request, reply) => predict(manager, metrics, monitoring, request, reply, (request.params as Params).model, undefined),
  });
  routes(app, '/predictions/:model/:version', {
    POST: async (request, reply) => {
      const { model, version } = request.params as Params;
      return predict(manager, metrics, monitoring, request, reply, model, version);
    },
  });
  // find-my-way cannot put a literal ':predict' after a parameter: the verb is split off here.
  routes(app, '/v1/models/:call', {
    POST: async (request, reply) => {
      const started = performance.now();
      const { call } = request.params as { call: string };
      if (!call.endsWith(':predict')) throw resourceNotFound();
      const model = call.slice(0, -':predict'.length);
      const entry = manager.registry.get(model);
      let logRows: ((latencyMs: number) => void) | null = null;
      let input: Tensor | undefined;
      try {
        manager.runnerOf(entry);
        const body = jsonBody(request) as { instances?: unknown };
        input = instancesTensor(body?.instances, entry.model!.signature?.inputs[0]);
        const outputs = await manager.infer(entry, [input], undefined).catch((error: unknown) => {
          throw handlerFailure(error, request);
        });
        try {
          logRows = monitoring.observe(observedModel(entry), [input], outputs);
          return sendJson(reply, { predictions: nestedValues(outputs[0]!) });
        } finally {
          for (const t of outputs) t.dispose();
        }
      } finally {
        input?.dispose();
        const seconds = (performance.now() - started) / 1000;
        metrics.recordRequest(model, undefined, seconds);
        logRows?.(seconds * 1000);
      }
    },
  });
}
