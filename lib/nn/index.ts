/** torch.nn (modules come with the next issue; the functional API is here). */
export * as functional from './functional.js';
export * as utils from './utils.js';
