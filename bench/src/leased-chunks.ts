// A coordinator in this process with one fake worker that never runs anything: the tasks it is sent
// are kept, so that a measurement can commit their chunks itself with partials it computed.
import type { ChunkTask } from '@loganalyzer/contract';
import { Coordinator } from '@loganalyzer/coordinator';
import type { CoordinatorOptions, StateStore } from '@loganalyzer/coordinator';

export const FAKE_WORKER_ID = 'bench-worker';

/** Long enough that no lease of the silent fake worker expires during a measurement. */
const QUIET_HEARTBEAT_MS = 10 * 60_000;
/** Event-loop turns to wait for dispatch (it runs on setImmediate after planning or a commit). */
const DISPATCH_TURNS = 20;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface LeasedChunks {
  coordinator: Coordinator;
  /** Tasks sent to the fake worker and not yet taken. */
  takeTasks(): ChunkTask[];
  /** Waits for dispatch to send at least one task, and takes them all. */
  waitForTasks(): Promise<ChunkTask[]>;
}

export function startWithFakeWorker(store: StateStore, concurrency: number, options: Partial<CoordinatorOptions> = {}): LeasedChunks {
  let inbox: ChunkTask[] = [];
  const coordinator = new Coordinator({
    heartbeatIntervalMs: QUIET_HEARTBEAT_MS,
    deadlineBaseMs: QUIET_HEARTBEAT_MS,
    ...options,
    store,
    sendChunk: async (_url, task) => {
      inbox.push(task);
    },
  });
  coordinator.start();
  coordinator.register({ worker_id: FAKE_WORKER_ID, url: 'http://127.0.0.1:9', concurrency });
  const takeTasks = (): ChunkTask[] => {
    const taken = inbox;
    inbox = [];
    return taken;
  };
  return {
    coordinator,
    takeTasks,
    async waitForTasks() {
      await coordinator.idle();
      for (let turn = 0; turn < DISPATCH_TURNS && inbox.length === 0; turn++) await nextTurn();
      if (inbox.length === 0) throw new Error(`the coordinator sent no chunk within ${DISPATCH_TURNS} event-loop turns`);
      return takeTasks();
    },
  };
}

/** The body a worker posts to POST /metrics for a task, as its fields (metrics still to add). */
export function reportKey(task: ChunkTask): { worker_id: string; job_id: string; chunk_id: number; attempt: number; lease_token: string } {
  return { worker_id: FAKE_WORKER_ID, job_id: task.job_id, chunk_id: task.chunk_id, attempt: task.attempt, lease_token: task.lease_token };
}
