/**
 * Loads the native addon and gives it a typed contract. This is the only file that touches the raw
 * binding; everything else imports `native` from here.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** An operator found in the c10 dispatcher (opaque). */
export type OpHandle = { readonly __opHandle: unique symbol };

/** The typed arrays a tensor's elements come back as. */
export type ElementArray = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Int32Array | BigInt64Array;

/**
 * Per-tensor functions (native/binding/tensor_wrap.cpp). Each takes the tensor's handle, its slot
 * and generation in the addon's tensor table (lib/tensor/handle.ts), and throws a TorchError if it
 * was disposed.
 */
export interface NativeTensorFunctions {
  shape(handle: number): number[];
  strides(handle: number): number[];
  dtype(handle: number): DTypeName;
  device(handle: number): string;
  numel(handle: number): number;
  dim(handle: number): number;
  requiresGrad(handle: number): boolean;
  setRequiresGrad(handle: number, value: boolean): void;
  grad(handle: number): unknown;
  setGrad(handle: number, grad: unknown): void;
  gradFn(handle: number): string | null;
  isLeaf(handle: number): boolean;
  isContiguous(handle: number): boolean;
  storageId(handle: number): number | null;
  /** Elements between the start of the storage and the first element. */
  storageOffset(handle: number): number;
  /** Size of the whole storage in bytes (0 without one). */
  storageBytes(handle: number): number;
  toTypedArray(handle: number): ElementArray;
  /** The value of a one-element tensor (Tensor.item converts booleans to numbers). */
  item(handle: number): number | boolean;
  retainGrad(handle: number): void;
  index(handle: number, items: unknown[]): unknown;
  indexPut(handle: number, items: unknown[], value: unknown): void;
  /** Frees the tensor now (dispose) unless it already was; the collector would otherwise free it with its JS object. */
  release(handle: number): void;
  /** Whether the handle still names a live tensor (false once it was freed through any copy of it). */
  isLive(handle: number): boolean;
}

/** Names of the dtypes the addon reports. */
export type DTypeName =
  | 'float16'
  | 'bfloat16'
  | 'float32'
  | 'float64'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'bool'
  | 'complex64'
  | 'complex128'
  /** Quantized dtypes (torch.qint8, ...): values are stored as integers with a scale and zero point. */
  | 'qint8'
  | 'quint8'
  | 'qint32';

/** What `torch.config()` reports about the LibTorch build and the process. */
export interface NativeConfig {
  torchVersion: string;
  cudaAvailable: boolean;
  cudaDeviceCount: number;
  blas: string;
  /** The kernels OpenBLAS picked for this CPU ('SkylakeX', 'Haswell', ...); '' for another BLAS. */
  blasCore: string;
  numThreads: number;
  blasThreads: number | null;
  quantizedEngines: string[];
  mallocTuned: boolean;
  /** Whether LibTorch has oneDNN (MKL-DNN), which optimizeForInference moves convolutions to. */
  mkldnn: boolean;
}

/** Live native memory as the addon counts it. */
export interface NativeMemory {
  liveTensors: number;
  liveStorages: number;
  bytes: number;
  /** Bytes the CPU allocator has handed to live tensors (rounded up to size classes). */
  cpuAllocatedBytes: number;
  /** Freed CPU blocks kept for reuse (NODETORCH_CPU_CACHE_MB caps them; 0 disables caching). */
  cpuCachedBytes: number;
}

/** A LibTorch optimizer (native/binding/optimizer_wrap.cpp); options use PyTorch's snake_case names, betas as beta1/beta2. */
export interface NativeOptimizer {
  step(): void;
  zeroGrad(setToNone: boolean): void;
  addParamGroup(group: NativeParamGroup): void;
  groupOptions(group: number): Record<string, number>;
  setGroupOption(group: number, name: string, value: number | boolean): void;
  paramState(param: unknown): { step?: number; buffers: Record<string, unknown> } | null;
  /** Frees the optimizer and its state now; later calls throw a TorchError. */
  dispose(): void;
  /** Bytes of the state buffers, as reported to V8. */
  stateBytes(): number;
  setParamState(param: unknown, state: { step?: number; buffers: Record<string, unknown> }): void;
}
/** A parameter group as the native optimizer takes it. */
export interface NativeParamGroup {
  params: unknown[];
  options: Record<string, number | boolean>;
}

