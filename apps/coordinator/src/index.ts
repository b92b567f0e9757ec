// For embedding the coordinator in another program or test.
export { createApp } from './app';
export { Coordinator } from './coordinator';
export type { ChunkSender, CoordinatorOptions, ReportOutcome } from './coordinator';
export { describeEvent, EventBus } from './events';
export type { CoordinatorEvent } from './events';
export { httpChunkSender } from './chunk-sender';
export { MemoryStore } from './state/memory-store';
export { SqliteStore } from './state/sqlite-store';
export type { StateStore } from './state/state-store';
