// Runs the micro cases (micro-cases.mjs) with Benchmark.js and prints one JSON line: per case its
// mean seconds per call, relative margin of error (%) and number of samples.
//   node nodetorch-micro.mjs <maxTimeSeconds>
import Benchmark from 'benchmark';
import * as torch from 'nodetorch';
import { LARGE, SMALL, microCases } from './micro-cases.mjs';

const maxTime = Number(process.argv[2] ?? 1);
torch.manualSeed(0);
const { nn } = torch;
const tiny = new nn.Sequential(new nn.Linear(16, 16), new nn.ReLU(), new nn.Linear(16, 16), new nn.ReLU(), new nn.Linear(16, 4)).eval();
const fixtures = {
  a: torch.ones([SMALL]),
  b: torch.ones([SMALL]),
  m4: torch.randn([4, 4]),
  n4: torch.randn([4, 4]),
  small: torch.randn([SMALL]),
  large: torch.randn([LARGE]),
  smallArray: new Float32Array(SMALL).fill(1),
  largeArray: new Float32Array(LARGE).fill(1),
  tiny,
  tinyInput: torch.randn([8, 16]),
};

const suite = new Benchmark.Suite();
const cases = microCases(torch, fixtures);
for (const c of cases) {
  const options = { maxTime, minSamples: 5 };
  if (c.async) suite.add(c.id, { ...options, defer: true, fn: (deferred) => c.async().then(() => deferred.resolve()) });
  else suite.add(c.id, c.fn, options);
}
const results = {};
suite.on('cycle', (event) => {
  const { stats, name } = event.target;
  const perCall = cases.find((c) => c.id === name).perCall ?? 1;
  results[name] = { mean: stats.mean / perCall, rme: stats.rme, samples: stats.sample.length };
  process.stderr.write(`  ${String(event.target)}\n`);
});
// Deferred (async) cases make the run asynchronous: the results are complete at 'complete'.
suite.on('complete', () => console.log(JSON.stringify({ cases: results, threads: torch.getNumThreads() })));
suite.run();
