/**
 * The server's settings with TorchServe's names: config.properties keys (inference_address,
 * model_store, batch_size, ...), overridden by `TS_<KEY>` environment variables (TS_BATCH_SIZE=4),
 * overridden in turn by options given in code or on the command line. Values are checked here, so
 * a bad one is an error naming its key before anything starts.
 * @module
 */
import { readFileSync } from 'node:fs';
import { parseProperties } from './properties.js';

/** A listener's address: `http://host:port` or `https://host:port` (port 0 picks a free one). */
export interface Address {
  host: string;
  port: number;
  /** Served over TLS (an https:// address; needs private_key_file and certificate_file). */
  tls?: boolean;
}

/** Per-model overrides (TorchServe's `models` JSON key: `{"name": {"version": {...}}}`). */
export interface ModelSettings {
  batchSize?: number;
  maxBatchDelay?: number;
  minWorkers?: number;
  responseTimeout?: number;
}

/** Every setting of a server, with TorchServe's defaults. */
export interface ServeConfig {
  /** Inference API (TorchServe + KServe v2); default http://127.0.0.1:8080. */
  inferenceAddress: Address;
  /** Management API; default http://127.0.0.1:8081. */
  managementAddress: Address;
  /** Prometheus metrics; default http://127.0.0.1:8082. */
  metricsAddress: Address;
  /** The model store folder (null: register from nowhere but allowed URLs). */
  modelStore: string | null;
  /** Models loaded at start: `name=file`, `file` or `all`. */
  loadModels: string[];
  /** Largest request body in bytes (6553500); larger ones get 413. */
  maxRequestSize: number;
  /** Largest response body in bytes (6553500). */
  maxResponseSize: number;
  /** Workers a model starts with (1). */
  defaultWorkersPerModel: number;
  /** Jobs a model's queue holds before answering 503 (100). */
  jobQueueSize: number;
  /** Requests per batch (1). */
  batchSize: number;
  /** Milliseconds a worker waits to fill a batch after its first request (100). */
  maxBatchDelay: number;
  /** Seconds a request may wait for its answer before 408 (120). */
  defaultResponseTimeout: number;
  /** Regular expressions a registration URL must match in full (none: only the model store). */
  allowedUrls: RegExp[];
  /** Token authorization off (TorchServe's key; nodetorch's default is true: off). */
  disableTokenAuthorization: boolean;
  /** Where the keys are read from or written to when token authorization is on (key_file.json). */
  keyFile: string;
  /** Minutes a new management or inference key works (60, TorchServe's token_expiration_min). */
  tokenExpirationMin: number;
  /** Status of a full queue: 503 (TorchServe's) or 429. */
  queueFullStatus: 503 | 429;
  /** Per-model settings by model name, then version ('*' for any version). */
  models: Record<string, Record<string, ModelSettings>>;
  /** The prediction log's SQLite file (null: no log); key prediction_log. */
  predictionLog: string | null;
  /** Seconds after which logged predictions are deleted (0: kept); key prediction_log_max_age. */
  predictionLogMaxAge: number;
  /** Logged predictions kept at most, the newest (0: no limit); key prediction_log_max_rows. */
  predictionLogMaxRows: number;
  /**
   * Reference datasets (CSV, TSV, JSON, JSON lines) by model name, '*' for every model; key
   * drift_reference: `FILE` or `name=FILE,name=FILE`.
   */
  driftReference: Record<string, string>;
  /** Seconds between drift checks (60); key drift_interval. */
  driftInterval: number;
  /** The newest predictions a drift window holds (1000); key drift_window. */
  driftWindow: number;
  /** Fewest predictions a drift check needs (30); key drift_min_rows. */
  driftMinRows: number;
  /** The PEM private key of https:// listeners (TorchServe's private_key_file). */
  privateKeyFile: string | null;
  /** The PEM certificate (chain) of https:// listeners (TorchServe's certificate_file). */
  certificateFile: string | null;
}

/** A setting that cannot be used; the message names the key and the value. */
export class ServeConfigError extends Error {
  /**
   * A settings error.
   * @param message What is wrong.
   */
  constructor(message: string) {
    super(message);
    this.name = 'ServeConfigError';
  }
}

/** TorchServe's defaults (management and metrics on loopback, as every listener). */
export function defaultConfig(): ServeConfig {
  return {
    inferenceAddress: { host: '127.0.0.1', port: 8080 },
    managementAddress: { host: '127.0.0.1', port: 8081 },
    metricsAddress: { host: '127.0.0.1', port: 8082 },
    modelStore: null,
    loadModels: [],
    maxRequestSize: 6553500,
    maxResponseSize: 6553500,
    defaultWorkersPerModel: 1,
    jobQueueSize: 100,
    batchSize: 1,
    maxBatchDelay: 100,
    defaultResponseTimeout: 120,
    allowedUrls: [],
    disableTokenAuthorization: true,
    keyFile: 'key_file.json',
    tokenExpirationMin: 60,
    queueFullStatus: 503,
    models: {},
    predictionLog: null,
    predictionLogMaxAge: 0,
    predictionLogMaxRows: 0,
    driftReference: {},
    driftInterval: 60,
    driftWindow: 1000,
    driftMinRows: 30,
    privateKeyFile: null,
    certificateFile: null,
  };
}

