/** torch.train.loggers: where logged values go (several at once). */
export type { Logger, RunStatus } from './logger.js';
export { CSVLogger, nextVersion, type CSVLoggerOptions } from './csv-logger.js';
export { JSONLLogger, type JSONLLoggerOptions } from './jsonl-logger.js';
export { TensorBoardLogger, maskedCrc32c, tfRecord, type TensorBoardLoggerOptions } from './tensorboard-logger.js';
export { makeGrid, type MakeGridOptions } from './image-grid.js';
export { MLflowLogger, type MLflowLoggerOptions } from './mlflow-logger.js';
