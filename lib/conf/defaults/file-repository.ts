/**
 * A config repository over a folder of YAML files, laid out as Hydra's: `config.yaml` at the root,
 * a group per folder (`model/cnn.yaml`, nested groups as nested folders).
 * @module
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ConfigCompositionError } from './errors.js';
import { parseHeader } from './header.js';
import { isMapping } from './is-mapping.js';
import { pyTypeName } from './py-format.js';
import type { ConfigRepository, LoadedConfig } from './types.js';

const EXTENSION = '.yaml';

/**
 * The repository of the configs under `configDir`. `load` parses each file once and reports its
 * `# @package` header, its raw `defaults` list and its body without `defaults`.
 */
export function createFileRepository(configDir: string): ConfigRepository {
  const root = path.resolve(configDir);
  const cache = new Map<string, LoadedConfig | null>();
  // Hydra accepts a config name with its extension (`config.yaml`) as well as without.
  const fileOf = (configPath: string): string =>
    path.join(root, `${configPath.endsWith(EXTENSION) ? configPath.slice(0, -EXTENSION.length) : configPath}${EXTENSION}`);
  const exists = (configPath: string): boolean => statSync(fileOf(configPath), { throwIfNoEntry: false })?.isFile() ?? false;

  return {
    exists,
    isGroup: (group) => statSync(path.join(root, group), { throwIfNoEntry: false })?.isDirectory() ?? false,
    listGroup(group) {
      const dir = path.join(root, group);
      if (!(statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false)) return [];
      return readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isFile() && entry.name.endsWith(EXTENSION))
        .map((entry) => entry.name.slice(0, -EXTENSION.length))
        .sort();
    },
    load(configPath) {
      if (!cache.has(configPath)) cache.set(configPath, exists(configPath) ? loadFile(configPath, fileOf(configPath)) : null);
      return cache.get(configPath) ?? null;
    },
    searchPath: () => [`provider=main, path=file://${root}`],
  };
}

function loadFile(configPath: string, file: string): LoadedConfig {
  const text = readFileSync(file, 'utf8');
  const header = parseHeader(text);
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (error) {
    throw new ConfigCompositionError(`Error loading '${configPath}': ${(error as Error).message}`);
  }
  // An empty file is an empty config.
  const content = parsed ?? {};
  if (!isMapping(content)) return { defaults: null, header: packageOf(header), hasBody: false, body: content };
  const { defaults, ...body } = content;
  if (defaults !== undefined && !Array.isArray(defaults)) {
    const kind = isMapping(defaults) ? 'mapping' : pyTypeName(defaults, 'python');
    throw new ConfigCompositionError(`Invalid defaults list in '${configPath}', defaults must be a list (got ${kind})`);
  }
  return {
    defaults: (defaults as unknown[] | undefined) ?? null,
    header: packageOf(header),
    hasBody: Object.values(body).some((value) => value !== '???'),
    body,
  };
}

function packageOf(header: Record<string, string>): { package?: string } {
  return header.package === undefined ? {} : { package: header.package };
}
