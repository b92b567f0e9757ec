// Who gets which chunk: pending chunks, oldest job first, go to the active workers with the most free
// slots; a chunk's retry goes to a worker that has not lost it while one exists; workers that keep
// losing attempts rest; and when a job has nothing left to hand out, a straggler gets a backup.
//
// A worker's slots are its threads, plus `prefetch` more while the job has more chunks waiting than
// there are active workers: a worker holds a chunk until its commit is answered, so without a queued
// one its thread waits out the partial's trip and the coordinator's check and merge after every chunk
// (on a 1 GiB access log in 64 MiB chunks, one worker of one thread: ~300 ms a chunk, 12.5–13.6 s
// → 10.9–11.5 s with one queued). Near a job's end the queue is left empty, so its last chunks go to
// idle threads rather than behind a busy one.
import { isCompressed } from '@loganalyzer/contract';
import type { CoordinatorEvent } from './events';
import type { JobState } from './job-state';
import type { LeaseTable } from './lease-table';
import type { ChunkRecord, LeaseRecord } from './state/records';
import type { WorkerEntry, WorkerRegistry } from './worker-registry';
import { chunkWork } from './work-estimate';

/** Backup attempts at most this fraction of a job's chunks. */
const MAX_BACKUP_FRACTION = 0.1;
/** A worker that loses attempts rests this long after its first loss, doubling with each further one... */
const SUSPENSION_BASE_MS = 1000;
/** ...up to this. */
const SUSPENSION_MAX_MS = 30_000;
/** Chunks set aside in one dispatch while waiting for a worker that has not lost them. */
const MAX_DEFERRED = 64;

export type SendAttempt = (job: JobState, chunk: ChunkRecord, lease: LeaseRecord, worker: WorkerEntry) => void;

export interface DispatchOptions {
  /** A chunk running this many times longer than the job's median attempt gets a backup... */
  stragglerFactor: number;
  /** ...and at least this long. */
  stragglerMinMs: number;
  /** Chunks a worker may hold queued beyond its concurrency (see above). */
  prefetch: number;
}

export class Dispatcher {
  constructor(
    private readonly leases: LeaseTable,
    private readonly registry: WorkerRegistry,
    private readonly send: SendAttempt,
    private readonly options: DispatchOptions,
  ) {}

  private readonly held = (workerId: string): number => this.leases.leaseCount(workerId);
  /** held, less the queue a worker may keep: leastLoaded then counts concurrency + prefetch slots. */
  private readonly heldBeyondQueue = (workerId: string): number => this.leases.leaseCount(workerId) - this.options.prefetch;

  /**
   * A worker whose attempts keep expiring (stuck threads, a lying process) is suspended for a while,
   * doubling each time, so that it cannot burn through a chunk's attempts; a commit clears its record.
   */
  noteWorkerOutcome(event: CoordinatorEvent, now: number): void {
    if (event.type !== 'chunk_expired' && event.type !== 'chunk_committed') return;
    const worker = this.registry.get(event.worker_id);
    if (!worker) return;
    if (event.type === 'chunk_committed') {
      worker.consecutive_losses = 0;
      worker.suspended_until = 0;
      return;
    }
    worker.consecutive_losses++;
    const restMs = Math.min(SUSPENSION_MAX_MS, SUSPENSION_BASE_MS * 2 ** (worker.consecutive_losses - 1));
    worker.suspended_until = Math.max(worker.suspended_until, now + restMs);
  }

  /** Hands out every pending chunk some worker can take now. */
  dispatch(now: number): void {
    // A draining worker (it answered 503: shutting down) finishes what it holds and gets nothing new.
    const suspended = (w: WorkerEntry) => w.draining || w.suspended_until > now;
    for (const job of this.leases.unfinishedJobs()) {
      if (!job.record.planned) continue;
      const deferred: ChunkRecord[] = [];
      try {
        while (job.hasPending() && deferred.length < MAX_DEFERRED) {
          const held = job.queuedCount() > this.registry.activeCount() ? this.heldBeyondQueue : this.held;
          if (!this.registry.leastLoaded(held, suspended)) return;
          const chunk = job.takePending();
          if (!chunk) break;
          const worker = this.pickWorker(job, chunk, held, suspended);
          if (worker) this.send(job, chunk, this.leases.claim(job, chunk, worker.worker_id, now), worker);
          else deferred.push(chunk);
        }
      } finally {
        for (const chunk of deferred.reverse()) job.requeueFirst(chunk);
      }
    }
  }

  /** The worker for a chunk's next attempt, or undefined to wait for a slot on one that has not lost it. */
  private pickWorker(job: JobState, chunk: ChunkRecord, held: (workerId: string) => number, suspended: (w: WorkerEntry) => boolean): WorkerEntry | undefined {
    const lost = job.lostOn.get(chunk.chunk_id);
    if (!lost) return this.registry.leastLoaded(held, suspended);
    const fresh = this.registry.leastLoaded(held, (w) => suspended(w) || lost.has(w.worker_id));
    if (fresh) return fresh;
    // Every usable worker has lost this chunk before: it must not wait forever, so one of them tries again.
    const anyFresh = this.registry.active().some((w) => !suspended(w) && !lost.has(w.worker_id));
    return anyFresh ? undefined : this.registry.leastLoaded(held, suspended);
  }

  /** When a job has nothing left to hand out, a chunk running far longer than its median gets a second attempt elsewhere. */
  startBackups(now: number): void {
    for (const job of this.leases.unfinishedJobs()) {
      if (!job.record.planned || job.hasPending()) continue;
      const median = job.medianCommitMs();
      if (median === null) continue;
      const threshold = Math.max(this.options.stragglerMinMs, this.options.stragglerFactor * median);
      const plainChunkWork = plainChunkSize(job);
      for (const [chunkId, running] of [...job.leases]) {
        if (job.record.backup_attempts >= Math.ceil(MAX_BACKUP_FRACTION * job.chunks.length)) break;
        if (running.length !== 1) continue;
        const chunk = job.chunks[chunkId];
        // Beside plain chunks of at most the chunk size, a bigger one (a compressed input, read whole) is
        // given time in proportion to its work before it counts as a straggler.
        const scale = plainChunkWork === null ? 1 : Math.max(1, chunkWork(job, chunk) / plainChunkWork);
        if (now - running[0].granted_at < threshold * scale) continue;
        const holder = running[0].worker_id;
        const worker = this.registry.leastLoaded(this.held, (w) => w.worker_id === holder || w.draining || w.suspended_until > now);
        if (!worker) return;
        this.send(job, chunk, this.leases.claim(job, chunk, worker.worker_id, now, true), worker);
      }
    }
  }
}

/** The job's chunk size when it has plain chunks (split by it); null when every input is read whole. */
function plainChunkSize(job: JobState): number | null {
  const split = job.inputs.some((i) => !isCompressed(i.input) && (i.snapshot?.size ?? 0) > 0);
  return split && job.record.chunk_size !== null ? job.record.chunk_size : null;
}