/** A TorchScript module (native/binding/script_module_wrap.cpp). */
export interface NativeScriptModule {
  runMethod(name: string, ...inputs: unknown[]): unknown;
  runMethodAsync(name: string, ...inputs: unknown[]): Promise<unknown>;
  namedParameters(): [string, unknown][];
  namedBuffers(): [string, unknown][];
  train(on: boolean): void;
  isTraining(): boolean;
  methodNames(): string[];
  /** Saves the archive; `extraFiles` ({ name: text }) are stored beside the code (TorchScript's extra files). */
  save(path: string, extraFiles?: Record<string, string>): void;
  to(target: string): void;
  /** Frees this wrapper's module now (async calls still running keep theirs); later calls throw a TorchError. */
  dispose(): void;
  /** torch.jit.freeze: a new module with attributes inlined (throws in training mode). */
  freeze(preservedAttrs: string[]): NativeScriptModule;
  /** torch.jit.optimize_for_inference: a new frozen module after LibTorch's inference passes. */
  optimizeForInference(otherMethods: string[]): NativeScriptModule;
  /** The method's TorchScript graph as text, optionally with submodule calls inlined. */
  graphText(method: string, inlined?: boolean): string;
  /** The method's graph prepared for export (frozen, inlined, lowered) as plain data. */
  exportGraph(method: string, constantFolding: boolean): unknown;
  /** An extra file the module was loaded with, or null. */
  extraFile(name: string): string | null;
}

/** The module tree torch.jit.trace mirrors as TorchScript modules (tensors shared, not copied). */
export interface NativeModuleTree {
  className: string;
  training: boolean;
  parameters: [string, unknown][];
  buffers: [string, unknown][];
  /** Other attributes: TorchScript objects (packed quantized weights). */
  objects?: [string, unknown][];
  children: [string, NativeModuleTree][];
}

/** One method to trace: the function called under the tracer with `inputs`. */
export interface NativeTracedMethod {
  name: string;
  fn: (...inputs: unknown[]) => unknown;
  inputs: unknown[];
  argumentNames: string[];
}

