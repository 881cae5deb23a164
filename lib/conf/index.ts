/**
 * torch.conf: Hydra-style configuration.
 * @module
 */
export * from './overrides/index.js';
