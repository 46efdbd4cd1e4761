export { parseDataset, DatasetRecordSchema, MAX_DATASET_RECORDS, type Dataset, type DatasetRecord } from './dataset.js';
export { evaluate, runApprovingReviews, compareReports, type EvaluationOptions, type EvaluationReport, type RecordOutcome } from './evaluate.js';
export { metricKindOf, OutputScorer, prf, type MetricKind, type Prf } from './metrics.js';
export { resolveDatasetFiles } from './dataset-files.js';
