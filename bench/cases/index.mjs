// The suite's cases, in the order they run. The ceiling comes first: later cases report their rows'
// share of its SGEMM peak. A new capability (compression, serving, distributed) adds a case module
// here: { id, title, run(ctx) -> { id, title, notes, columns, rows } } (see bench/README.md).
import ceiling from './ceiling.mjs';
import compile from './compile.mjs';
import compress from './compress.mjs';
import dataloader from './dataloader.mjs';
import inference from './inference.mjs';
import micro from './micro.mjs';
import peakRss from './peak-rss.mjs';
import serve from './serve.mjs';
import trainStep from './train-step.mjs';

export const CASES = [ceiling, micro, trainStep, inference, compile, compress, dataloader, peakRss, serve];
