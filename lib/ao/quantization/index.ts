/** torch.ao.quantization: eager-mode module fusion (`fuseModules`) and its table of fusable sequences. */
export { fuseModules, fuseModulesQat, fuseKnownModules } from './fuse-modules.js';
export type { FuseModulesOptions, FuseKnownModulesOptions } from './fuse-modules.js';
export { DEFAULT_FUSION_PATTERNS, QAT_FUSION_PATTERNS, getFusionPattern } from './fuser-method-mappings.js';
export type { FuserMethod, FusionPattern } from './fuser-method-mappings.js';
export { quantizeDynamic } from './quantize-dynamic.js';
export type { QuantizeDynamicOptions, ModuleClass } from './quantize-dynamic.js';
export * from './observers/index.js';
export {
  qconfig,
  getDefaultQatQconfig,
  getDefaultQconfig,
  defaultQconfig,
  defaultObserver,
  defaultWeightObserver,
  defaultPerChannelWeightObserver,
} from './qconfig.js';
export type { QConfig } from './qconfig.js';
export { QuantStub, DeQuantStub, QuantWrapper } from './stubs.js';
export { prepare, prepareQat, propagateQconfig } from './prepare.js';
export type { PrepareOptions, PrepareQatOptions } from './prepare.js';
export { convert } from './convert.js';
export type { ConvertOptions } from './convert.js';
export { quantize, calibrate } from './quantize.js';
export type { CalibrateOptions } from './quantize.js';
export { DEFAULT_STATIC_QUANT_MODULE_MAPPINGS, DEFAULT_QAT_MODULE_MAPPINGS, UNSUPPORTED_STATIC_QUANT_MODULES } from './mappings.js';
export type { FromFloat } from './mappings.js';
export {
  FakeQuantizeBase,
  FakeQuantize,
  FusedMovingAvgObsFakeQuantize,
  disableObserver,
  enableObserver,
  disableFakeQuant,
  enableFakeQuant,
  defaultFakeQuant,
  defaultWeightFakeQuant,
  defaultFusedActFakeQuant,
  defaultFusedWtFakeQuant,
  defaultFusedPerChannelWtFakeQuant,
} from './fake-quantize.js';
export type { FakeQuantizeOptions, FakeQuantizeObserverClass, MovingAverageObserver } from './fake-quantize.js';
export type { ObserverLike } from './observers/base.js';
