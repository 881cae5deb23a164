// The suite's models in TensorFlow.js layers (NHWC images); the same layers and sizes as the other peers.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

const builders = {
  mlp: () =>
    tf.sequential({
      layers: [
        tf.layers.dense({ units: 256, activation: 'relu', inputShape: [784] }),
        tf.layers.dense({ units: 128, activation: 'relu' }),
        tf.layers.dense({ units: 10 }),
      ],
    }),
  cnn: () =>
    tf.sequential({
      layers: [
        tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [28, 28, 1] }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 10 }),
      ],
    }),
  // recurrentActivation 'sigmoid' as in PyTorch (tfjs defaults to hardSigmoid).
  lstm: () =>
    tf.sequential({
      layers: [tf.layers.lstm({ units: 128, recurrentActivation: 'sigmoid', inputShape: [28, 28] }), tf.layers.dense({ units: 10 })],
    }),
  tiny: () =>
    tf.sequential({
      layers: [
        tf.layers.dense({ units: 16, activation: 'relu', inputShape: [16] }),
        tf.layers.dense({ units: 16, activation: 'relu' }),
        tf.layers.dense({ units: 4 }),
      ],
    }),
};

export const sampleShapes = { mlp: [784], cnn: [28, 28, 1], lstm: [28, 28], tiny: [16] };

/** Selects the backend ('cpu': pure JS; 'wasm': WebAssembly with SIMD, one thread under Node). */
export async function useBackend(name) {
  tf.env().set('IS_NODE', true);
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} did not start`);
  await tf.ready();
}

export const buildModel = (name) => builders[name]();

export const buildOptimizer = (name) => (name === 'adam' ? tf.train.adam(1e-3) : tf.train.momentum(0.01, 0.9));

export { tf };
