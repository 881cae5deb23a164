/**
 * The server's settings with TorchServe's names: config.properties keys (inference_address,
 * model_store, batch_size, ...), overridden by `TS_<KEY>` environment variables (TS_BATCH_SIZE=4)
 * when the file sets enable_envvars_config=true (as TorchServe reads them), overridden in turn by
 * options given in code or on the command line. Values are checked here, so
 * a bad one is an error naming its key before anything starts.
 * @module
 */
import { readFileSync } from 'node:fs';
import { ACCEPTED_UNUSED, checkMetricsFormat, checkServiceEnvelope, GRPC_KEYS } from './config-compat.js';
import { parseModels, parseSnapshot, type ModelSettings } from './model-settings.js';
import { parseProperties } from './properties.js';

export type { ModelSettings } from './model-settings.js';

/** A listener's address: `http://host:port` or `https://host:port` (port 0 picks a free one). */
export interface Address {
  host: string;
  port: number;
  /** Served over TLS (an https:// address; needs private_key_file and certificate_file). */
  tls?: boolean;
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
  /** Bytes of pages in use the prediction log keeps to, the oldest going first (0: no limit); key prediction_log_max_bytes. */
  predictionLogMaxBytes: number;
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
    predictionLogMaxBytes: 0,
    driftReference: {},
    driftInterval: 60,
    driftWindow: 1000,
    driftMinRows: 30,
    privateKeyFile: null,
    certificateFile: null,
  };
}

type Setter = (config: ServeConfig, value: string, key: string, notice: (line: string) => void) => void;

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
  models: (c, v, k) => (c.models = asConfigError(() => parseModels(v, k))),
  metrics_format: (_c, v, k) => asConfigError(() => checkMetricsFormat(v, k)),
  service_envelope: (_c, v, k, notice) => notice(asConfigError(() => checkServiceEnvelope(v, k))),
  prediction_log: (c, v) => (c.predictionLog = v || null),
  prediction_log_max_age: (c, v, k) => (c.predictionLogMaxAge = parseInteger(v, k, 0)),
  prediction_log_max_rows: (c, v, k) => (c.predictionLogMaxRows = parseInteger(v, k, 0)),
  prediction_log_max_bytes: (c, v, k) => (c.predictionLogMaxBytes = parseInteger(v, k, 0)),
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

/** The keys this server understands (others are refused, naming the key). */
export const CONFIG_KEYS: readonly string[] = Object.keys(SETTERS);

/** Keys read after the others: they decide how the rest is read, or add to it. */
const READ_LAST = new Set(['enable_envvars_config', 'model_snapshot', 'NUM_WORKERS']);

type Env = Readonly<Record<string, string | undefined>>;

/**
 * A config from TorchServe's defaults, then `properties` (parsed config.properties entries), then
 * (with enable_envvars_config=true, as in TorchServe) the `TS_*` variables of `env`, then
 * model_snapshot's models where `models` and load_models name none. Unknown keys are an error (a
 * misspelled key would otherwise be silently ignored); keys accepted without effect are reported
 * to `notice`, one line per kind.
 */
export function resolveConfig(
  properties: Map<string, string> = new Map(),
  env: Readonly<Record<string, string | undefined>> = process.env,
  notice: (line: string) => void = () => {},
): ServeConfig {
  const config = defaultConfig();
  const unused: string[] = [];
  const grpc: string[] = [];
  for (const [key, raw] of properties) {
    const value = raw.trim();
    if (READ_LAST.has(key)) continue;
    if (GRPC_KEYS.has(key)) {
      if (value !== 'false') grpc.push(key);
      continue;
    }
    if (ACCEPTED_UNUSED.has(key)) {
      unused.push(key);
      continue;
    }
    const setter = SETTERS[key];
    if (!setter) throw new ServeConfigError(`unknown config.properties key '${key}' (known: ${CONFIG_KEYS.join(', ')})`);
    setter(config, value, key, notice);
  }
  // KServe's files set NUM_WORKERS; TorchServe uses it when default_workers_per_model is not set.
  const workers = properties.get('NUM_WORKERS');
  if (workers !== undefined && !properties.has('default_workers_per_model'))
    SETTERS.default_workers_per_model!(config, workers.trim(), 'NUM_WORKERS', notice);
  applyEnv(config, env, /^true$/i.test(properties.get('enable_envvars_config')?.trim() ?? ''), notice);
  const snapshot = properties.get('model_snapshot')?.trim();
  if (snapshot) applySnapshot(config, snapshot);
  if (grpc.length) notice(`gRPC is not served (only the REST APIs): ignoring ${grpc.join(', ')}`);
  if (unused.length) notice(`TorchServe settings nodetorch has no use for, ignored: ${unused.join(', ')}`);
  return config;
}

function applyEnv(config: ServeConfig, env: Env, enabled: boolean, notice: (line: string) => void): void {
  const ignored: string[] = [];
  for (const key of CONFIG_KEYS) {
    const name = `TS_${key.toUpperCase()}`;
    const value = env[name];
    if (value === undefined) continue;
    if (enabled) SETTERS[key]!(config, value.trim(), name, notice);
    else ignored.push(name);
  }
  if (ignored.length)
    notice(`ignoring ${ignored.join(', ')}: TS_* variables are read only with enable_envvars_config=true in config.properties`);
}

/** model_snapshot's settings under those of `models`; its models are loaded when load_models names none. */
function applySnapshot(config: ServeConfig, text: string): void {
  const snapshot = asConfigError(() => parseSnapshot(text, 'model_snapshot'));
  for (const [model, versions] of Object.entries(snapshot.models)) {
    const own: Record<string, ModelSettings> = (config.models[model] ??= {});
    for (const [version, settings] of Object.entries(versions)) own[version] = { ...settings, ...own[version] };
  }
  if (config.loadModels.length === 0) config.loadModels = snapshot.load;
}

function asConfigError<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw error instanceof ServeConfigError ? error : new ServeConfigError((error as Error).message);
  }
}

/** {@link resolveConfig} of a config.properties file. */
export function readConfigFile(
  file: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
  notice: (line: string) => void = () => {},
): ServeConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ServeConfigError(`--ts-config ${file}: ${(error as Error).message}`);
  }
  return resolveConfig(parseProperties(text), env, notice);
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
