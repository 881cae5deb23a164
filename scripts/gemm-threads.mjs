// GEMM speed on the JS thread (`a.matmul(b)`) against a libuv pool thread (`await a.matmulAsync(b)`)
// at a thread count: async work should run as fast as the same op on the JS thread
// (docs/performance.md, section 7).
//   node scripts/gemm-threads.mjs [threads=2]
import * as torch from 'nodetorch';

const threads = Number(process.argv[2] ?? 2);
torch.setNumThreads(threads);
for (const [m, k, n, reps] of [
  [1024, 1024, 1024, 10],
  [512, 784, 256, 40],
]) {
  const a = torch.randn([m, k]);
  const b = torch.randn([k, n]);
  for (const mode of ['sync', 'async', 'sync', 'async']) {
    const call = () => (mode === 'sync' ? a.matmul(b) : a.matmulAsync(b));
    for (let i = 0; i < 3; i++) (await call()).dispose();
    const start = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) (await call()).dispose();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    console.log(`${threads} thread(s), ${m} x ${k} x ${n}, ${mode}: ${((2 * m * k * n * reps) / seconds / 1e9).toFixed(1)} GFLOP/s`);
  }
}
