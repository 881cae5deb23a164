/** torch.ao.quantization: eager-mode module fusion (`fuseModules`) and its table of fusable sequences. */
export { fuseModules, fuseKnownModules } from './fuse-modules.js';
export type { FuseModulesOptions, FuseKnownModulesOptions } from './fuse-modules.js';
export { DEFAULT_FUSION_PATTERNS, getFusionPattern } from './fuser-method-mappings.js';
export type { FuserMethod, FusionPattern } from './fuser-method-mappings.js';
export { quantizeDynamic } from './quantize-dynamic.js';
export type { QuantizeDynamicOptions, ModuleClass } from './quantize-dynamic.js';
export * from './observers/index.js';
