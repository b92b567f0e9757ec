// For embedding the coordinator in another program or test.
export { createApp } from './app';
export { Coordinator, NotFoundError, silentLogger } from './coordinator';
export type { ChunkSender, CoordinatorOptions, Logger, ChunkReportOutcome } from './coordinator';
export { httpChunkSender } from './chunk-sender';
