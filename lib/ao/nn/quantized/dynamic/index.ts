/** torch.ao.nn.quantized.dynamic: modules with int8 weights and activations quantized on the fly. */
export { Linear } from './linear.js';
export { LSTM, GRU } from './rnn.js';
