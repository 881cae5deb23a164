/**
 * TorchServe model archives (.mar): a zip with MAR-INF/MANIFEST.json naming the model, its version,
 * the serialized file (TorchScript here: nodetorch runs no Python) and the handler, plus extra files
 * such as index_to_name.json (class names) and, as nodetorch's addition, signature.json. The handler
 * is a built-in name, one given to createServer's `handlers`, or a JavaScript/TypeScript module in
 * the archive (lib/serve/handlers/handler-module.ts); Python handler files cannot run here.
 * @module
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { readRegularFile } from '../io/regular-file.js';
import { checkEntryCount } from '../io/zip-directory.js';
import { load } from '../jit/script-module.js';
import { SIGNATURE_FILE } from '../jit/signature.js';
import { isModulePath, loadArchiveHandler } from './handlers/handler-module.js';
import { DEFAULT_HANDLER, type Handler } from './handlers/index.js';
import type { LoadedModel, LoadOptions } from './load-model.js';
import { signatureFromText } from './signature-json.js';

/** MAR-INF/MANIFEST.json as torch-model-archiver writes it (the parts nodetorch reads). */
export interface MarManifest {
  runtime?: string;
  model: { modelName?: string; modelVersion?: string; serializedFile?: string; handler?: string };
}

/** The manifest's path inside an archive. */
export const MANIFEST_FILE = 'MAR-INF/MANIFEST.json';

function entryName(name: string, file: string): string {
  const parts = name.split('/');
  if (name.startsWith('/') || parts.includes('..') || name.includes('\\') || name.includes('\0'))
    throw new Error(`${file}: archive entry '${name}' points outside the archive`);
  return name;
}

function parseJsonEntry<T>(bytes: Uint8Array | undefined, name: string, file: string): T | null {
  if (!bytes) return null;
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
  } catch (error) {
    throw new Error(`${file}: ${name} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** Reads and checks an archive's entries and manifest. */
export async function readArchive(file: string): Promise<{ entries: Record<string, Uint8Array>; manifest: MarManifest }> {
  const bytes = await readRegularFile(file, 'model archive');
  checkEntryCount(bytes, file);
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (error) {
    throw new Error(`${file} is not a readable .mar (zip) archive: ${(error as Error).message}`, { cause: error });
  }
  for (const name of Object.keys(entries)) entryName(name, file);
  const manifest = parseJsonEntry<MarManifest>(entries[MANIFEST_FILE], MANIFEST_FILE, file);
  if (!manifest?.model || typeof manifest.model !== 'object') throw new Error(`${file}: no ${MANIFEST_FILE} with a "model" object`);
  const serialized = manifest.model.serializedFile;
  if (typeof serialized !== 'string' || !entries[serialized])
    throw new Error(`${file}: the manifest's model.serializedFile ${JSON.stringify(serialized)} is not in the archive`);
  return { entries, manifest };
}

/**
 * Loads an archive: its TorchScript module, handler, class names and signature. The handler is
 * `options.handler` when given (resolved by `resolve`), else the manifest's: a module file in the
 * archive, or a name (`resolve`d); else `options.defaultHandler`, else `tensor`.
 */
export async function loadArchive(
  file: string,
  options: Pick<LoadOptions, 'handler' | 'defaultHandler'>,
  resolve: (spec: string) => Promise<Handler>,
): Promise<LoadedModel> {
  const { entries, manifest } = await readArchive(file);
  const serializedFile = manifest.model.serializedFile!;
  const archived = options.handler === undefined ? manifest.model.handler : undefined;
  const handlerName = options.handler ?? archived ?? options.defaultHandler ?? DEFAULT_HANDLER;
  const handler =
    archived !== undefined && isModulePath(archived)
      ? await loadArchiveHandler(entries, archived, serializedFile, file)
      : await resolve(handlerName);
  const classNames = parseJsonEntry<Record<string, string>>(entries['index_to_name.json'], 'index_to_name.json', file);
  const signatureText = entries[SIGNATURE_FILE] ? Buffer.from(entries[SIGNATURE_FILE]).toString('utf8') : null;
  const ownSignature = signatureText === null ? null : signatureFromText(signatureText, `${file}: ${SIGNATURE_FILE}`);
  const dir = await mkdtemp(path.join(tmpdir(), 'nodetorch-mar-'));
  try {
    // LibTorch loads from a path: the serialized file goes to a private temp folder for the load.
    const serialized = path.join(dir, 'model.pt');
    await writeFile(serialized, entries[serializedFile]!);
    const module = await load(serialized);
    module.eval();
    return {
      module,
      signature: ownSignature ?? module.signature,
      handlerName,
      handler,
      classNames,
      ...(manifest.model.modelName ? { archiveName: manifest.model.modelName } : {}),
      ...(manifest.model.modelVersion ? { archiveVersion: String(manifest.model.modelVersion) } : {}),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
