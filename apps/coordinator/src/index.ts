// For embedding the coordinator in another program or test.
export { createApp } from './app';
export { Coordinator } from './coordinator';
export type { ChunkSender, CoordinatorOptions, ReportOutcome } from './coordinator';
export { describeEvent, EventBus } from './events';
export type { CoordinatorEvent } from './events';
export { httpWorkerCalls, WorkerRefusal } from './worker-calls';
export type { WorkerCallOptions } from './worker-calls';
export { parseAllowList, WorkerHostPolicy } from './worker-hosts';
export { MemoryStore } from './state/memory-store';
export { SqliteStore } from './state/sqlite-store';
export type { StateStore } from './state/state-store';
export { coordinatorMetrics } from './telemetry/coordinator-metrics';
export { logEvents } from './telemetry/event-log';
