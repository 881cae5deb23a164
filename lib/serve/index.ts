/**
 * torch.serve: an inference server compatible with TorchServe (inference, management and metrics
 * APIs, config.properties, .mar archives, handlers) and KServe v2. `createServer` loads Fastify
 * and prom-client only when called, so importing nodetorch stays light.
 * @module
 */
import type { InferenceServer, ServeOptions } from './server.js';

export type { InferenceServer, ServeApp, ServeInjectResponse, ServeOptions, ServerAddresses } from './server.js';
export type { Address, ModelSettings, ServeConfig } from './config.js';
export { defaultConfig, resolveConfig, readConfigFile, parseAddress, formatAddress, ServeConfigError, CONFIG_KEYS } from './config.js';
export { parseProperties } from './properties.js';
export type { Handler, HandlerContext, Prepared, PredictionRequest, RequestPart } from './handlers/handler.js';
export { BUILT_IN_HANDLERS } from './handlers/index.js';
export type { HandlerTable } from './handlers/index.js';
export { HandlerInputError, ServeError } from './errors.js';
export type { ModelBuilder } from './load-model.js';
export type { KeyFile, ApiKey } from './auth.js';
export type { ModelManager, ModelEntry, RegisterRequest, ManagerOptions } from './model-manager.js';
export type { ModelRegistry } from './registry.js';
export type { ModelRunner, RunnerSettings, RunnerEvents, WorkerInfo, Forward } from './model-runner.js';
export type { LoadedModel, LoadOptions } from './load-model.js';
export type { ServeMetrics, ModelGaugeSource } from './metrics.js';

/**
 * Creates an inference server (not yet listening: call `listen()`), loading the startup models.
 * See {@link ServeOptions} for the settings, with TorchServe's names in camelCase.
 */
export async function createServer(options: ServeOptions = {}): Promise<InferenceServer> {
  const { createServer: create } = await import('./server.js');
  return create(options);
}
