/**
 * TorchServe's management API: list (paginated), describe, register (from the store or an
 * allowed URL), scale workers, set the default version, unregister; answers and messages as
 * TorchServe's.
 * @module
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { badRequest } from '../errors.js';
import type { ModelEntry, ModelManager } from '../model-manager.js';
import { managementApiDocument } from '../openapi.js';
import { bodyBytes, routes, sendJson } from './common.js';

type Params = { model: string; version?: string };
type Values = Record<string, unknown>;

/** The query's parameters, with a JSON body's keys (POST /models takes either). */
function parameters(request: FastifyRequest): Values {
  const query = { ...(request.query as Values) };
  const bytes = bodyBytes(request);
  if (bytes.length === 0) return query;
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw badRequest(`the body is not valid JSON: ${(error as Error).message}`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('the body must be a JSON object of parameters');
  return { ...query, ...(body as Values) };
}

function text(values: Values, name: string): string | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  if (Array.isArray(value)) throw badRequest(`Parameter ${name} is given more than once.`);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw badRequest(`Parameter ${name} must be a single value.`);
}

function integer(values: Values, name: string, min = 0): number | undefined {
  const value = text(values, name);
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value.trim()) || Number(value) < min)
    throw badRequest(`Parameter ${name} must be an integer >= ${min}, got '${value}'.`);
  return Number(value);
}

function boolean(values: Values, name: string, fallback: boolean): boolean {
  const value = text(values, name);
  if (value === undefined) return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw badRequest(`Parameter ${name} must be true or false, got '${value}'.`);
}

/** One version as `GET /models/{m}` describes it. */
export function describeEntry(entry: ModelEntry, queueSize: number): Record<string, unknown> {
  const pending = entry.runner?.pending ?? 0;
  return {
    modelName: entry.name,
    modelVersion: entry.version,
    modelUrl: entry.url,
    runtime: 'torchscript',
    handler: entry.model?.handlerName ?? null,
    status: entry.status.toUpperCase(),
    ...(entry.error ? { error: entry.error } : {}),
    minWorkers: entry.minWorkers,
    maxWorkers: entry.maxWorkers,
    batchSize: entry.batchSize,
    maxBatchDelay: entry.maxBatchDelay,
    loadedAtStartup: entry.loadedAtStartup,
    responseTimeout: entry.responseTimeout,
    workers: (entry.runner?.describeWorkers() ?? []).map((w) => ({
      id: String(w.id),
      startTime: w.startTime,
      status: w.status,
      memoryUsage: process.memoryUsage().rss,
      pid: process.pid,
      gpu: false,
    })),
    jobQueueStatus: { remainingCapacity: queueSize - pending, pendingRequests: pending },
  };
}

/**
 * Registers the management routes on `app`; `description: false` leaves out `OPTIONS /` and
 * `/api-description` (on a listener shared with the inference API, which has its own).
 */
export function addManagementRoutes(app: FastifyInstance, manager: ModelManager, options: { description?: boolean } = {}): void {
  const queueSize = manager.config.jobQueueSize;
  if (options.description !== false) {
    const description = managementApiDocument();
    routes(app, '/', { OPTIONS: async (_request, reply) => sendJson(reply, description) });
    routes(app, '/api-description', { GET: async (_request, reply) => sendJson(reply, description) });
  }

  routes(app, '/models', {
    GET: async (request, reply) => {
      const values = request.query as Values;
      let limit = integer(values, 'limit', Number.MIN_SAFE_INTEGER) ?? 100;
      if (limit > 100 || limit < 0) limit = 100;
      const start = integer(values, 'next_page_token') ?? 0;
      const names = manager.registry.names();
      const end = Math.min(start + limit, names.length);
      const models = names.slice(start, end).map((name) => ({ modelName: name, modelUrl: manager.registry.get(name).url }));
      return sendJson(reply, { ...(end < names.length ? { nextPageToken: String(end) } : {}), models });
    },
    POST: async (request, reply) => {
      const values = parameters(request);
      const url = text(values, 'url');
      if (!url) throw badRequest('Parameter url is required.');
      const synchronous = boolean(values, 'synchronous', true);
      const initialWorkers = integer(values, 'initial_workers') ?? 0;
      const register = {
        url,
        initialWorkers,
        ...optional('modelName', text(values, 'model_name')),
        ...optional('version', text(values, 'model_version')),
        ...optional('handler', text(values, 'handler')),
        ...optional('batchSize', integer(values, 'batch_size', 1)),
        ...optional('maxBatchDelay', integer(values, 'max_batch_delay')),
        ...optional('responseTimeout', integer(values, 'response_timeout', 1)),
      };
      const entry = await manager.register(register, synchronous);
      if (!synchronous) return sendJson(reply, { status: 'Processing worker updates...' }, 202);
      const status =
        initialWorkers > 0
          ? `Model "${entry.name}" Version: ${entry.version} registered with ${initialWorkers} initial workers`
          : `Model "${entry.name}" Version: ${entry.version} registered with 0 initial workers. Use scale workers API to add workers for the model.`;
      return sendJson(reply, { status });
    },
  });

  const describe = async (request: FastifyRequest, reply: FastifyReply) => {
    const { model, version } = request.params as Params;
    const entries = version === 'all' ? manager.registry.versionsOf(model) : [manager.registry.get(model, version)];
    return sendJson(
      reply,
      entries.map((entry) => describeEntry(entry, queueSize)),
    );
  };
  const scale = async (request: FastifyRequest, reply: FastifyReply) => {
    const { model, version } = request.params as Params;
    const entry = manager.registry.get(model, version);
    const values = request.query as Values;
    const min = integer(values, 'min_worker') ?? entry.minWorkers;
    const max = integer(values, 'max_worker') ?? Math.max(min, entry.maxWorkers);
    if (max < min) throw badRequest('max_worker cannot be less than min_worker.');
    const synchronous = boolean(values, 'synchronous', false);
    await manager.scale(entry, min, max, synchronous);
    if (!synchronous) return sendJson(reply, { status: 'Processing worker updates...' }, 202);
    return sendJson(reply, { status: `Workers scaled to ${min} for model: ${model}${version ? `, version: ${version}` : ''}` });
  };
  const unregister = async (request: FastifyRequest, reply: FastifyReply) => {
    const { model, version } = request.params as Params;
    await manager.unregister(model, version);
    return sendJson(reply, { status: `Model "${model}" unregistered` });
  };
  routes(app, '/models/:model', { GET: describe, PUT: scale, DELETE: unregister });
  routes(app, '/models/:model/:version', { GET: describe, PUT: scale, DELETE: unregister });
  routes(app, '/models/:model/:version/set-default', {
    PUT: async (request, reply) => {
      const { model, version } = request.params as Required<Params>;
      manager.registry.setDefault(model, version);
      return sendJson(reply, { status: `Default version successfully updated for model "${model}" to "${version}"` });
    },
  });
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
