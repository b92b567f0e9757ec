// The public surface of @loganalyzer/core.
export { analyzeFile, analyzeFilePartial, analyzeRange } from './analyze';
export type { AnalyzeOptions } from './analyze';
export { planChunks, defaultChunkSize, MAX_DEFAULT_CHUNK_SIZE, CHUNKS_PER_WORKER } from './chunk-planner';
export type { ChunkRange } from './chunk-planner';
export { readLinesInRange, DEFAULT_BUFFER_SIZE, DEFAULT_MAX_LINE_BYTES } from './line-reader';
export type { LineSink, LineReaderOptions, RangeReadResult } from './line-reader';
export { emptyMetrics, mergeMetrics, mergeAll, toReport } from './metrics';
export type { PartialMetrics, MetricsReport } from './metrics';
export { createChunkPool, defaultConcurrency } from './chunk-pool';
export type { ChunkPool, ChunkJob } from './chunk-pool';
export { AnalyzerError } from './errors';
export type { AnalyzerErrorCode } from './errors';
export { generateApplog, writeApplogFile } from './applog-generator';
export type { ApplogGeneratorOptions } from './applog-generator';