/** The raw binding (native/binding/*.cpp). */
export interface NativeBinding {
  tensor: NativeTensorFunctions;
  /**
   * Registers what the addon needs to make tensors: the Tensor class (constructed as
   * `new Tensor(token, handle)`), TorchError, the symbol tensors keep their handle under, and the token.
   */
  setClasses(
    tensorClass: abstract new (...args: never[]) => unknown,
    errorClass: new (...args: never[]) => Error,
    handleKey: symbol,
    token: object,
  ): void;
  opHandle(name: string, overload: string): OpHandle;
  opSchema(handle: OpHandle): string;
  /** Arguments in schema order; undefined takes the schema default. */
  callOp(handle: OpHandle, ...args: unknown[]): unknown;
  /** For ops returning one new Tensor: fills `out` (a Tensor just made, without a handle) and returns its handle, or -1 for none. */
  callOpInto(handle: OpHandle, out: object, ...args: unknown[]): number;
  /**
   * callOpInto for ops with an unboxed caller (opTypedTensors), every Tensor argument given as its
   * handle; `keepAlive` (the arguments as objects) is not read, only held for the call.
   */
  callOpTyped(handle: OpHandle, out: object, keepAlive: unknown, ...args: unknown[]): number;
  /**
   * For an op the addon calls unboxed ((Tensor, Tensor, Scalar) -> Tensor, ...): a bit set of the
   * arguments callOpTyped takes as tensor handles, read from this LibTorch's schema; else -1.
   */
  opTypedTensors(handle: OpHandle): number;
  callOpAsync(handle: OpHandle, ...args: unknown[]): Promise<unknown>;
  /** The operators whose arguments are checked before each call, because LibTorch would crash on some (native/core/op_guards.cpp). */
  guardedOps(): string[];
  fromTypedArray(data: ArrayBufferView, shape: number[], dtype: string | undefined, copy: boolean): unknown;
  manualSeed(seed: number | bigint): void;
  getRngState(): unknown;
  setRngState(state: unknown): void;
  useDeterministicAlgorithms(mode: boolean): void;
  areDeterministicAlgorithmsEnabled(): boolean;
  backward(tensors: unknown[], gradients: unknown[], retainGraph: boolean | undefined, createGraph: boolean): void;
  grad(
    outputs: unknown[],
    inputs: unknown[],
    gradOutputs: unknown[],
    retainGraph: boolean | undefined,
    createGraph: boolean,
    allowUnused: boolean,
  ): unknown[];
  isGradEnabled(): boolean;
  setGradEnabled(enabled: boolean): boolean;
  config(): NativeConfig;
  setNumThreads(threads: number): void;
  getNumThreads(): number;
  /** The intra-op thread count as a libuv pool thread (async work) sees it. */
  poolNumThreads(): Promise<number>;
  /** How many warm threads the native epoch loop has started (native/core/warm_threads.h; for tests). */
  warmThreadCount(): number;
  memory(): NativeMemory;
  emptyCache(): void;
  /** Hand-bound hot paths (direct ATen calls): fill `out` with `op(self, other)` and return its handle. */
  hot: Record<'add' | 'sub' | 'mul' | 'matmul', (out: object, self: number, other: number) => number>;
  /** Single draws from LibTorch's default generator: torch.rand(1).item() and torch.randint(low, high, (1,)).item(). */
  draw: { uniform(): number; int(low: number, high: number): number };
  /**
   * lib/data's image kernels: each fills `out` and returns its handle; affine and normalize return -1
   * for inputs they do not take (not float32/float64 on the CPU, autograd, a trace).
   */
  image: {
    crop(out: object, input: number, top: number, left: number, height: number, width: number, fill: number): number;
    affine(out: object, input: number, theta: number[], nearest: boolean, fill: number): number;
    normalize(out: object, input: number, means: number[], stds: number[]): number;
  };
  NativeOptimizer: new (kind: string, groups: NativeParamGroup[]) => NativeOptimizer;
  clipGradNorm(params: unknown[], maxNorm: number, normType: number, errorIfNonfinite: boolean): number;
  clipGradValue(params: unknown[], clipValue: number): void;
  /** The quantized engine in use ('onednn', 'qnnpack', ...). */
  quantizedEngine(): string;
  /** Selects the quantized engine by name (throws naming the supported ones). */
  setQuantizedEngine(name: string): void;
  /** Opens an inference-mode scope on this thread (c10::InferenceMode); exitInferenceMode closes the innermost. */
  enterInferenceMode(enabled: boolean): void;
  exitInferenceMode(): void;
  isInferenceModeEnabled(): boolean;
  jitLoad(path: string, device?: string): Promise<NativeScriptModule>;
  /** Traces each method in turn on the calling thread; the functions' own outputs come back too. */
  jitTrace(
    tree: NativeModuleTree,
    methods: NativeTracedMethod[],
    options: { strict: boolean },
  ): { module: NativeScriptModule; outputs: unknown[]; warnings: string[] };
  /** Opens a module scope for the nodes a trace records next (no-op without a trace). */
  jitTracePushScope(name: string): void;
  jitTracePopScope(): void;
  /** Whether a trace records on this thread now. */
  jitIsTracing(): boolean;
  /** Runs the steps of a native forward plan (lib/nn/sequential-plan.ts) on `input`. */
  runSequential(steps: readonly object[], input: unknown): unknown;
  runSequentialAsync(steps: readonly object[], input: unknown): Promise<unknown>;
  /** Runs training batches in C++ on the thread pool (lib/train/native-loop.ts); `stop` ends it after the current batch. */
  runEpochChunk(
    spec: object,
    onBatch: (batch: number, loss: number, batchSize: number, stepped: boolean) => void,
  ): { promise: Promise<number>; stop: () => void };
  cudaIsAvailable(): boolean;
  cudaDeviceCount(): number;
  /** This thread's autocast state for 'cpu' or 'cuda'. */
  autocastGet(device: string): { enabled: boolean; dtype: DTypeName };
  autocastSet(device: string, enabled: boolean, dtype: string): void;
  /** Counts autocast regions; the outermost exit clears the cache of casted weights. */
  autocastEnter(): void;
  autocastExit(): void;
  /** Whether `aten::<name>.<overload>` has a kernel for the device type's backend. */
  hasBackendKernel(name: string, overload: string, device: string): boolean;
  /** The intra-op thread count of ops run on the calling thread only (DataLoader workers use 1). */
  setThreadIntraOpThreads(threads: number): void;
  /** Starts the profiler's collector (native/core/profiler.h); throws if a session is active. */
  profilerStart(options: { recordShapes: boolean; profileMemory: boolean }): void;
  /** Ends the session and returns its events as columns, sorted by start time. */
  profilerStop(): NativeProfilerEvents;
  /** Opens a JS span on this thread; -1 when no session is active. */
  profilerBeginSpan(name: string): number;
  profilerEndSpan(id: number): void;
  /** The profiler's clock in nanoseconds. */
  profilerNow(): number;
}

