// For embedding a worker in another program or test.
export { createApp } from './app';
export { ChunkWorker } from './chunk-worker';
export type { ChunkProcessor, ChunkResult, ChunkWorkerOptions } from './chunk-worker';
export { CoordinatorLink } from './coordinator-link';
export type { ChunkReporter, CoordinatorLinkOptions } from './coordinator-link';
export { withRetry, PermanentError } from './retry';
