// nodetorch's side of the ceiling: GFLOP/s of torch.mm on n x n float32 (best of 5 timed batches).
//   NODETORCH_NUM_THREADS=1 node nodetorch-sgemm.mjs <n> <iterations>
import * as torch from 'nodetorch';

const [n, iterations] = process.argv.slice(2).map(Number);
torch.manualSeed(0);
const [a, b] = [torch.randn([n, n]), torch.randn([n, n])];
torch.mm(a, b).dispose(); // warm-up
let best = 0;
for (let batch = 0; batch < 5; batch++) {
  const start = performance.now();
  for (let i = 0; i < iterations; i++) torch.mm(a, b).dispose();
  best = Math.max(best, (2 * n ** 3 * iterations) / ((performance.now() - start) / 1000) / 1e9);
}
console.log(JSON.stringify({ gflops: best, threads: torch.getNumThreads() }));
