/** torch.nn.utils */
export { clipGradNorm_, clipGradValue_ } from '../optim/clip-grad.js';
