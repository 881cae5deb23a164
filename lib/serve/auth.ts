/**
 * Optional token authorization in TorchServe's scheme: a key file (key_file.json) holding a
 * `management` key, an `inference` key and an `API` key, and clients sending
 * `Authorization: Bearer <key>`. An existing file is read (keys past their `expiration time` are
 * refused); otherwise fresh random keys are written to it atomically, the management and
 * inference keys expiring after `token_expiration_min` minutes (60) as TorchServe's do, the API
 * key never. `GET /token?type=management|inference` on the management listener, authorized by the
 * API key, replaces that key with a fresh one (and a new expiry) in memory and in the file.
 * Health probes (/ping, /v2/health/*) and metrics need no key, so orchestrators need no secret.
 * @module
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic.js';
import { ServeError } from './errors.js';
import { ServeConfigError } from './config.js';

/** One key and when it stops working. */
export interface ApiKey {
  key: string;
  /** ISO time; absent: no expiry. */
  'expiration time'?: string;
}

/** The key file's contents. */
export interface KeyFile {
  management: ApiKey;
  inference: ApiKey;
  API: ApiKey;
}

/** Which listener a key opens. */
export type KeyScope = 'management' | 'inference';

/** A fresh random key, expiring `minutes` from `now` (never when minutes is null). */
function newKey(minutes: number | null = null, now = new Date()): ApiKey {
  const key = randomBytes(18).toString('base64url');
  return minutes === null ? { key } : { key, 'expiration time': new Date(now.getTime() + minutes * 60_000).toISOString() };
}

/** Writes `keys` to `file` atomically, readable by the owner only. */
function writeKeys(file: string, keys: KeyFile): Promise<void> {
  return writeFileAtomic(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
}

/** Reads `file`, or writes new keys to it when it does not exist (expiring after `minutes`). */
export async function loadOrCreateKeys(file: string, minutes = 60): Promise<KeyFile> {
  if (!existsSync(file)) {
    const keys: KeyFile = { management: newKey(minutes), inference: newKey(minutes), API: newKey() };
    await writeKeys(file, keys);
    return keys;
  }
  let parsed: Partial<KeyFile>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<KeyFile>;
  } catch (error) {
    throw new ServeConfigError(`key_file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  for (const scope of ['management', 'inference', 'API'] as const)
    if (typeof parsed[scope]?.key !== 'string' || parsed[scope].key === '')
      throw new ServeConfigError(`key_file ${file} has no "${scope}": {"key": "..."}`);
  return parsed as KeyFile;
}

/** TorchServe's answer to a missing, wrong or expired token. */
export function tokenRefused(): ServeError {
  return new ServeError(
    400,
    'InvalidKeyException',
    'Token Authorization failed. Token either incorrect, expired, or not provided correctly',
  );
}

/** Throws {@link tokenRefused} unless `header` is `Bearer <the scope's key>` and the key has not expired. */
export function checkToken(keys: KeyFile, scope: KeyScope, header: string | undefined, now = new Date()): void {
  checkKey(keys[scope], header, now);
}

function checkKey(expected: ApiKey, header: string | undefined, now = new Date()): void {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) throw tokenRefused();
  const given = Buffer.from(match[1]!);
  const wanted = Buffer.from(expected.key);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) throw tokenRefused();
  const expires = expected['expiration time'];
  if (expires !== undefined && !(Date.parse(expires) > now.getTime())) throw tokenRefused();
}

/**
 * Replaces the `scope` key with a fresh one expiring `minutes` from now, in `keys` (which the
 * listeners check) and atomically in `file`; returns the new key.
 */
export async function regenerateKey(keys: KeyFile, file: string, scope: KeyScope, minutes: number): Promise<ApiKey> {
  const fresh = newKey(minutes);
  const next: KeyFile = { ...keys, [scope]: fresh };
  await writeKeys(file, next);
  keys[scope] = fresh; // only once the file holds it, so a failed write leaves the old key working
  return fresh;
}

/** Throws {@link tokenRefused} unless `header` carries the API key (the one that regenerates the others). */
export function checkApiKey(keys: KeyFile, header: string | undefined): void {
  checkKey(keys.API, header);
}
