/**
 * torch.monitor: drift tests that match scipy (two-sample KS, chi-squared, Z, Wasserstein,
 * Jensen-Shannon, PSI, MMD), MMD on a model's embeddings, image statistics, dataDrift with
 * Evidently's choice of test per column, drift reports, and the SQLite prediction log a server
 * records to.
 * @module
 */
export { MonitorError, WindowTooSmallError } from './errors.js';
export type { TestResult } from './result.js';
export type { NumericSample } from './samples.js';
export type { Category, CategoricalSample } from './categories.js';
export { ksTest } from './ks.js';
export type { KsResult } from './ks.js';
export { chiSquareTest } from './chi-square.js';
export type { CategoryCounts, ChiSquareResult } from './chi-square.js';
export { zTest } from './z-test.js';
export type { ZTestResult } from './z-test.js';
export { wassersteinDistance } from './wasserstein.js';
export { jensenShannonDistance } from './jensen-shannon.js';
export type { JensenShannonOptions } from './jensen-shannon.js';
export { psi } from './psi.js';
export type { Bins, BinningOptions } from './binning.js';
export { mmdTest } from './mmd.js';
export type { MmdOptions, MmdResult, MultivariateSample } from './mmd.js';
export { embeddingDrift } from './embedding-drift.js';
export type { EmbeddingDriftOptions, EmbeddingDriftResult } from './embedding-drift.js';
export { imageStatistics } from './image-stats.js';
export type { ImageStatistics } from './image-stats.js';
export { dataDrift, defaultTest, DRIFT_TESTS, DEFAULT_THRESHOLDS } from './data-drift.js';
export type { DataDriftOptions, DataDriftResult, DriftTestName, FeatureDrift } from './data-drift.js';
export type { Dataset, ColumnValues } from './dataset.js';
export { renderDriftReport, writeDriftReport, driftSummary } from './report.js';
export type { DriftReportInput, DriftSummary, WrittenReport } from './report.js';
export { readTableFile, TABLE_EXTENSIONS } from './table-file.js';
export { PredictionLog, predictionLogUnavailable } from './prediction-log.js';
export type {
  PredictionRecord,
  LoggedPrediction,
  PredictionLogOptions,
  PredictionLogCounters,
  RetentionOptions,
  WindowOptions,
  PredictionWindow,
} from './prediction-log.js';
export { DriftMonitor } from './drift-monitor.js';
export type { DriftMonitorOptions, DriftCheck, DriftGauges } from './drift-monitor.js';
