// The public surface of @loganalyzer/core. Log generators for tests and benchmarks are in
// @loganalyzer/core/testing (testing.ts).
export { analyzeFile, analyzeFilePartial, analyzeRange } from './analyze';
export type { AnalyzeOptions } from './analyze';
export { planChunks, defaultChunkSize, MAX_DEFAULT_CHUNK_SIZE, CHUNKS_PER_WORKER } from './chunk-planner';
export type { ChunkRange } from './chunk-planner';
export { readLinesInRange, DEFAULT_BUFFER_SIZE, DEFAULT_MAX_LINE_BYTES } from './line-reader';
export type { LineHandler, LineSink, LineReaderOptions, RangeReadResult } from './line-reader';
export { emptyMetrics, mergeMetrics, mergeAll, TOP_DIMENSIONS, MAX_MALFORMED_SAMPLES, PARTIAL_METRICS_VERSION } from './partial-metrics';
export type { PartialMetrics, MalformedSample, TopDimension } from './partial-metrics';
export { toReport, TOP_N } from './report';
export type { MetricsReport, ResponseTimeReport, TopReport, TopItem, TimelinePoint, RateReport } from './report';
export { selectParser, NAMED_FORMATS, MALFORMED_FAMILIES } from './formats/format-selector';
export type { FormatOption, NamedFormat, MalformedFamily } from './formats/format-selector';
export { FORMAT_NAMES } from './formats/line-record';
export type { FormatName } from './formats/line-record';
export { SKETCH_RELATIVE_ACCURACY } from './analytics/quantile-sketch';
export { HLL_STANDARD_ERROR } from './analytics/hyperloglog';
export { DEFAULT_TOP_K_CAPACITY } from './analytics/top-k';
export { createChunkPool, defaultConcurrency } from './chunk-pool';
export type { ChunkPool, ChunkJob, ChunkRunOptions } from './chunk-pool';
export { AnalyzerError, fileError } from './errors';
export type { AnalyzerErrorCode } from './errors';
export { MetricsMerger } from './metrics-merger';
export { checkPartial } from './partial-check';
export type { CheckedPartial } from './partial-check';
export { statInput } from './input-snapshot';
export type { InputSnapshot } from './input-snapshot';
