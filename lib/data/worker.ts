/**
 * The entry point of a DataLoader worker thread (see dataloader.ts for the design). It rebuilds the
 * dataset, collate function and initializer from their recipes, then answers batch requests in the
 * order they arrive: it reads the samples, collates them, copies every tensor out into a typed array
 * and transfers those arrays to the main thread.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
// The whole package, so that user code running in this thread finds the generated Tensor methods.
import '../index.js';
import { native } from '../native.js';
import { tidy } from '../tensor/scope.js';
import type { Dataset, IterableDataset } from './dataset.js';
import { fetchBatch, readIterable } from './fetch.js';
import { Generator } from './generator.js';
import * as builtins from './index.js';
import { BUILTIN_MODULE, reviveRecipe, type EncodedRecipe, type ModuleLoader } from './recipe.js';
import { packValue, unpackTensor } from './transfer.js';
import { setWorkerInfo, type WorkerInfo } from './worker-info.js';
import {
  serializeError,
  type CloseRequest,
  type EpochRequest,
  type FetchRequest,
  type WorkerReply,
  type WorkerSetup,
} from './worker-protocol.js';

type Collate = ((data: never) => unknown) | null;

interface WorkerState {
  dataset: Dataset<unknown> | IterableDataset<unknown>;
  collate: Collate;
  iterator?: AsyncIterator<unknown>;
  exhausted: boolean;
}

// As PyTorch's DataLoader workers (torch.set_num_threads(1)): a worker's transforms run on its own
// thread, one batch each, so intra-op teams there would only fight the training step for cores.
native.setThreadIntraOpThreads(1);

const port = parentPort!;
const setup = (workerData as { setup: WorkerSetup }).setup;

const load: ModuleLoader = async (specifier) => {
  if (specifier === BUILTIN_MODULE) return builtins;
  return (await import(path.isAbsolute(specifier) ? pathToFileURL(specifier).href : specifier)) as Record<string, unknown>;
};

function revive(recipe: EncodedRecipe): Promise<unknown> {
  return reviveRecipe(recipe, load, unpackTensor);
}

async function start(): Promise<WorkerState> {
  const generator = new Generator(setup.seed);
  const dataset = (await revive(setup.dataset)) as WorkerState['dataset'];
  const info: WorkerInfo = { id: setup.id, numWorkers: setup.numWorkers, seed: setup.seed, dataset, generator };
  setWorkerInfo(info);
  const collate = setup.collate ? ((await revive(setup.collate)) as Collate) : null;
  if (setup.init) {
    const init = await revive(setup.init);
    if (typeof init !== 'function')
      throw new TypeError(`workerInit: export '${setup.init.export}' of ${setup.init.module} is not a function`);
    await (init as (info: unknown) => unknown)(info);
  }
  return { dataset, collate, exhausted: false };
}

function send(reply: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(reply, transfer);
}

// Collates and packs inside a memory scope, so every tensor made for the batch is freed once its data is copied out.
function sendBatch(task: number, produce: () => unknown): void {
  const transfer: ArrayBuffer[] = [];
  let packed: unknown;
  tidy(() => {
    packed = packValue(produce(), transfer);
  });
  send({ type: 'batch', task, data: packed }, transfer);
}

async function serve(state: WorkerState, request: FetchRequest): Promise<void> {
  if (!setup.iterable) {
    sendBatch(request.task, () => fetchBatch(state.dataset as Dataset<unknown>, request.indices!, state.collate));
    return;
  }
  state.iterator ??= (state.dataset as IterableDataset<unknown>)[Symbol.asyncIterator]();
  const read = state.exhausted ? ({ done: true } as const) : await readIterable(state.iterator, setup.batchSize, setup.dropLast);
  if (read.done) {
    state.exhausted = true;
    send({ type: 'end', task: request.task });
    return;
  }
  sendBatch(request.task, () => (state.collate ? state.collate(read.data as never) : read.data));
}

// Null when the worker failed to start (which is reported once, as a task-less error).
const ready: Promise<WorkerState | null> = start().catch((error: unknown) => {
  send({ type: 'error', task: null, error: serializeError(error) });
  return null;
});

let queue: Promise<void> = Promise.resolve();
port.on('message', (request: FetchRequest | EpochRequest | CloseRequest) => {
  if (request.type === 'close') {
    // Closing the port empties the event loop, so the thread ends by itself once the queue is done.
    queue = queue.then(() => port.close());
    return;
  }
  if (request.type === 'epoch') {
    // Like PyTorch's persistent workers: an iterable dataset is iterated afresh each epoch.
    queue = queue.then(async () => {
      const state = await ready;
      if (!state) return;
      const finished = state.iterator;
      state.iterator = undefined;
      state.exhausted = false;
      try {
        await finished?.return?.();
      } catch (error) {
        // The last epoch is over and no batch waits for this; the next epoch must still start.
        console.warn(`DataLoader worker ${setup.id}: closing the dataset's iterator failed: ${serializeError(error).message}`);
      }
    });
    return;
  }
  queue = queue.then(async () => {
    const state = await ready;
    if (!state) return;
    try {
      await serve(state, request);
    } catch (error) {
      send({ type: 'error', task: request.task, error: serializeError(error) });
    }
  });
});
