// The workers the coordinator knows: where they listen and whether they are alive. What each holds is
// not kept here: it is the worker's live leases in the lease table.
import type { WorkerLoad } from '@loganalyzer/contract';

export type WorkerStatus = 'active' | 'inactive';

export interface WorkerEntry {
  worker_id: string;
  url: string;
  concurrency: number;
  status: WorkerStatus;
  last_heartbeat: number;
  registered_at: number;
  chunks_done: number;
  /** Attempts lost (expired) since this worker's last commit. */
  consecutive_losses: number;
  /** No new chunks before this time: a worker that keeps losing attempts is given a rest, doubling each time. */
  suspended_until: number;
  /** It said it is shutting down (503): it keeps its leases and gets no new chunks. */
  draining: boolean;
  /** What its last heartbeat said about its process (memory, CPU, bytes finished), for GET /workers. */
  load: WorkerLoad;
  /** Bytes per second between the last two heartbeats that reported bytes_processed. */
  bytes_per_second?: number;
  /** When bytes_processed was last reported, for the rate. */
  load_at?: number;
}

export class WorkerRegistry {
  private readonly workers = new Map<string, WorkerEntry>();
  // Kept apart so that dispatch and the sweep walk only live workers, however many have come and gone.
  private readonly activeWorkers = new Set<WorkerEntry>();
  private readonly inactiveWorkers = new Set<WorkerEntry>();
  /** Order of first registration per worker id, for ties (a re-registered worker keeps its place). */
  private readonly firstRegistered = new Map<string, number>();
  private registrations = 0;

  private rank(worker: WorkerEntry): number {
    return this.firstRegistered.get(worker.worker_id) ?? Infinity;
  }

  get(workerId: string): WorkerEntry | undefined {
    return this.workers.get(workerId);
  }

  /** Adds a worker, or replaces the entry of one with the same id; returns the replaced entry. */
  upsert(entry: Omit<WorkerEntry, 'chunks_done' | 'status' | 'consecutive_losses' | 'suspended_until' | 'draining' | 'load'>): { entry: WorkerEntry; previous?: WorkerEntry } {
    const previous = this.workers.get(entry.worker_id);
    if (previous) {
      this.activeWorkers.delete(previous);
      this.inactiveWorkers.delete(previous);
    }
    if (!this.firstRegistered.has(entry.worker_id)) this.firstRegistered.set(entry.worker_id, this.registrations++);
    const fresh: WorkerEntry = { ...entry, status: 'active', chunks_done: previous?.chunks_done ?? 0, consecutive_losses: 0, suspended_until: 0, draining: false, load: {} };
    this.workers.set(entry.worker_id, fresh);
    this.activeWorkers.add(fresh);
    return { entry: fresh, previous };
  }

  /** Removes a worker that left; returns whether it was known. */
  remove(workerId: string): boolean {
    const entry = this.workers.get(workerId);
    if (!entry) return false;
    this.activeWorkers.delete(entry);
    this.inactiveWorkers.delete(entry);
    this.workers.delete(workerId);
    this.firstRegistered.delete(workerId);
    return true;
  }

  setStatus(worker: WorkerEntry, status: WorkerStatus): void {
    worker.status = status;
    if (this.workers.get(worker.worker_id) !== worker) return; // a replaced entry is in neither set
    (status === 'active' ? this.inactiveWorkers : this.activeWorkers).delete(worker);
    (status === 'active' ? this.activeWorkers : this.inactiveWorkers).add(worker);
  }

  /** Drops inactive workers last heard from before the cutoff; returns them. */
  forgetInactive(cutoff: number): WorkerEntry[] {
    const forgotten = [...this.inactiveWorkers].filter((w) => w.last_heartbeat < cutoff);
    for (const w of forgotten) {
      this.inactiveWorkers.delete(w);
      this.workers.delete(w.worker_id);
      this.firstRegistered.delete(w.worker_id);
    }
    return forgotten;
  }

  all(): WorkerEntry[] {
    return [...this.workers.values()];
  }

  active(): WorkerEntry[] {
    return [...this.activeWorkers];
  }

  activeCount(): number {
    return this.activeWorkers.size;
  }

  /** Active workers whose last heartbeat is older than timeoutMs. */
  expired(now: number, timeoutMs: number): WorkerEntry[] {
    return this.active().filter((w) => now - w.last_heartbeat > timeoutMs);
  }

  /**
   * The active worker with the most free slots (the first registered on a tie), or undefined when all
   * are full; `held` counts a worker's live leases, and `skip` rules workers out (a straggler's holder,
   * workers that lost this chunk before, suspended ones).
   */
  leastLoaded(held: (workerId: string) => number, skip?: (worker: WorkerEntry) => boolean): WorkerEntry | undefined {
    let best: WorkerEntry | undefined;
    let bestFree = 0;
    for (const w of this.activeWorkers) {
      if (skip?.(w)) continue;
      const free = w.concurrency - held(w.worker_id);
      if (free > bestFree || (free === bestFree && free > 0 && best !== undefined && this.rank(w) < this.rank(best))) {
        best = w;
        bestFree = free;
      }
    }
    return best;
  }
}
