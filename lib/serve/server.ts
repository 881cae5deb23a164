/**
 * createServer: three Fastify apps sharing one set of models. The inference listener serves
 * TorchServe's inference API and KServe v2, the management listener TorchServe's management API,
 * the metrics listener Prometheus text. Nothing listens until `listen()`; tests can call
 * `inject` on each app instead.
 * @module
 */
import Fastify, { type FastifyInstance } from 'fastify';
import path from 'node:path';
import type { ModelSignature } from '../jit/signature.js';
import { checkToken, loadOrCreateKeys, type KeyFile, type KeyScope } from './auth.js';
import { defaultConfig, formatAddress, readTlsFiles, ServeConfigError, type Address, type ServeConfig } from './config.js';
import type { HandlerTable } from './handlers/index.js';
import { ServeError } from './errors.js';
import { answerClientError, asServeError, installCommon, sendError } from './http/common.js';
import { addInferenceRoutes } from './http/inference-api.js';
import { addKServeRoutes } from './http/kserve-api.js';
import { addManagementRoutes } from './http/management-api.js';
import { addMetricsRoutes } from './http/metrics-api.js';
import { addMonitoringRoutes } from './http/monitoring-api.js';
import { addTokenRoute, TOKEN_ROUTE } from './http/token-api.js';
import { countInferenceResponses } from './http/response-metrics.js';
import type { ModelBuilder } from './load-model.js';
import { ModelManager } from './model-manager.js';
import { listStore } from './model-store.js';
import { ServeMetrics } from './metrics.js';
import { ServeMonitoring } from './monitoring.js';
import type { Dataset } from '../monitor/dataset.js';

/** createServer's options: any ServeConfig setting, plus what only code can give. */
export interface ServeOptions extends Partial<ServeConfig> {
  /** Signatures by model name, for TorchScript files that carry none. */
  signatures?: Readonly<Record<string, ModelSignature>>;
  /**
   * Handlers of your own by name: a Handler, or the path of a JavaScript/TypeScript module that
   * exports one (imported when a model uses it). A .mar's manifest, a registration or a model's
   * config names them; a model with the same name as one uses it unless something else is named.
   */
  handlers?: HandlerTable;
  /** Builds a checkpoint's model from its `model` config; needed to serve .ckpt files. */
  buildModel?: ModelBuilder;
  /** Fastify's logger (default off). */
  logger?: boolean;
  /**
   * Reference datasets for drift checks by model name ('*': every model), records or columns
   * named as the prediction log names features (see the serve docs); besides `driftReference` files.
   */
  references?: Readonly<Record<string, Dataset>>;
  /** Receives monitoring warnings: a log that cannot be written, a failed drift check (default: process.emitWarning). */
  warn?: (message: string) => void;
}

/** The addresses the listeners are bound to (ports as chosen when 0 was asked). */
export interface ServerAddresses {
  inference: string;
  management: string;
  metrics: string;
}

/** What {@link ServeApp.inject} resolves with: the parts of Fastify's injected response the public types show. */
export interface ServeInjectResponse {
  /** The HTTP status. */
  statusCode: number;
  /** The response headers. */
  headers: Record<string, string | string[] | number | undefined>;
  /** The body as text. */
  body: string;
  /** The body's bytes (a binary answer, such as KServe's binary tensor data). */
  rawPayload: Uint8Array;
  /** The body parsed as JSON. */
  json(): unknown;
}

/**
 * One listener's app. It is a Fastify instance; the public types show only `inject` so that
 * nodetorch's types need neither Fastify's nor Node's (cast to FastifyInstance for the rest).
 */
export interface ServeApp {
  /** Sends a request without a socket (Fastify's `inject`: a URL, or `{ method, url, headers, payload, query }`). */
  inject(options: string | object): Promise<ServeInjectResponse>;
}

/** A created server. */
export interface InferenceServer {
  /** The inference app (TorchServe inference API and KServe v2). */
  inference: ServeApp;
  /** The management app. */
  management: ServeApp;
  /** The metrics app. */
  metrics: ServeApp;
  /** The models. */
  models: ModelManager;
  /** The settings in force. */
  config: ServeConfig;
  /** The token keys, when token authorization is on. */
  keys: KeyFile | null;
  /** Binds the three listeners; resolves with their addresses. */
  listen(): Promise<ServerAddresses>;
  /**
   * Stops accepting requests, finishes those in flight (queued ones included), then stops the
   * workers and frees the models.
   */
  close(): Promise<void>;
}

function makeApp(config: ServeConfig, logger: boolean, tls: { key: Buffer; cert: Buffer } | null): FastifyInstance {
  const options = {
    logger,
    bodyLimit: config.maxRequestSize,
    // The model's own timeout answers 408; the socket may stay up as long as that takes.
    requestTimeout: 0,
    forceCloseConnections: 'idle' as const,
    // Requests arriving while closing get TorchServe's 503 body from the hook in createServer.
    return503OnClosing: false,
    clientErrorHandler: answerClientError,
  };
  let app: FastifyInstance;
  try {
    // An https app is a Fastify instance over https.Server; the routes do not see the difference.
    app = tls ? Fastify({ ...options, https: tls }) : Fastify(options);
  } catch (error) {
    throw new ServeConfigError(`cannot use private_key_file and certificate_file: ${(error as Error).message}`);
  }
  installCommon(app, config.maxRequestSize);
  return app;
}

function requireToken(app: FastifyInstance, keys: KeyFile, scope: KeyScope, open: (url: string) => boolean): void {
  app.addHook('onRequest', async (request, reply) => {
    if (open(request.url.split('?')[0]!)) return;
    try {
      checkToken(keys, scope, request.headers.authorization);
    } catch (error) {
      return sendError(request, reply, asServeError(error, 0));
    }
  });
}

