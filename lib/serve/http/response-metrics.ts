/**
 * Counts every answer of the inference routes (/predictions, KServe v1 predict and v2 infer) by
 * model, requested version and HTTP status in nodetorch_inference_responses_total, errors included, so an error
 * rate can be alerted on: TorchServe's own request counter does not tell answers from failures.
 * @module
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServeMetrics } from '../metrics.js';

/** The model (and version, when named) an inference request names, or null for the other routes. */
export function inferenceModelOf(request: FastifyRequest): { model: string; version?: string } | null {
  const route = request.routeOptions.url ?? '';
  const params = (request.params ?? {}) as Record<string, string | undefined>;
  if (route.startsWith('/predictions/') || /^\/v2\/models\/.*\/infer$/.test(route))
    return params.model === undefined ? null : { model: params.model, ...(params.version ? { version: params.version } : {}) };
  if (route === '/v1/models/:call' && params.call?.endsWith(':predict')) return { model: params.call.slice(0, -':predict'.length) };
  return null;
}

/** Installs the counting hook on the inference app. */
export function countInferenceResponses(app: FastifyInstance, metrics: ServeMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    if (request.method !== 'POST') return;
    const target = inferenceModelOf(request);
    if (target !== null) metrics.recordResponse(target.model, target.version, reply.statusCode);
  });
}
