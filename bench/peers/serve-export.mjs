// Writes the serving case's models into a folder: the MNIST CNN (bench/peers/nodetorch-models.mjs)
// traced to TorchScript in fp32 (cnn.pt) and with its Linear layer dynamically quantized to int8
// (cnn-int8.pt). Both sides of the case serve these same files.
//   node serve-export.mjs DIR
import path from 'node:path';
import * as torch from 'nodetorch';
import { buildModel } from './nodetorch-models.mjs';

const dir = process.argv[2];
torch.manualSeed(0);
const model = buildModel('cnn').eval();
const example = torch.zeros([2, 1, 28, 28]);
const names = { inputNames: ['images'], outputNames: ['logits'] };
await torch.jit.trace(model, example, names).save(path.join(dir, 'cnn.pt'));
const int8 = torch.ao.quantization.quantizeDynamic(model, { qconfigSpec: [torch.nn.Linear] });
await torch.jit.trace(int8, example, names).save(path.join(dir, 'cnn-int8.pt'));
console.log(JSON.stringify({ files: ['cnn.pt', 'cnn-int8.pt'] }));
