/**
 * Per-model settings from config.properties: TorchServe's `models` key
 * (`{"name": {"version": {"batchSize": 4, ...}}}`, '*' for any version) with nodetorch's additions
 * `handler` and `signature`, and TorchServe's `model_snapshot` (what KServe's TorchServe images
 * start from), whose models are also loaded at startup.
 * @module
 */
import type { ModelSignature } from '../jit/signature.js';
import { signatureFromJson } from './signature-json.js';

/** Per-model overrides (TorchServe's `models` JSON key: `{"name": {"version": {...}}}`). */
export interface ModelSettings {
  batchSize?: number;
  maxBatchDelay?: number;
  minWorkers?: number;
  responseTimeout?: number;
  /** A handler name, or a module file (.mjs, .js, .ts) in the model store; nodetorch's addition. */
  handler?: string;
  /** The signature (as `--signature` takes it) for a file that carries none; nodetorch's addition. */
  signature?: ModelSignature;
}

/** Settings by model name, then version. */
export type ModelSettingsTable = Record<string, Record<string, ModelSettings>>;

const NUMBERS: Record<string, 'batchSize' | 'maxBatchDelay' | 'minWorkers' | 'responseTimeout'> = {
  batchSize: 'batchSize',
  maxBatchDelay: 'maxBatchDelay',
  minWorkers: 'minWorkers',
  responseTimeout: 'responseTimeout',
};
/** TorchServe's per-model keys nodetorch accepts and ignores (marName is read by model_snapshot). */
const UNUSED = new Set(['maxWorkers', 'marName', 'defaultVersion', 'deviceType', 'deviceIds', 'parallelLevel', 'parallelType']);

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function parseJson(text: string, key: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${key} must be JSON ({"model": {"version": {"batchSize": 4}}}): ${(error as Error).message}`, { cause: error });
  }
}

function settingsOf(settings: Record<string, unknown>, where: string): ModelSettings {
  const own: ModelSettings = {};
  for (const [name, value] of Object.entries(settings)) {
    if (UNUSED.has(name)) continue;
    if (name === 'handler') {
      if (typeof value !== 'string' || value === '') throw new Error(`${where}.handler must be a handler name or module file`);
      own.handler = value;
      continue;
    }
    if (name === 'signature') {
      own.signature = signatureFromJson(value, `${where}.signature`);
      continue;
    }
    const field = NUMBERS[name];
    if (!field) throw new Error(`${where} has an unknown setting '${name}'`);
    if (!Number.isInteger(value) || (value as number) < 0) throw new Error(`${where}.${name} must be a non-negative integer`);
    own[field] = value as number;
  }
  return own;
}

/** The `models` key's JSON as settings; errors name the key, the model and the version. */
export function parseModels(text: string, key: string): ModelSettingsTable {
  const parsed = parseJson(text, key);
  if (!isObject(parsed)) throw new Error(`${key} must be a JSON object of models`);
  const models: ModelSettingsTable = {};
  for (const [model, versions] of Object.entries(parsed)) {
    if (!isObject(versions)) throw new Error(`${key}: "${model}" must map versions to settings`);
    models[model] = {};
    for (const [version, settings] of Object.entries(versions)) {
      const where = `${key}: "${model}"."${version}"`;
      if (!isObject(settings)) throw new Error(`${where} must be an object of settings`);
      models[model][version] = settingsOf(settings, where);
    }
  }
  return models;
}

/**
 * TorchServe's `model_snapshot` (`{"models": {"name": {"version": {"marName": ..., "defaultVersion":
 * true, "minWorkers": ...}}}}`): the settings, and the models to load as `name=marName` entries,
 * default versions first (the first version registered is the default).
 */
export function parseSnapshot(text: string, key: string): { models: ModelSettingsTable; load: string[] } {
  const parsed = parseJson(text, key);
  if (!isObject(parsed) || !isObject(parsed.models)) throw new Error(`${key} must be a JSON object with a "models" object`);
  const models = parseModels(JSON.stringify(parsed.models), key);
  const load: { entry: string; first: boolean }[] = [];
  for (const [model, versions] of Object.entries(parsed.models as Record<string, Record<string, Record<string, unknown>>>))
    for (const [version, settings] of Object.entries(versions)) {
      const mar = settings.marName;
      if (typeof mar !== 'string' || mar === '') throw new Error(`${key}: "${model}"."${version}" needs a marName`);
      load.push({ entry: `${model}=${mar}`, first: settings.defaultVersion === true || settings.defaultVersion === 'true' });
    }
  load.sort((a, b) => Number(b.first) - Number(a.first));
  return { models, load: [...new Set(load.map((l) => l.entry))] };
}
