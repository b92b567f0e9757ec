// The coordinator's state machine: registers workers, plans jobs into chunks, hands chunks to workers
// with free slots, takes chunks back from dead workers, and merges each chunk's result exactly once.
// It knows nothing of HTTP: app.ts maps routes onto these methods, and workers are reached through
// the small ChunkSender interface.
import { randomUUID } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import type { ChunkTask, Job as JobBody, JobSummary, MetricsReport, WorkerInfo } from '@loganalyzer/contract';
import { defaultChunkSize, MetricsMerger, PartialMetrics, planChunks, selectParser, toReport } from '@loganalyzer/core';
import { ChunkState, Job, JobParsing } from './job';
import { chunkKey, WorkerEntry, WorkerRegistry } from './worker-registry';

/** Sends a chunk to a worker; resolves once the worker accepted it, rejects otherwise. */
export type ChunkSender = (workerUrl: string, task: ChunkTask) => Promise<void>;

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

export interface CoordinatorOptions {
  sendChunk: ChunkSender;
  heartbeatIntervalMs?: number;
  /** Default 3× the heartbeat interval. */
  workerTimeoutMs?: number;
  /** Failed attempts of one chunk (reported by workers) before its job fails. */
  maxChunkFailures?: number;
  /**
   * How long an inactive worker stays listed after its last heartbeat before it is forgotten; default
   * one hour. A forgotten worker that comes back is told to register again (404 on its heartbeat).
   */
  forgetInactiveAfterMs?: number;
  now?: () => number;
  logger?: Logger;
}

export type ChunkReportOutcome = { accepted: boolean; reason: 'merged' | 'recorded' | 'duplicate' | 'superseded' };

export class NotFoundError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A job request that validates against the contract but cannot run (an nginx log_format that does not compile). */
export class InvalidJobError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export const silentLogger: Logger = { info: () => {}, warn: () => {} };

export class Coordinator {
  readonly heartbeatIntervalMs: number;
  readonly workerTimeoutMs: number;
  private readonly maxChunkFailures: number;
  private readonly forgetInactiveAfterMs: number;
  private readonly sendChunk: ChunkSender;
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly registry = new WorkerRegistry();
  private readonly jobs = new Map<string, Job>();
  /** Jobs that may still have chunks to hand out, oldest first: dispatch never walks the finished ones. */
  private readonly unfinishedJobs = new Set<Job>();
  private sweepTimer: NodeJS.Timeout | null = null;
  private dispatchScheduled = false;

  constructor(options: CoordinatorOptions) {
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 1000;
    this.workerTimeoutMs = options.workerTimeoutMs ?? 3 * this.heartbeatIntervalMs;
    this.maxChunkFailures = options.maxChunkFailures ?? 3;
    this.forgetInactiveAfterMs = options.forgetInactiveAfterMs ?? 60 * 60_000;
    if (!(this.forgetInactiveAfterMs > 0)) throw new RangeError(`forget-inactive delay must be positive, got ${this.forgetInactiveAfterMs}`);
    if (!(this.heartbeatIntervalMs > 0)) throw new RangeError(`heartbeat interval must be positive, got ${this.heartbeatIntervalMs}`);
    if (!(this.workerTimeoutMs > 0)) throw new RangeError(`worker timeout must be positive, got ${this.workerTimeoutMs}`);
    if (!(this.maxChunkFailures >= 1)) throw new RangeError(`max chunk failures must be at least 1, got ${this.maxChunkFailures}`);
    this.sendChunk = options.sendChunk;
    this.now = options.now ?? Date.now;
    this.log = options.logger ?? silentLogger;
  }

  /** Starts the timer that marks silent workers inactive. */
  start(): void {
    const intervalMs = Math.max(10, Math.floor(this.heartbeatIntervalMs / 2));
    let last = this.now();
    this.sweepTimer ??= setInterval(() => {
      const now = this.now();
      const lateMs = now - last - intervalMs;
      last = now;
      // A late timer means our own event loop was blocked: heartbeats may be waiting unread in the
      // socket queue, so silence is not evidence of a dead worker this time.
      if (lateMs > intervalMs) {
        this.log.warn(`event loop blocked for ${lateMs} ms; skipping one worker sweep`);
        return;
      }
      this.sweep();
    }, intervalMs);
    this.sweepTimer.unref();
  }