type Setter = (config: ServeConfig, value: string, key: string) => void;

const SETTERS: Record<string, Setter> = {
  inference_address: (c, v, k) => (c.inferenceAddress = parseAddress(v, k)),
  management_address: (c, v, k) => (c.managementAddress = parseAddress(v, k)),
  metrics_address: (c, v, k) => (c.metricsAddress = parseAddress(v, k)),
  model_store: (c, v) => (c.modelStore = v || null),
  load_models: (c, v) => (c.loadModels = splitList(v)),
  max_request_size: (c, v, k) => (c.maxRequestSize = parseInteger(v, k, 1)),
  max_response_size: (c, v, k) => (c.maxResponseSize = parseInteger(v, k, 1)),
  default_workers_per_model: (c, v, k) => (c.defaultWorkersPerModel = parseInteger(v, k, 0)),
  job_queue_size: (c, v, k) => (c.jobQueueSize = parseInteger(v, k, 1)),
  batch_size: (c, v, k) => (c.batchSize = parseInteger(v, k, 1)),
  max_batch_delay: (c, v, k) => (c.maxBatchDelay = parseInteger(v, k, 0)),
  default_response_timeout: (c, v, k) => (c.defaultResponseTimeout = parseInteger(v, k, 1)),
  allowed_urls: (c, v, k) => (c.allowedUrls = splitList(v).map((pattern) => parsePattern(pattern, k))),
  disable_token_authorization: (c, v, k) => (c.disableTokenAuthorization = parseBoolean(v, k)),
  key_file: (c, v) => (c.keyFile = v),
  token_expiration_min: (c, v, k) => (c.tokenExpirationMin = parseInteger(v, k, 1)),
  queue_full_status: (c, v, k) => {
    const status = parseInteger(v, k, 0);
    if (status !== 503 && status !== 429) throw new ServeConfigError(`${k} must be 503 or 429, got '${v}'`);
    c.queueFullStatus = status;
  },
  models: (c, v, k) => (c.models = parseModels(v, k)),
  prediction_log: (c, v) => (c.predictionLog = v || null),
  prediction_log_max_age: (c, v, k) => (c.predictionLogMaxAge = parseInteger(v, k, 0)),
  prediction_log_max_rows: (c, v, k) => (c.predictionLogMaxRows = parseInteger(v, k, 0)),
  drift_reference: (c, v, k) => (c.driftReference = parseReferences(v, k)),
  drift_interval: (c, v, k) => (c.driftInterval = parseInteger(v, k, 1)),
  drift_window: (c, v, k) => (c.driftWindow = parseInteger(v, k, 1)),
  drift_min_rows: (c, v, k) => (c.driftMinRows = parseInteger(v, k, 1)),
  private_key_file: (c, v) => (c.privateKeyFile = v || null),
  certificate_file: (c, v) => (c.certificateFile = v || null),
  keystore: (_c, _v, k) => {
    throw new ServeConfigError(
      `${k}: Java keystores are not read here; give the key and certificate as PEM files with private_key_file and certificate_file`,
    );
  },
};

/**
 * TorchServe keys nodetorch reads but has no use for (netty, Python and GPU settings); they are
 * accepted so an existing config.properties works unchanged.
 */
const ACCEPTED_UNUSED = new Set([
  'number_of_netty_threads',
  'netty_client_threads',
  'number_of_gpu',
  'install_py_dep_per_model',
  'enable_envvars_config',
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
  'model_snapshot',
  'unregister_model_timeout',
  'decode_input_request',
  'disable_system_metrics',
  'enable_model_api',
  'model_config',
]);

/** The keys this server understands (others are refused, naming the key). */
export const CONFIG_KEYS: readonly string[] = Object.keys(SETTERS);

/**
 * A config from TorchServe's defaults, then `properties` (parsed config.properties entries), then
 * the `TS_*` variables of `env`. Unknown keys are an error (a misspelled key would otherwise be
 * silently ignored).
 */
export function resolveConfig(
  properties: Map<string, string> = new Map(),
  env: Readonly<Record<string, string | undefined>> = process.env,
): ServeConfig {
  const config = defaultConfig();
  for (const [key, value] of properties) {
    if (ACCEPTED_UNUSED.has(key)) continue;
    const setter = SETTERS[key];
    if (!setter) throw new ServeConfigError(`unknown config.properties key '${key}' (known: ${CONFIG_KEYS.join(', ')})`);
    setter(config, value.trim(), key);
  }
  for (const key of CONFIG_KEYS) {
    const value = env[`TS_${key.toUpperCase()}`];
    if (value !== undefined) SETTERS[key]!(config, value.trim(), `TS_${key.toUpperCase()}`);
  }
  return config;
}

