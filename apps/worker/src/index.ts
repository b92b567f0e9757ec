// For embedding a worker in another program or test.
export { BODY_LIMITS, createApp } from './app';
export type { WorkerAppOptions } from './app';
export { ChunkWorker } from './chunk-worker';
export type { ChunkProcessor, ChunkResult, ChunkWorkerOptions } from './chunk-worker';
export { CoordinatorLink } from './coordinator-link';
export type { ChunkReporter, CoordinatorLinkOptions } from './coordinator-link';
export { leaveGracefully } from './graceful-leave';
export type { LeaveOptions, LeaveOutcome } from './graceful-leave';
export { withRetry, PermanentError } from './retry';
export { pinoWorkerLog } from './telemetry/worker-log';
export type { WorkerLog, WorkerLogFields, WorkerLogLevel } from './telemetry/worker-log';
export { WorkerMetrics } from './telemetry/worker-metrics';
export type { WorkerMetricSources } from './telemetry/worker-metrics';
