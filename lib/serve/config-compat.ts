/**
 * config.properties keys of stock TorchServe and KServe files that nodetorch accepts without a
 * setting of its own: some ignored (JVM, netty, Python, GPU, gRPC), some checked and honored as
 * far as they mean something here (metrics_format, service_envelope). Kept apart from config.ts so
 * that file holds the settings that change what the server does.
 * @module
 */

/**
 * TorchServe keys nodetorch reads but has no use for (netty, JVM, Python, GPU, logging and
 * snapshot settings); accepted so an existing config.properties works unchanged, and named in one
 * notice at startup.
 */
export const ACCEPTED_UNUSED: ReadonlySet<string> = new Set([
  'number_of_netty_threads',
  'netty_client_threads',
  'number_of_gpu',
  'install_py_dep_per_model',
  'enable_metrics_api',
  'metrics_mode',
  'metrics_config',
  'async_logging',
  'vmargs',
  'default_service_handler',
  'workflow_store',
  'cors_allowed_origin',
  'cors_allowed_methods',
  'cors_allowed_headers',
  'unregister_model_timeout',
  'decode_input_request',
  'disable_system_metrics',
  'system_metrics_cmd',
  'enable_model_api',
  'model_config',
  'debug',
  'blacklist_env_vars',
  'keystore_pass',
  'keystore_type',
  'model_server_home',
  'snapshot_store',
  'prefer_direct_buffer',
  'use_native_io',
  'io_ratio',
  'metric_time_interval',
  'initial_worker_port',
  'initial_distribution_port',
  'cpp_log_config',
  'limit_max_image_pixels',
  'default_startup_timeout',
  'use_env_allowed_urls',
  'plugins_path',
  'version',
]);

/** TorchServe's gRPC keys: nodetorch serves the REST APIs only, so these are ignored with a notice. */
export const GRPC_KEYS: ReadonlySet<string> = new Set([
  'enable_grpc',
  'enable_grpc_ssl',
  'grpc_inference_port',
  'grpc_management_port',
  'grpc_inference_address',
  'grpc_management_address',
  'grpc_inference_max_connection_age_ms',
  'grpc_management_max_connection_age_ms',
  'grpc_inference_max_connection_age_grace_ms',
  'grpc_management_max_connection_age_grace_ms',
]);

/** `metrics_format`: TorchServe's only format, Prometheus, is what /metrics serves; anything else is refused. */
export function checkMetricsFormat(value: string, key: string): void {
  if (value.toLowerCase() !== 'prometheus') throw new Error(`${key}: only prometheus metrics are served, got '${value}'`);
}

const KSERVE_ENVELOPES = ['kserve', 'kservev2', 'kfserving', 'kfservingv2'];
const OTHER_ENVELOPES = ['body', 'json'];

/**
 * `service_envelope` (KServe sets TS_SERVICE_ENVELOPE=kserve or kservev2): KServe's v1 and v2
 * routes are always served, so the KServe envelopes need nothing; `body` and `json` are not applied.
 * Returns the notice to print; an unknown envelope is an error.
 */
export function checkServiceEnvelope(value: string, key: string): string {
  const name = value.toLowerCase();
  if (KSERVE_ENVELOPES.includes(name))
    return `${key}=${value}: KServe's v1 (/v1/models/{m}:predict) and v2 (/v2/models/{m}/infer) routes are always served; nothing to change`;
  if (OTHER_ENVELOPES.includes(name)) return `${key}=${value} is not applied: /predictions hands the body to the handler as it came`;
  throw new Error(`${key} must be one of ${[...KSERVE_ENVELOPES, ...OTHER_ENVELOPES].join(', ')}, got '${value}'`);
}
