// Workers joining, heartbeating, going silent and leaving: each step updates the registry and, where a
// worker's chunks are concerned, goes through the lease table (the one owner of who holds what).
import type { WorkerInfo, WorkerLoad } from '@loganalyzer/contract';
import { AppError } from '@loganalyzer/server-kit';
import type { EventBus } from './events';
import { workerInfo } from './job-dto';
import type { LeaseTable } from './lease-table';
import { WorkerEntry, WorkerRegistry } from './worker-registry';

/** Whether the worker with this id still answers at this URL. */
export type WorkerLivenessProbe = (workerUrl: string, workerId: string) => Promise<boolean>;

export interface WorkerLifecycleOptions {
  registry: WorkerRegistry;
  leases: LeaseTable;
  events: EventBus;
  now: () => number;
  isWorkerLive: WorkerLivenessProbe;
  workerTimeoutMs: number;
  forgetInactiveAfterMs: number;
  /** Called when chunks may have become assignable (a worker joined, chunks came back). */
  wakeDispatch: () => void;
}

export class WorkerLifecycle {
  constructor(private readonly o: WorkerLifecycleOptions) {}

  /**
   * Registers a worker. A known id is a restarted process when it comes from the same URL or the old
   * entry no longer answers as that worker; a live worker of that id at another URL keeps its entry
   * (409 worker_id_in_use), so nobody takes over a worker by registering its id.
   */
  async register(input: { worker_id: string; url: string; concurrency: number }): Promise<'registered' | 're-registered'> {
    const { registry, leases, events } = this.o;
    const existing = registry.get(input.worker_id);
    if (existing && existing.url !== input.url && existing.status === 'active' && (await this.o.isWorkerLive(existing.url, existing.worker_id))) {
      const reason = `worker ${input.worker_id} is live at ${existing.url}; this registration is for ${input.url}`;
      events.emit({ type: 'registration_refused', worker_id: input.worker_id, reason });
      throw new AppError('worker_id_in_use', `${reason}: give the new worker another --id`);
    }
    const now = this.o.now();
    // A worker registering again under a known id is a new process: whatever the old one held is lost.
    // Taken back before the new entry exists, so the old process's losses do not rest the new one.
    const previous = registry.get(input.worker_id);
    if (previous) leases.expireWorker(input.worker_id, 'its worker re-registered', now);
    registry.upsert({ ...input, last_heartbeat: now, registered_at: now });
    events.emit({ type: 'worker_joined', worker_id: input.worker_id, url: input.url, concurrency: input.concurrency, rejoined: previous !== undefined });
    this.o.wakeDispatch();
    return previous ? 're-registered' : 'registered';
  }

  /** A worker leaving in good order: its leases go back uncounted and its entry is removed; null if unknown. */
  deregister(workerId: string): { released: number } | null {
    if (!this.o.registry.get(workerId)) return null;
    const released = this.o.leases.releaseWorker(workerId, this.o.now());
    this.o.registry.remove(workerId);
    this.o.events.emit({ type: 'worker_left', worker_id: workerId, released });
    if (released > 0) this.o.wakeDispatch();
    return { released };
  }

  /** Renews the leases the worker lists; returns the listed tokens to drop, or null for an unknown worker. */
  heartbeat(workerId: string, leaseTokens: readonly string[], load: WorkerLoad = {}): { drop: string[] } | null {
    const worker = this.o.registry.get(workerId);
    if (!worker) return null;
    const now = this.o.now();
    worker.last_heartbeat = now;
    noteLoad(worker, load, now);
    if (worker.status === 'inactive') {
      this.o.registry.setStatus(worker, 'active');
      this.o.events.emit({ type: 'worker_joined', worker_id: workerId, url: worker.url, concurrency: worker.concurrency, rejoined: true });
    }
    const drop = this.o.leases.renew(workerId, leaseTokens, now);
    this.o.wakeDispatch();
    return { drop };
  }

  /** Marks workers silent past the timeout inactive (their chunks go back) and forgets long-gone ones. */
  sweepSilent(now: number): void {
    for (const worker of this.o.registry.expired(now, this.o.workerTimeoutMs)) {
      this.deactivate(worker, `no heartbeat for ${now - worker.last_heartbeat} ms`);
    }
    // Workers come and go (restarts under new ids, autoscaling); without this the registry only grows.
    this.o.registry.forgetInactive(now - this.o.forgetInactiveAfterMs);
  }

  list(): WorkerInfo[] {
    return this.o.registry.all().map((w) => workerInfo(w, this.o.leases.leaseCount(w.worker_id)));
  }

  /** Treats a worker as dead: inactive, everything it holds taken back. */
  deactivate(worker: WorkerEntry, why: string): void {
    if (worker.status === 'inactive') return;
    this.o.registry.setStatus(worker, 'inactive');
    this.o.events.emit({ type: 'worker_lost', worker_id: worker.worker_id, reason: why });
    if (this.o.leases.expireWorker(worker.worker_id, `worker ${worker.worker_id} lost: ${why}`, this.o.now()) > 0) this.o.wakeDispatch();
  }
}

/** Keeps what a heartbeat said about the worker's process, and its throughput since the one before. */
function noteLoad(worker: WorkerEntry, load: WorkerLoad, now: number): void {
  const before = worker.load.bytes_processed;
  const after = load.bytes_processed;
  if (after === undefined) delete worker.bytes_per_second;
  // A smaller count is a restarted process (same id): no rate from two different processes.
  else if (before !== undefined && worker.load_at !== undefined && now > worker.load_at && after >= before) {
    worker.bytes_per_second = Math.round(((after - before) * 1000) / (now - worker.load_at));
  }
  worker.load = { ...load };
  worker.load_at = after !== undefined ? now : undefined;
}