  stop(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
  }

  // ---- workers ----

  register(input: { worker_id: string; url: string; concurrency: number }): 'registered' | 're-registered' {
    const now = this.now();
    const { previous } = this.registry.upsert({ ...input, last_heartbeat: now, registered_at: now });
    if (previous) {
      // A restarted worker lost whatever its old process held.
      this.takeBackChunks(previous, 'it re-registered');
      this.log.info(`worker ${input.worker_id} re-registered at ${input.url}`);
    } else {
      this.log.info(`worker ${input.worker_id} registered at ${input.url} (concurrency ${input.concurrency})`);
    }
    this.scheduleDispatch();
    return previous ? 're-registered' : 'registered';
  }

  /** Returns false for an unknown worker, which must register again. */
  heartbeat(workerId: string): boolean {
    const worker = this.registry.get(workerId);
    if (!worker) return false;
    worker.last_heartbeat = this.now();
    if (worker.status === 'inactive') {
      this.registry.setStatus(worker, 'active');
      this.log.info(`worker ${workerId} is active again`);
      this.scheduleDispatch();
    }
    return true;
  }

  /** Marks workers that missed their heartbeats inactive and requeues their chunks; forgets long-gone ones. */
  sweep(): void {
    for (const worker of this.registry.expired(this.now(), this.workerTimeoutMs)) {
      this.deactivate(worker, `no heartbeat for ${this.now() - worker.last_heartbeat} ms`);
    }
    // Workers come and go (restarts under new ids, autoscaling); without this the registry only grows.
    for (const worker of this.registry.forgetInactive(this.now() - this.forgetInactiveAfterMs)) {
      this.log.info(`worker ${worker.worker_id} forgotten: inactive since its last heartbeat at ${new Date(worker.last_heartbeat).toISOString()}`);
    }
  }

  listWorkers(): WorkerInfo[] {
    return this.registry.all().map((w) => ({
      worker_id: w.worker_id,
      url: w.url,
      status: w.status,
      last_heartbeat: new Date(w.last_heartbeat).toISOString(),
      registered_at: new Date(w.registered_at).toISOString(),
      concurrency: w.concurrency,
      chunks_in_flight: w.in_flight.size,
      chunks_done: w.chunks_done,
    }));
  }

  private deactivate(worker: WorkerEntry, why: string): void {
    if (worker.status === 'inactive') return;
    this.registry.setStatus(worker, 'inactive');
    this.log.warn(`worker ${worker.worker_id} is inactive: ${why}`);
    this.takeBackChunks(worker, why);
  }

  private takeBackChunks(worker: WorkerEntry, why: string): void {
    let taken = 0;
    for (const key of worker.in_flight) {
      const separator = key.lastIndexOf(':');
      const job = this.jobs.get(key.slice(0, separator));
      const chunk = job?.chunks[Number(key.slice(separator + 1))];
      if (job && chunk && !job.isFinished && chunk.state === 'in_flight' && chunk.worker_id === worker.worker_id) {
        job.requeue(chunk);
        job.chunks_reassigned++;
        taken++;
      }
    }
    worker.in_flight.clear();
    if (taken > 0) {
      this.log.warn(`requeued ${taken} chunk(s) of worker ${worker.worker_id}: ${why}`);
      this.scheduleDispatch();
    }
  }

  // ---- jobs ----

  /**
   * Creates a job and plans it in the background; a file problem shows up as a failed job. An nginx
   * log_format that does not compile is refused at once (InvalidJobError).
   */
  createJob(filepath: string, chunkSize?: number, parsing: JobParsing = {}): string {
    if (parsing.log_format !== undefined) {
      try {
        selectParser({ nginx: parsing.log_format });
      } catch (err) {
        throw new InvalidJobError('log_format', (err as Error).message);
      }
    }
    const job = new Job(randomUUID(), filepath, this.now(), parsing);
    this.jobs.set(job.job_id, job);
    this.unfinishedJobs.add(job);
    this.log.info(`job ${job.job_id} created for ${filepath}`);
    void this.planJob(job, chunkSize);
    return job.job_id;
  }

