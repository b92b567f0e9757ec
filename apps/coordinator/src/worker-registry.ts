// The workers the coordinator knows: where they listen, whether they are alive, what they hold.

export type WorkerStatus = 'active' | 'inactive';

export interface WorkerEntry {
  worker_id: string;
  url: string;
  concurrency: number;
  status: WorkerStatus;
  last_heartbeat: number;
  registered_at: number;
  /** Keys (see chunkKey) of the chunk attempts this worker holds. */
  in_flight: Set<string>;
  chunks_done: number;
}

export const chunkKey = (jobId: string, chunkId: number): string => `${jobId}:${chunkId}`;

export class WorkerRegistry {
  private readonly workers = new Map<string, WorkerEntry>();

  get(workerId: string): WorkerEntry | undefined {
    return this.workers.get(workerId);
  }

  /** Adds a worker, or replaces the entry of one with the same id; returns the replaced entry. */
  upsert(entry: Omit<WorkerEntry, 'in_flight' | 'chunks_done' | 'status'>): { entry: WorkerEntry; previous?: WorkerEntry } {
    const previous = this.workers.get(entry.worker_id);
    const fresh: WorkerEntry = { ...entry, status: 'active', in_flight: new Set(), chunks_done: previous?.chunks_done ?? 0 };
    this.workers.set(entry.worker_id, fresh);
    return { entry: fresh, previous };
  }

  all(): WorkerEntry[] {
    return [...this.workers.values()];
  }

  active(): WorkerEntry[] {
    return this.all().filter((w) => w.status === 'active');
  }

  /** Active workers whose last heartbeat is older than timeoutMs. */
  expired(now: number, timeoutMs: number): WorkerEntry[] {
    return this.active().filter((w) => now - w.last_heartbeat > timeoutMs);
  }

  /** The active worker with the most free slots, or undefined when all are full. */
  leastLoaded(): WorkerEntry | undefined {
    let best: WorkerEntry | undefined;
    let bestFree = 0;
    for (const w of this.workers.values()) {
      if (w.status !== 'active') continue;
      const free = w.concurrency - w.in_flight.size;
      if (free > bestFree) {
        best = w;
        bestFree = free;
      }
    }
    return best;
  }
}
