/** torch.nn.utils: gradient clipping, `prune`, and `fusion` (its functions also directly here, as in PyTorch). */
export { clipGradNorm_, clipGradValue_ } from '../optim/clip-grad.js';
export * as fusion from './utils/fusion.js';
export * as prune from './utils/prune/index.js';
export { fuseConvBnEval, fuseConvBnWeights, fuseLinearBnEval, fuseLinearBnWeights } from './utils/fusion.js';
export type { FusableConv, FusableBatchNorm, FuseConvBnOptions, FusedWeights } from './utils/fusion.js';
