/**
 * `nodetorch serve`: the inference server, started as TorchServe is (its flags on purpose, not
 * key=value: they are what its users type):
 *
 *   nodetorch serve --model-store DIR --models NAME=FILE [NAME=FILE ...] [--ts-config config.properties]
 *     [--inference-address http://127.0.0.1:8080] [--management-address ...] [--metrics-address ...]
 *     [--signature NAME=FILE.json ...] [--handler NAME=FILE.mjs ...] [--prediction-log FILE.sqlite]
 *     [--drift-reference [NAME=]FILE ...] [--foreground] [--start] [--stop] [--ncs]
 *
 * Settings come from TorchServe's defaults, then config.properties (TS_CONFIG_FILE, as in
 * TorchServe, names it when set; else --ts-config), then TS_* variables when it sets
 * enable_envvars_config=true, then these flags. Port 0 picks a free port; the bound addresses
 * are printed as TorchServe logs them ("Inference API bind to: http://..."). With --foreground the
 * server runs in this process until SIGINT/SIGTERM, finishing in-flight requests; without it a
 * detached server is started (its log and pid under --log-dir) and the command returns once it
 * listens. `--stop` stops that server and waits until it has exited. TorchServe's `--start` (the
 * default action) and `--ncs` / `--no-config-snapshots` are accepted: nodetorch writes no config
 * snapshots, so there is nothing to turn off.
 * @module
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { ExperimentConfig } from '../../conf/schema.js';
import { writeFileAtomicSync } from '../../io/atomic.js';
import type { ModelSignature } from '../../jit/signature.js';
import {
  defaultConfig,
  parseAddress,
  parseReferences,
  readConfigFile,
  resolveConfig,
  ServeConfigError,
  type ServeConfig,
} from '../../serve/config.js';
import { signatureFromText } from '../../serve/signature-json.js';
import { buildModel } from '../build-experiment.js';
import { UsageError } from '../exit-codes.js';

/** The command's options as commander gives them. */
export interface ServeCommandOptions {
  modelStore?: string;
  models?: string[];
  tsConfig?: string;
  inferenceAddress?: string;
  managementAddress?: string;
  metricsAddress?: string;
  signature?: string[];
  handler?: string[];
  predictionLog?: string;
  driftReference?: string[];
  foreground?: boolean;
  start?: boolean;
  stop?: boolean;
  /** `--ncs`; accepted, as nodetorch writes no snapshots. */
  ncs?: boolean;
  /** false with `--no-config-snapshots`; accepted likewise. */
  configSnapshots?: boolean;
  logDir: string;
}

/**
 * The settings of a command line (config file, TS_* variables, then flags); bad values are usage
 * errors. `notice` gets a line for each kind of setting accepted without effect.
 */