  /** Resolves when the job has been planned (for tests and the CLI; jobs plan themselves anyway). */
  readonly planned = new Map<string, Promise<void>>();

  private planJob(job: Job, chunkSize?: number): Promise<void> {
    const planning = (async () => {
      let size: number;
      try {
        const info = await stat(job.filepath);
        if (!info.isFile()) throw new Error('not a regular file');
        // Opening proves the file is readable here; workers open it again themselves.
        await (await open(job.filepath, 'r')).close();
        size = info.size;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
        job.finish('failed', this.now(), `cannot read log file ${job.filepath}: ${reason}`);
        this.log.warn(`job ${job.job_id} failed: ${job.error}`);
        return;
      }
      const workers = Math.max(1, this.registry.active().length);
      const requested = chunkSize ?? defaultChunkSize(size, workers);
      try {
        // A chunk larger than the file is the whole file (and keeps sizes like 1e20 inside planChunks' safe range).
        job.plan(size, planChunks(size, requested > size ? Math.max(1, size) : requested));
      } catch (err) {
        // Planning runs detached from any caller: an error must end up on the job, never as an unhandled rejection.
        job.finish('failed', this.now(), `cannot plan ${job.filepath}: ${(err as Error).message}`);
        this.log.warn(`job ${job.job_id} failed: ${job.error}`);
        return;
      }
      if (job.chunks.length === 0) {
        job.finish('completed', this.now());
        return;
      }
      this.log.info(`job ${job.job_id}: ${job.chunks.length} chunk(s) over ${size} bytes`);
      this.dispatch();
    })();
    this.planned.set(job.job_id, planning);
    void planning.finally(() => this.planned.delete(job.job_id));
    return planning;
  }

  getJob(jobId: string): JobBody {
    const job = this.requireJob(jobId);
    return {
      ...this.summarize(job),
      format: job.formatName,
      progress: {
        chunks_total: job.chunks.length,
        chunks_done: job.chunks_done,
        bytes_total: job.bytes_total,
        bytes_done: job.bytes_done,
        chunks_reassigned: job.chunks_reassigned,
      },
      metrics: job.report(),
      ...(job.error !== undefined ? { error: job.error } : {}),
    };
  }

  listJobs(): JobSummary[] {
    return [...this.jobs.values()].map((job) => this.summarize(job));
  }

  /** Metrics over every chunk merged so far, across jobs. */
  totalMetrics(): MetricsReport {
    // Computed on request (it is rarely asked for) rather than merged twice on every chunk.
    const all = new MetricsMerger();
    for (const job of this.jobs.values()) if (job.chunks_done > 0) all.add(job.metrics);
    return toReport(all.result());
  }

  private summarize(job: Job): JobSummary {
    return {
      job_id: job.job_id,
      filepath: job.filepath,
      status: job.status,
      created_at: new Date(job.created_at).toISOString(),
      finished_at: job.finished_at === null ? null : new Date(job.finished_at).toISOString(),
    };
  }

  private requireJob(jobId: string): Job {
    const job = this.jobs.get(jobId);
    if (!job) throw new NotFoundError('job_not_found', `no job ${jobId}`);
    return job;
  }

  // ---- chunk results ----

  reportMetrics(report: { worker_id: string; job_id: string; chunk_id: number; attempt: number; metrics: PartialMetrics }): ChunkReportOutcome {
    const { job, chunk } = this.liveAttempt(report);
    if (!chunk) return this.staleOutcome(job, report);
    this.release(chunk, job, report.worker_id, true);
    if (job.complete(chunk, report.metrics, this.now())) {
      this.log.info(`job ${job.job_id} completed: ${job.chunks.length} chunk(s), ${job.chunks_reassigned} reassigned`);
    }
    this.scheduleDispatch();
    return { accepted: true, reason: 'merged' };
  }