/** Whether two addresses name one listener (port 0 asks for a new port each time, so never). */
function sameListener(a: Address, b: Address): boolean {
  return a.port !== 0 && a.port === b.port && a.host === b.host;
}

/** The `load_models` entries as registrations: `name=file`, `file`, or `all` (any case: every file in the store). */
export function startupModels(config: ServeConfig): { name?: string; url: string }[] {
  return config.loadModels.flatMap((item) => {
    if (item.toLowerCase() === 'all') {
      if (!config.modelStore) throw new ServeConfigError('load_models=all needs a model store');
      return listStore(config.modelStore).map((url) => ({ url }));
    }
    const at = item.indexOf('=');
    return at > 0 ? [{ name: item.slice(0, at), url: item.slice(at + 1) }] : [{ url: item }];
  });
}

/**
 * Creates a server: settings from `options` over TorchServe's defaults, the startup models loaded
 * (one that fails stays listed as failed and makes /ping Unhealthy), the routes installed.
 */
export async function createServer(options: ServeOptions = {}): Promise<InferenceServer> {
  const { signatures, handlers, buildModel, logger, references, warn, ...settings } = options;
  const config: ServeConfig = { ...defaultConfig(), ...Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) };
  if (config.modelStore) config.modelStore = path.resolve(config.modelStore);
  const tls = readTlsFiles(config); // before anything loads: a bad key file fails fast
  // TorchServe serves both APIs on one listener when their addresses are the same (KServe's
  // sample config.properties does this); one listener cannot tell which API's token to ask for.
  const shared = sameListener(config.inferenceAddress, config.managementAddress);
  if (shared && !config.disableTokenAuthorization)
    throw new ServeConfigError('inference_address and management_address are the same: token authorization needs them apart');
  const manager = new ModelManager(config, {
    ...(handlers ? { handlers } : {}),
    ...(buildModel ? { buildModel } : {}),
    ...(signatures ? { signatures } : {}),
  });
  const metrics = new ServeMetrics({
    models: () =>
      [...manager.registry.entries()].map((e) => ({
        name: e.name,
        version: e.version,
        queueDepth: e.runner?.pending ?? 0,
        queueCapacity: e.runner?.settings.jobQueueSize ?? config.jobQueueSize,
        workers: e.runner?.workerCount ?? 0,
        loadSeconds: e.loadSeconds,
      })),
  });
  manager.attachMetrics(metrics);
  const keyFile = path.resolve(config.keyFile);
  const keys = config.disableTokenAuthorization ? null : await loadOrCreateKeys(keyFile, config.tokenExpirationMin);
  const monitoring = await ServeMonitoring.create(config, metrics, {
    ...(references ? { references } : {}),
    ...(warn ? { warn } : {}),
    models: () => [...new Set([...manager.registry.entries()].map((e) => e.name))],
  });

  for (const model of startupModels(config)) {
    try {
      await manager.register({ url: model.url, ...(model.name ? { modelName: model.name } : {}), loadedAtStartup: true });
    } catch (error) {
      // A model that cannot even be located or named is a startup error, as in TorchServe.
      await manager.closeAll();
      monitoring.close();
      throw new ServeConfigError(`cannot load model ${model.name ?? model.url}: ${(error as Error).message}`);
    }
  }

  const appFor = (address: Address) => makeApp(config, logger ?? false, address.tls ? tls : null);
  const inference = appFor(config.inferenceAddress);
  const management = shared ? inference : appFor(config.managementAddress);
  const metricsApp = appFor(config.metricsAddress);
  if (keys) {
    const probes = (url: string) => url === '/ping' || url.startsWith('/v2/health/');
    requireToken(inference, keys, 'inference', probes);
    requireToken(management, keys, 'management', (url) => url === TOKEN_ROUTE);
    addTokenRoute(management, keys, keyFile, config.tokenExpirationMin);
  }
  countInferenceResponses(inference, metrics);
  addInferenceRoutes(inference, manager, metrics, monitoring);
  addKServeRoutes(inference, manager, metrics, monitoring);
  addManagementRoutes(management, manager, { description: !shared });
  addMetricsRoutes(metricsApp, metrics);
  addMonitoringRoutes(metricsApp, monitoring);

  const apps: [FastifyInstance, Address][] = [
    [inference, config.inferenceAddress],
    ...(shared ? [] : [[management, config.managementAddress] as [FastifyInstance, Address]]),
    [metricsApp, config.metricsAddress],
  ];
  let closing: Promise<void> | null = null;
  // Answers sent while closing end their connection, so a keep-alive client does not hold the
  // listener open after its in-flight request is answered.
  for (const [app] of apps) {
    app.addHook('onRequest', async (request, reply) => {
      if (closing) return sendError(request, reply, new ServeError(503, 'ServiceUnavailableException', 'The server is shutting down'));
    });
    app.addHook('onSend', async (_request, reply) => {
      if (closing) reply.header('connection', 'close');
    });
  }
  return {
    inference,
    management,
    metrics: metricsApp,
    models: manager,
    config,
    keys,
    async listen() {
      const bound = new Map<FastifyInstance, string>();
      for (const [app, address] of apps) {
        await app.listen({ host: address.host, port: address.port });
        const info = app.server.address();
        const port = typeof info === 'object' && info ? info.port : address.port;
        bound.set(app, formatAddress({ ...address, port }));
      }
      return { inference: bound.get(inference)!, management: bound.get(management)!, metrics: bound.get(metricsApp)! };
    },
    close() {
      closing ??= (async () => {
        await Promise.all(apps.map(([app]) => app.close()));
        await manager.drain();
        await manager.closeAll();
        monitoring.close();
      })();
      return closing;
    },
  };
}