export function serveSettings(
  options: ServeCommandOptions,
  env: NodeJS.ProcessEnv = process.env,
  notice: (line: string) => void = () => {},
): ServeConfig {
  try {
    const file = env.TS_CONFIG_FILE || options.tsConfig;
    const config = file ? readConfigFile(file, env, notice) : resolveConfig(new Map(), env, notice);
    if (options.modelStore) config.modelStore = options.modelStore;
    if (options.models?.length) config.loadModels = options.models;
    if (options.inferenceAddress) config.inferenceAddress = parseAddress(options.inferenceAddress, '--inference-address');
    if (options.managementAddress) config.managementAddress = parseAddress(options.managementAddress, '--management-address');
    if (options.metricsAddress) config.metricsAddress = parseAddress(options.metricsAddress, '--metrics-address');
    if (options.predictionLog) config.predictionLog = options.predictionLog;
    if (options.driftReference?.length) config.driftReference = parseReferences(options.driftReference.join(','), '--drift-reference');
    if (config.modelStore && !existsSync(config.modelStore)) throw new UsageError(`--model-store ${config.modelStore} does not exist`);
    return config;
  } catch (error) {
    if (error instanceof ServeConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/** Splits a `NAME=FILE` argument of `flag`, checking that the file exists. */
function nameAndFile(flag: string, item: string, what: string): [string, string] {
  const at = item.indexOf('=');
  if (at <= 0) throw new UsageError(`${flag} takes NAME=${what}, got '${item}'`);
  const file = item.slice(at + 1);
  if (!existsSync(file)) throw new UsageError(`${flag} ${item}: ${file} does not exist`);
  return [item.slice(0, at), file];
}

/** `--signature NAME=FILE.json` arguments as signatures by model name. */
export function readSignatures(items: readonly string[] = []): Record<string, ModelSignature> {
  const signatures: Record<string, ModelSignature> = {};
  for (const item of items) {
    const [name, file] = nameAndFile('--signature', item, 'FILE.json');
    try {
      // A bare {"inputs": [...], "outputs": [...]} is accepted, as is a traced file's signature.json.
      signatures[name] = signatureFromText(readFileSync(file, 'utf8'), `--signature ${item}`);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  return signatures;
}

/**
 * `--handler NAME=FILE` arguments as module paths by handler name (imported when a model uses
 * them, so a module that fails to load fails its models, not the server).
 */
export function handlerPaths(items: readonly string[] = []): Record<string, string> {
  return Object.fromEntries(
    items.map((item) => nameAndFile('--handler', item, 'FILE (.mjs, .js, .ts)')).map(([n, f]) => [n, path.resolve(f)]),
  );
}

/** Runs the server in this process until SIGINT or SIGTERM. */
async function runForeground(
  config: ServeConfig,
  signatures: Record<string, ModelSignature>,
  handlers: Record<string, string>,
): Promise<void> {
  const { createServer } = await import('../../serve/server.js');
  let server;
  try {
    server = await createServer({
      ...config,
      signatures,
      handlers,
      buildModel: (modelConfig) => buildModel(modelConfig as unknown as ExperimentConfig['model']),
    });
  } catch (error) {
    if (error instanceof ServeConfigError) throw new UsageError(error.message);
    throw error;
  }
  let addresses;
  try {
    addresses = await server.listen();
  } catch (error) {
    await server.close();
    const { code, address, port } = error as NodeJS.ErrnoException & { address?: string; port?: number };
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL')
      throw new Error(`cannot listen on ${address ?? '?'}:${port ?? '?'} (${code}); choose another address or port 0`, { cause: error });
    throw error;
  }
  for (const entry of server.models.registry.entries())
    console.log(`Model ${entry.name} version ${entry.version}: ${entry.status === 'ready' ? 'loaded' : `FAILED: ${entry.error}`}`);
  console.log(`Inference API bind to: ${addresses.inference}`);
  console.log(`Management API bind to: ${addresses.management}`);
  console.log(`Metrics API bind to: ${addresses.metrics}`);
  console.log(`Monitoring page: ${addresses.metrics}/monitoring`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      console.log('Shutting down: finishing in-flight requests');
      void server.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Starts a detached server and returns once it has printed its addresses. */
async function runDetached(argv: readonly string[], logDir: string): Promise<void> {
  mkdirSync(logDir, { recursive: true });
  const log = path.join(logDir, 'serve.log');
  const pidFile = path.join(logDir, 'serve.pid');
  const fd = openSync(log, 'w');
  // The script that is running (dist/cli.js, or lib/cli/bin.ts with tsx's loader passed on by execArgv).
  const script = process.argv[1] ?? fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [...process.execArgv, script, 'serve', ...argv, '--foreground'], {
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  child.unref();
  writeFileAtomicSync(pidFile, `${child.pid}\n`);
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? 1));
  for (let waited = 0; waited < 120_000; waited += 100) {
    const text = readFileSync(log, 'utf8');
    if (text.includes('Metrics API bind to:')) {
      process.stdout.write(text);
      console.log(`Server started in the background: pid ${child.pid}, log ${log}; stop it with nodetorch serve --stop`);
      return;
    }
    if (exited !== null) {
      rmSync(pidFile, { force: true });
      throw new UsageError(`the server exited with code ${exited} before listening:\n${text}`);
    }
    await sleep(100);
  }
  throw new Error(`the server did not report its addresses within 120 s; see ${log}`);
}

/** Whether process `pid` still runs (a zombie, which a container's init may never reap, does not). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (name) state ..."; the name may hold spaces, the state follows its ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): kill(pid, 0) is the answer
  }
}

/** Sends the background server SIGTERM and waits (up to 60 s) until it has finished and exited. */
async function stopDetached(logDir: string): Promise<void> {
  const pidFile = path.join(logDir, 'serve.pid');
  if (!existsSync(pidFile)) throw new UsageError(`no server to stop (${pidFile} does not exist)`);
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new UsageError(`${pidFile} holds no process id`);
  if (!running(pid)) {
    console.log(`The server (pid ${pid}) is not running`);
    rmSync(pidFile, { force: true });
    return;
  }
  process.kill(pid, 'SIGTERM');
  console.log(`Stopping the server (pid ${pid})`);
  for (let waited = 0; waited < 60_000; waited += 100) {
    if (!running(pid)) {
      rmSync(pidFile, { force: true });
      console.log('The server has stopped');
      return;
    }
    await sleep(100);
  }
  throw new Error(`the server (pid ${pid}) did not stop within 60 s of SIGTERM`);
}

/** The command line that gives `options` again (for the detached server). */
function flagsOf(options: ServeCommandOptions): string[] {
  const flags: string[] = [];
  const add = (flag: string, value: string | undefined) => value !== undefined && flags.push(flag, value);
  add('--model-store', options.modelStore);
  add('--ts-config', options.tsConfig);
  add('--inference-address', options.inferenceAddress);
  add('--management-address', options.managementAddress);
  add('--metrics-address', options.metricsAddress);
  for (const spec of options.signature ?? []) add('--signature', spec);
  for (const spec of options.handler ?? []) add('--handler', spec);
  add('--prediction-log', options.predictionLog);
  for (const spec of options.driftReference ?? []) add('--drift-reference', spec);
  if (options.models?.length) flags.push('--models', ...options.models);
  return flags;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Adds `serve` to `program`. */
export function addServeCommand(program: Command): void {
  const defaults = defaultConfig();
  program
    .command('serve')
    .description('serve models over HTTP, compatible with TorchServe (inference, management, metrics APIs) and KServe v2')
    .option('--model-store <dir>', 'the folder models are loaded from')
    .option('--models <models...>', 'models to load at start: NAME=FILE, FILE or all')
    .option(
      '--ts-config <file>',
      'a TorchServe config.properties (its keys; with enable_envvars_config=true, TS_* variables override them)',
    )
    .option(
      '--inference-address <url>',
      `inference API address (default ${defaults.inferenceAddress.host}:${defaults.inferenceAddress.port}; port 0 picks one)`,
    )
    .option('--management-address <url>', 'management API address (default 127.0.0.1:8081)')
    .option('--metrics-address <url>', 'metrics address (default 127.0.0.1:8082)')
    .option('--signature <spec>', 'NAME=FILE.json: a signature for a TorchScript file that has none (repeatable)', collect)
    .option(
      '--handler <spec>',
      'NAME=FILE: a handler module (.mjs, .js, .ts) named NAME; model NAME uses it unless its archive or config names another (repeatable)',
      collect,
    )
    .option('--prediction-log <file>', 'log every prediction (features, outputs, latency) to this SQLite file')
    .option(
      '--drift-reference <spec>',
      '[NAME=]FILE: the training data (CSV, JSON) drift of the logged predictions is checked against (repeatable)',
      collect,
    )
    .option('--foreground', 'run in this process (default: start a background server and return)')
    .option('--start', "start the server (the default; TorchServe's flag)")
    .option('--stop', 'stop the background server started from this folder, waiting until it has exited')
    .option('--ncs', "TorchServe's no-config-snapshots flag: accepted (nodetorch writes no snapshots)")
    .option('--no-config-snapshots', 'the same as --ncs')
    .option('--log-dir <dir>', "where a background server's log and pid go", 'logs')
    .action(async (options: ServeCommandOptions) => {
      if (options.stop && options.start) throw new UsageError('--start and --stop cannot be given together');
      if (options.stop) return stopDetached(options.logDir);
      // A detached server prints its own notices to its log, which is shown once it listens.
      const notice = options.foreground ? (line: string) => console.error(`nodetorch serve: ${line}`) : undefined;
      const config = serveSettings(options, process.env, notice);
      const signatures = readSignatures(options.signature);
      const handlers = handlerPaths(options.handler);
      if (options.foreground) return runForeground(config, signatures, handlers);
      return runDetached(flagsOf(options), options.logDir);
    });
}