/** {@link resolveConfig} of a config.properties file. */
export function readConfigFile(file: string, env: Readonly<Record<string, string | undefined>> = process.env): ServeConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ServeConfigError(`--ts-config ${file}: ${(error as Error).message}`);
  }
  return resolveConfig(parseProperties(text), env);
}

/** `http://host:port`, `https://host:port` (or `host:port`) as an Address; other schemes are refused. */
export function parseAddress(text: string, key: string): Address {
  const withScheme = /^[a-z]+:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ServeConfigError(`${key} must be an address such as http://127.0.0.1:8080, got '${text}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ServeConfigError(`${key}: only http and https addresses are served, got '${text}'`);
  if (url.pathname !== '/' || url.search) throw new ServeConfigError(`${key} must be scheme://host:port without a path, got '${text}'`);
  const tls = url.protocol === 'https:';
  const port = url.port === '' ? (tls ? 443 : 80) : Number(url.port);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return tls ? { host, port, tls } : { host, port };
}

/** The address as a URL string (`http://127.0.0.1:8080`, `https://...` for TLS). */
export function formatAddress(address: Address): string {
  return `${address.tls ? 'https' : 'http'}://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
}

/** The key and certificate https:// listeners need, read from their files; null when no listener is https. */
export function readTlsFiles(config: ServeConfig): { key: Buffer; cert: Buffer } | null {
  const secure = [config.inferenceAddress, config.managementAddress, config.metricsAddress].some((a) => a.tls);
  if (!secure) return null;
  if (!config.privateKeyFile || !config.certificateFile)
    throw new ServeConfigError('an https:// address needs private_key_file and certificate_file (PEM files)');
  const read = (file: string, key: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new ServeConfigError(`${key} ${file}: ${(error as Error).message}`);
    }
  };
  return { key: read(config.privateKeyFile, 'private_key_file'), cert: read(config.certificateFile, 'certificate_file') };
}

function parseInteger(text: string, key: string, min: number): number {
  const value = Number(text);
  if (text === '' || !Number.isInteger(value) || value < min)
    throw new ServeConfigError(`${key} must be an integer >= ${min}, got '${text}'`);
  return value;
}

function parseBoolean(text: string, key: string): boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new ServeConfigError(`${key} must be true or false, got '${text}'`);
}

function parsePattern(pattern: string, key: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch (error) {
    throw new ServeConfigError(`${key}: '${pattern}' is not a regular expression: ${(error as Error).message}`);
  }
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** `FILE` (every model) or `name=FILE,name=FILE` as files by model name ('*' for every model). */
export function parseReferences(text: string, key: string): Record<string, string> {
  const references: Record<string, string> = {};
  for (const item of splitList(text)) {
    const at = item.indexOf('=');
    const [model, file] = at > 0 ? [item.slice(0, at), item.slice(at + 1)] : ['*', item];
    if (!file) throw new ServeConfigError(`${key}: '${item}' names no file (use FILE or model=FILE)`);
    if (references[model] !== undefined)
      throw new ServeConfigError(`${key}: ${model === '*' ? 'the reference for every model' : `model '${model}'`} is given twice`);
    references[model] = file;
  }
  return references;
}

const MODEL_KEYS: Record<string, keyof ModelSettings> = {
  batchSize: 'batchSize',
  maxBatchDelay: 'maxBatchDelay',
  minWorkers: 'minWorkers',
  responseTimeout: 'responseTimeout',
};
/** TorchServe's per-model keys nodetorch accepts and ignores. */
const MODEL_KEYS_UNUSED = new Set(['maxWorkers', 'marName', 'deviceType', 'deviceIds', 'parallelLevel', 'parallelType']);

function parseModels(text: string, key: string): Record<string, Record<string, ModelSettings>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ServeConfigError(`${key} must be JSON ({"model": {"version": {"batchSize": 4}}}): ${(error as Error).message}`);
  }
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObject(parsed)) throw new ServeConfigError(`${key} must be a JSON object of models`);
  const models: Record<string, Record<string, ModelSettings>> = {};
  for (const [model, versions] of Object.entries(parsed)) {
    if (!isObject(versions)) throw new ServeConfigError(`${key}: "${model}" must map versions to settings`);
    models[model] = {};
    for (const [version, settings] of Object.entries(versions)) {
      if (!isObject(settings)) throw new ServeConfigError(`${key}: "${model}"."${version}" must be an object of settings`);
      const own: ModelSettings = {};
      for (const [name, value] of Object.entries(settings)) {
        if (MODEL_KEYS_UNUSED.has(name)) continue;
        const field = MODEL_KEYS[name];
        if (!field) throw new ServeConfigError(`${key}: "${model}"."${version}" has an unknown setting '${name}'`);
        if (!Number.isInteger(value) || (value as number) < 0)
          throw new ServeConfigError(`${key}: "${model}"."${version}".${name} must be a non-negative integer`);
        own[field] = value as number;
      }
      models[model][version] = own;
    }
  }
  return models;
}