/** @internal A profiler session's events, one typed array per field (see native/binding/profiler_binding.cpp). */
export interface NativeProfilerEvents {
  id: Float64Array;
  parent: Float64Array;
  /** 0 op, 1 autograd node, 2 user span, 3 memory report. */
  kind: Float64Array;
  /** An index into `names`. */
  name: Float64Array;
  /** An index into `shapeTable`. */
  shapes: Float64Array;
  startNs: Float64Array;
  endNs: Float64Array;
  thread: Float64Array;
  sequenceNr: Float64Array;
  selfMemory: Float64Array;
  memoryBytes: Float64Array;
  totalAllocated: Float64Array;
  names: string[];
  shapeTable: string[];
  /** The thread that started the session (the JS thread). */
  sessionThread: number;
}

/** @internal The folder of nodetorch's package.json (a checkout, or node_modules/nodetorch). */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'nodetorch') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('nodetorch: cannot find the package root above ' + import.meta.url);
    dir = parent;
  }
}

/** How to build the addon: from a checkout, the setup script; as a dependency, npm's install script. */
function buildAdvice(root = packageRoot()): string {
  if (existsSync(path.join(root, 'scripts', 'setup.sh')))
    return 'Fix: run `bash scripts/setup.sh` (installs LibTorch on Debian/Ubuntu and builds), or `npm run build:native`.';
  return [
    "Fix: nodetorch's install script builds the addon; it did not run (npm 11 can skip dependency install",
    'scripts not listed in allowScripts) or found no LibTorch. Install LibTorch, CMake and a C++17 compiler',
    '(Debian/Ubuntu: `sudo apt-get install libtorch-dev libopenblas0-pthread cmake g++ make`; or an unpacked',
    'LibTorch from pytorch.org with `export LIBTORCH=/path/to/libtorch`), then run in your project:',
    '  npm install-scripts approve nodetorch   (npm >= 11; or install with --allow-scripts=nodetorch)',
    '  npm rebuild nodetorch',
  ].join('\n');
}