  reportChunkFailure(report: { worker_id: string; job_id: string; chunk_id: number; attempt: number; error: string }): ChunkReportOutcome {
    const { job, chunk } = this.liveAttempt(report);
    if (!chunk) return this.staleOutcome(job, report);
    this.release(chunk, job, report.worker_id, false);
    chunk.failures++;
    chunk.last_error = report.error;
    this.log.warn(`chunk ${chunk.chunk_id} of job ${job.job_id} failed on ${report.worker_id} (attempt ${report.attempt}): ${report.error}`);
    if (chunk.failures >= this.maxChunkFailures) {
      job.finish('failed', this.now(), `chunk ${chunk.chunk_id} failed ${chunk.failures} time(s); last error on worker ${report.worker_id}: ${report.error}`);
    } else {
      job.requeue(chunk);
      job.chunks_reassigned++;
    }
    this.scheduleDispatch();
    return { accepted: true, reason: 'recorded' };
  }

  /** The chunk when this report is for its live attempt; otherwise only the job. */
  private liveAttempt(report: { worker_id: string; job_id: string; chunk_id: number; attempt: number }): { job: Job; chunk?: ChunkState } {
    const job = this.requireJob(report.job_id);
    const chunk = job.chunks[report.chunk_id];
    if (!chunk) throw new NotFoundError('chunk_not_found', `job ${report.job_id} has no chunk ${report.chunk_id}`);
    const live = !job.isFinished && chunk.state === 'in_flight' && chunk.attempt === report.attempt && chunk.worker_id === report.worker_id;
    // A finished job hands nothing out again, so its chunk no longer holds the reporter's slot.
    const heldByReporterNow = !job.isFinished && chunk.state === 'in_flight' && chunk.worker_id === report.worker_id;
    if (!live && !heldByReporterNow) {
      // The reporter's slot is free again even though its result is not wanted (its job failed, say).
      const worker = this.registry.get(report.worker_id);
      if (worker?.in_flight.delete(chunkKey(job.job_id, chunk.chunk_id))) this.scheduleDispatch();
    }
    return live ? { job, chunk } : { job };
  }

  private staleOutcome(job: Job, report: { chunk_id: number }): ChunkReportOutcome {
    const chunk = job.chunks[report.chunk_id];
    return { accepted: false, reason: chunk.state === 'done' ? 'duplicate' : 'superseded' };
  }

  private release(chunk: ChunkState, job: Job, workerId: string, succeeded: boolean): void {
    const worker = this.registry.get(workerId);
    if (!worker) return;
    worker.in_flight.delete(chunkKey(job.job_id, chunk.chunk_id));
    if (succeeded) worker.chunks_done++;
  }

  // ---- dispatch ----

  private scheduleDispatch(): void {
    if (this.dispatchScheduled) return;
    this.dispatchScheduled = true;
    setImmediate(() => {
      this.dispatchScheduled = false;
      this.dispatch();
    });
  }

  /** Hands pending chunks, oldest job first, to the active workers with the most free slots. */
  dispatch(): void {
    for (const job of this.unfinishedJobs) {
      // Jobs finish in several places (last merge, failures, planning errors); they leave the set here.
      if (job.isFinished) {
        this.unfinishedJobs.delete(job);
        continue;
      }
      while (job.hasPending()) {
        const worker = this.registry.leastLoaded();
        if (!worker) return;
        const chunk = job.takePending();
        if (!chunk) break;
        this.assign(job, chunk, worker);
      }
    }
  }

  private assign(job: Job, chunk: ChunkState, worker: WorkerEntry): void {
    chunk.state = 'in_flight';
    chunk.attempt++;
    chunk.worker_id = worker.worker_id;
    worker.in_flight.add(chunkKey(job.job_id, chunk.chunk_id));
    if (job.status === 'queued') job.status = 'running';
    const task: ChunkTask = {
      filepath: job.filepath,
      start: chunk.start,
      size: chunk.size,
      job_id: job.job_id,
      chunk_id: chunk.chunk_id,
      attempt: chunk.attempt,
      ...job.parsing,
    };
    this.sendChunk(worker.url, task).catch((err: unknown) => {
      // A worker that cannot take a chunk is treated like a dead one: everything it holds goes back.
      const stillOurs = chunk.state === 'in_flight' && chunk.attempt === task.attempt && chunk.worker_id === worker.worker_id;
      if (stillOurs && this.registry.get(worker.worker_id) === worker) {
        this.deactivate(worker, `sending chunk ${task.chunk_id} of job ${task.job_id} failed: ${(err as Error).message}`);
      }
    });
  }
}
