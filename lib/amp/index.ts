/** torch.amp: automatic mixed precision (autocast regions and the gradient scaler). */
export { autocast, enterAutocast, isAutocastEnabled, getAutocastDtype } from './autocast.js';
export type { AutocastDevice, AutocastOptions } from './autocast.js';
export { GradScaler } from './grad-scaler.js';
export type { GradScalerOptions, GradScalerState } from './grad-scaler.js';