function explain(file: string, error: Error): string {
  const message = error.message;
  if (/lib(torch|c10|torch_cpu)[^:]*\.so/.test(message)) {
    return (
      `the addon ${file} was built but LibTorch's shared libraries cannot be loaded: ${message}\n` +
      'Fix: on Debian/Ubuntu run `sudo apt-get install libtorch-dev libopenblas0-pthread`; with the official ' +
      'LibTorch zip, rebuild with LIBTORCH=/path/to/libtorch (the addon records that path as its rpath).'
    );
  }
  if (/NODE_MODULE_VERSION|napi|undefined symbol/i.test(message)) {
    return `the addon ${file} does not match this Node or LibTorch: ${message}\n${buildAdvice()}`;
  }
  return `the addon ${file} failed to load: ${message}`;
}

/** Where the addon is looked for, in order. */
export function addonCandidates(root = packageRoot()): string[] {
  const fromEnv = process.env.NODETORCH_ADDON ? [path.resolve(process.env.NODETORCH_ADDON)] : [];
  return [...fromEnv, path.join(root, 'build', 'Release', 'nodetorch.node'), path.join(root, 'build', 'Debug', 'nodetorch.node')];
}

// LibTorch's OpenMP team and OpenBLAS's threads take turns on the same cores: OpenMP's default of
// spinning after each parallel region starves OpenBLAS's threads, which made a 2-thread MLP step
// several times slower than a 1-thread one on a busy 2-core machine (docs/performance.md). libgomp
// reads this when it loads, with the addon; a value the user set wins.
function preferPassiveOpenMpWaits(): void {
  if (process.env.OMP_WAIT_POLICY === undefined && process.env.GOMP_SPINCOUNT === undefined) process.env.OMP_WAIT_POLICY = 'PASSIVE';
}

// OpenBLAS (DYNAMIC_ARCH) picks its kernels from the CPU model; on a CPU it does not know (a VM that
// reports "Intel(R) Xeon(R) Processor" here) it falls back to Prescott's SSE3 kernels, a quarter of
// the speed: 21 against 95 GFLOP/s for a 1024x1024 SGEMM here (docs/performance.md). Naming the
// core by the instruction sets the CPU has fixes that; OPENBLAS_CORETYPE set by the user wins.
function preferBlasCoreForCpu(): void {
  if (process.env.OPENBLAS_CORETYPE !== undefined || process.platform !== 'linux' || process.arch !== 'x64') return;
  let flags: Set<string>;
  try {
    const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
    flags = new Set((/^flags\s*:(.*)$/m.exec(cpuinfo)?.[1] ?? '').trim().split(/\s+/));
  } catch {
    return;
  }
  if (['avx512f', 'avx512bw', 'avx512dq', 'avx512vl'].every((flag) => flags.has(flag))) process.env.OPENBLAS_CORETYPE = 'SkylakeX';
  else if (flags.has('avx2') && flags.has('fma')) process.env.OPENBLAS_CORETYPE = 'Haswell';
}

function load(): { binding: NativeBinding; file: string } {
  preferPassiveOpenMpWaits();
  preferBlasCoreForCpu();
  const candidates = addonCandidates();
  const found = candidates.find((file) => existsSync(file));
  if (!found) {
    throw new Error(
      'nodetorch: the native addon is not built. Looked for:\n' + candidates.map((file) => `  - ${file}`).join('\n') + '\n' + buildAdvice(),
    );
  }
  try {
    const addon = { exports: {} as NativeBinding };
    process.dlopen(addon, found); // a native module whatever the file name says
    if (typeof addon.exports.tensor?.release !== 'function') throw new Error('it is not the nodetorch addon');
    return { binding: addon.exports, file: found };
  } catch (error) {
    throw new Error('nodetorch: ' + explain(found, error as Error), { cause: error });
  }
}

const loaded = load();

/** The typed native binding. */
export const native: NativeBinding = loaded.binding;
/** The path the addon was loaded from. */
export const addonPath: string = loaded.file;
