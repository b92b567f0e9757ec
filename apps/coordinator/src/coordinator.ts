// Orchestrates: workers come and go, jobs are planned into chunks, chunks are leased to workers with
// free slots, results are checked and committed, stragglers get a backup attempt. Every chunk
// transition goes through the lease table; merging through JobResults; the outside world (workers,
// files, the state store) through injected collaborators, so this file knows nothing of HTTP.
import { randomUUID } from 'node:crypto';
import { isCompressed } from '@loganalyzer/contract';
import type { ChunkTask, CreateJobBody, Input, Job, JobProgressUpdate, JobSummary, MetricsReport, WorkerInfo, WorkerLoad } from '@loganalyzer/contract';
import { AnalyzerError, checkPartial, MetricsMerger, selectParser } from '@loganalyzer/core';
import type { TimeWindow } from '@loganalyzer/core';
import { AppError } from '@loganalyzer/server-kit';
import { CoordinatorEvent, EventBus } from './events';
import { jobBody, jobProgressUpdate, jobSummary } from './job-dto';
import { chooseChunkSize, chunkBatches } from './job-planner';
import { JobResults } from './job-results';
import type { JobState } from './job-state';
import { fileProbe, InputProbe } from './input-probe';
import { Dispatcher } from './dispatcher';
import { describeChunk, LeaseTable } from './lease-table';
import { MemoryStore } from './state/memory-store';
import { ChunkRecord, InputRecord, isFinished, JobParsing, LeaseRecord } from './state/records';
import type { StateStore } from './state/state-store';
import { WorkerLifecycle, WorkerLivenessProbe } from './worker-lifecycle';
import { WorkerEntry, WorkerRegistry } from './worker-registry';

export type { WorkerLivenessProbe } from './worker-lifecycle';

/** Sends a chunk to a worker; resolves once the worker accepted it, rejects otherwise. */
export type ChunkSender = (workerUrl: string, task: ChunkTask) => Promise<void>;

export interface CoordinatorOptions {
  sendChunk: ChunkSender;
  /** Asked before a registration replaces a live entry at another URL; default: never live (always replace). */
  isWorkerLive?: WorkerLivenessProbe;
  /** Default: the jobs live only in this process. */
  store?: StateStore;
  probe?: InputProbe;
  heartbeatIntervalMs?: number;
  /** Default 3× the heartbeat interval. */
  workerTimeoutMs?: number;
  /** How long a lease lives without a renewing heartbeat; default the worker timeout. */
  leaseMs?: number;
  /** An attempt's deadline: base ms plus the chunk's work (chunkWork) at this many bytes per second (defaults 60 s, 1 MiB/s). */
  deadlineBaseMs?: number;
  deadlineBytesPerSecond?: number;
  /** Failed or expired attempts of one chunk before its job fails; default 4. */
  maxAttempts?: number;
  /** Default 100,000: the chunk size is raised to stay within it. */
  maxChunksPerJob?: number;
  /** A running job's merged metrics are checkpointed at least this often (default 30 s)... */
  checkpointIntervalMs?: number;
  /** ...and after this many commits (default 64); a finished job's once no commit came for a second. */
  checkpointEveryCommits?: number;
  /** A chunk running this many times longer than the job's median attempt gets a backup; default 4. */
  stragglerFactor?: number;
  /** ...and at least this long; default 10 s. */
  stragglerMinMs?: number;
  /** Finished jobs kept (older ones are pruned); default 1000. */
  retainFinishedJobs?: number;
  /**
   * Chunks a worker may hold beyond its concurrency, queued in its pool, while a job has more chunks
   * waiting than there are active workers; default 1 (see Dispatcher).
   */
  prefetch?: number;
  /** How long an inactive worker stays listed; default one hour. */
  forgetInactiveAfterMs?: number;
  now?: () => number;
}

export type ReportOutcome = { accepted: true; reason: 'committed' } | { accepted: false; reason: 'duplicate' };

export interface ChunkReport {
  worker_id: string;
  job_id: string;
  chunk_id: number;
  attempt: number;
  lease_token: string;
}


/** The job's time window in core's terms; undefined without one. */
function windowOf(parsing: JobParsing): TimeWindow | undefined {
  if (parsing.since_ms === undefined && parsing.until_ms === undefined) return undefined;
  return { ...(parsing.since_ms !== undefined ? { sinceMs: parsing.since_ms } : {}), ...(parsing.until_ms !== undefined ? { untilMs: parsing.until_ms } : {}) };
}

function positive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

export class Coordinator {
  readonly events = new EventBus();
  readonly heartbeatIntervalMs: number;
  readonly workerTimeoutMs: number;
  private readonly leases: LeaseTable;
  private readonly dispatcher: Dispatcher;
  private readonly results: JobResults;
  private readonly registry = new WorkerRegistry();
  private readonly store: StateStore;
  private readonly sendChunk: ChunkSender;
  private readonly workers: WorkerLifecycle;
  private readonly probe: InputProbe;
  private readonly now: () => number;
  private readonly maxChunksPerJob: number;
  private readonly checkpointIntervalMs: number;
  private readonly stragglerFactor: number;
  private readonly stragglerMinMs: number;
  private readonly retainFinishedJobs: number;
  private sweepTimer: NodeJS.Timeout | null = null;
  private checkpointTimer: NodeJS.Timeout | null = null;
  private dispatchScheduled = false;
  private closed = false;
  /** Planning and finishing in progress, for tests and for close(). */
  private readonly background = new Set<Promise<void>>();

  constructor(options: CoordinatorOptions) {
    this.heartbeatIntervalMs = positive('heartbeat interval', options.heartbeatIntervalMs ?? 1000);
    this.workerTimeoutMs = positive('worker timeout', options.workerTimeoutMs ?? 3 * this.heartbeatIntervalMs);
    const leaseMs = positive('lease time', options.leaseMs ?? this.workerTimeoutMs);
    const deadlineBaseMs = positive('deadline base', options.deadlineBaseMs ?? 60_000);
    const bytesPerSecond = positive('deadline rate', options.deadlineBytesPerSecond ?? 1024 * 1024);
    const maxAttempts = options.maxAttempts ?? 4;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`max attempts must be a positive integer, got ${maxAttempts}`);
    this.maxChunksPerJob = options.maxChunksPerJob ?? 100_000;
    if (!Number.isInteger(this.maxChunksPerJob) || this.maxChunksPerJob < 1) throw new RangeError(`max chunks per job must be a positive integer, got ${this.maxChunksPerJob}`);
    this.checkpointIntervalMs = positive('checkpoint interval', options.checkpointIntervalMs ?? 30_000);
    const everyCommits = options.checkpointEveryCommits ?? 64;
    if (!Number.isInteger(everyCommits) || everyCommits < 1) throw new RangeError(`checkpoint commits must be a positive integer, got ${everyCommits}`);
    this.stragglerFactor = positive('straggler factor', options.stragglerFactor ?? 4);
    this.stragglerMinMs = positive('straggler minimum', options.stragglerMinMs ?? 10_000);
    this.retainFinishedJobs = options.retainFinishedJobs ?? 1000;
    if (!Number.isInteger(this.retainFinishedJobs) || this.retainFinishedJobs < 0) throw new RangeError(`retained jobs must be a non-negative integer, got ${this.retainFinishedJobs}`);
    const forgetInactiveAfterMs = positive('forget-inactive delay', options.forgetInactiveAfterMs ?? 60 * 60_000);
    this.sendChunk = options.sendChunk;
    this.probe = options.probe ?? fileProbe;
    this.now = options.now ?? Date.now;
    this.store = options.store ?? new MemoryStore();
    this.results = new JobResults(this.store, { everyCommits, maxAgeMs: this.checkpointIntervalMs, idleMs: 1000 }, this.now);
    // A finished job's checkpoint waits for an idle moment: its stored partials already make it durable.
    this.events.on((event) => {
      if (event.type === 'job_completed' || event.type === 'job_failed') this.results.finish(event.job_id);
    });
    this.leases = new LeaseTable(this.store, this.events, {
      leaseMs,
      deadlineMs: (work) => deadlineBaseMs + (work / bytesPerSecond) * 1000,
      maxAttempts,
      // A heartbeat composed before the worker accepted a task does not list it yet.
      unlistedGraceMs: this.heartbeatIntervalMs + 500,
    });
    this.workers = new WorkerLifecycle({
      registry: this.registry,
      leases: this.leases,
      events: this.events,
      now: this.now,
      isWorkerLive: options.isWorkerLive ?? (async () => false),
      workerTimeoutMs: this.workerTimeoutMs,
      forgetInactiveAfterMs,
      wakeDispatch: () => this.scheduleDispatch(),
    });
    const prefetch = options.prefetch ?? 1;
    if (!Number.isInteger(prefetch) || prefetch < 0) throw new RangeError(`prefetch must be a non-negative integer, got ${prefetch}`);
    this.dispatcher = new Dispatcher(this.leases, this.registry, (job, chunk, lease, worker) => this.send(job, chunk, lease, worker), {
      stragglerFactor: this.stragglerFactor,
      stragglerMinMs: this.stragglerMinMs,
      prefetch,
    });
    this.events.on((event) => this.dispatcher.noteWorkerOutcome(event, this.now()));
  }

  /** Resumes the stored jobs, then starts the timers (sweep, checkpoints). */
  start(): void {
    if (this.sweepTimer) return;
    const unplanned = this.leases.load(this.now());
    for (const job of this.leases.unfinishedJobs()) {
      if (!job.record.planned) continue;
      this.results.restore(job.id);
      this.events.emit({ type: 'job_resumed', job_id: job.id, chunks_done: job.chunksDone, chunks_total: job.chunks.length });
      if (job.chunksDone === job.chunks.length) this.track(this.completeJob(job));
    }
    for (const job of unplanned) this.track(this.planJob(job));
    const intervalMs = Math.max(10, Math.floor(this.heartbeatIntervalMs / 2));
    let last = this.now();
    this.sweepTimer = setInterval(() => {
      const now = this.now();
      const lateMs = now - last - intervalMs;
      last = now;
      // A late timer means our own event loop was blocked: heartbeats may be waiting unread in the
      // socket queue, so silence is not evidence of a dead worker this time.
      if (lateMs > intervalMs) {
        this.events.emit({ type: 'loop_blocked', ms: lateMs });
        return;
      }
      this.sweep();
    }, intervalMs);
    this.sweepTimer.unref();
    this.checkpointTimer = setInterval(() => this.results.checkpointDue(), Math.min(1000, this.checkpointIntervalMs));
    this.checkpointTimer.unref();
    this.scheduleDispatch();
  }

  /** Stops the timers, waits for planning in progress, checkpoints and closes the store. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    if (this.checkpointTimer) clearInterval(this.checkpointTimer);
    await Promise.allSettled([...this.background]);
    try {
      this.results.checkpointAll();
    } finally {
      this.store.close();
    }
  }

  /** True once close() began: requests are answered 503 from then on (the store may be closed). */
  get isClosing(): boolean {
    return this.closed;
  }

  /** Resolves when planning and finishing in progress are done (tests). */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  private track(work: Promise<void>): void {
    this.background.add(work);
    void work.finally(() => this.background.delete(work));
  }

  private emit(event: CoordinatorEvent): void {
    this.events.emit(event);
  }

  // ---- workers (see WorkerLifecycle) ----

  register(input: { worker_id: string; url: string; concurrency: number }): Promise<'registered' | 're-registered'> {
    return this.workers.register(input);
  }

  deregister(workerId: string): { released: number } | null {
    return this.workers.deregister(workerId);
  }

  heartbeat(workerId: string, leaseTokens: readonly string[] = [], load: WorkerLoad = {}): { drop: string[] } | null {
    return this.workers.heartbeat(workerId, leaseTokens, load);
  }

  listWorkers(): WorkerInfo[] {
    return this.workers.list();
  }

  /** Marks silent workers inactive, expires overdue leases, starts backups for stragglers. */
  sweep(): void {
    const now = this.now();
    this.workers.sweepSilent(now);
    this.leases.sweep(now);
    this.dispatcher.startBackups(now);
    // Also wakes dispatch when a suspended worker's rest is over.
    this.scheduleDispatch();
  }

  // ---- jobs ----

  /**
   * Creates a job and plans it in the background: an input that cannot be read shows up as a failed
   * job naming it. A request that can never run (a log_format that does not compile, more inputs
   * than the chunk limit) is refused at once.
   */
  createJob(body: CreateJobBody): string {
    const inputs: Input[] = (body.inputs ?? [body.filepath as string]).map((i) => (typeof i === 'string' ? { kind: 'file', path: i } : i));
    if (body.log_format !== undefined) {
      try {
        selectParser({ nginx: body.log_format });
      } catch (err) {
        throw AppError.invalidField('log_format', (err as Error).message, err);
      }
    }
    if (inputs.length > this.maxChunksPerJob) {
      throw new AppError('too_many_chunks', `${inputs.length} inputs need at least as many chunks; this coordinator allows ${this.maxChunksPerJob} per job`);
    }
    const parsing: JobParsing = {
      ...(body.format ? { format: body.format } : {}),
      ...(body.log_format ? { log_format: body.log_format } : {}),
      ...(body.since_ms !== undefined ? { since_ms: body.since_ms } : {}),
      ...(body.until_ms !== undefined ? { until_ms: body.until_ms } : {}),
    };
    const jobId = randomUUID();
    const records: InputRecord[] = inputs.map((input, i) => ({ job_id: jobId, input_id: i, input, snapshot: null, appended_bytes: null }));
    const job = this.leases.createJob({ job_id: jobId, created_at: this.now(), parsing, requested_chunk_size: body.chunk_size ?? null }, records);
    this.track(this.planJob(job));
    this.pruneFinished();
    return jobId;
  }

  private async planJob(job: JobState): Promise<void> {
    const sizes: number[] = [];
    const whole: boolean[] = [];
    for (const input of job.inputs) {
      try {
        const probed = await this.probe(input.input);
        // A bare path becomes the kind its first bytes say; the plan stores it with the snapshot.
        input.input = probed.input;
        input.snapshot = probed.snapshot;
      } catch (err) {
        const message = err instanceof AnalyzerError || err instanceof Error ? err.message : String(err);
        this.leases.finishJob(job, 'failed', this.now(), message);
        return;
      }
      sizes.push(input.snapshot.size);
      whole.push(isCompressed(input.input));
    }
    if (isFinished(job.record.status) || this.closed) return; // deleted or closed while probing
    const choice = chooseChunkSize(sizes, job.record.requested_chunk_size, this.registry.active().length, this.maxChunksPerJob, whole);
    for (const batch of chunkBatches(job.id, sizes, choice.chunkSize, whole)) {
      if (this.leases.job(job.id) !== job || this.closed) return;
      this.leases.addPlannedChunks(job, batch);
      // Yield between batches so heartbeats and other requests are served while a big job plans.
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.leases.finishPlan(job, choice.chunkSize);
    this.emit({
      type: 'job_planned',
      job_id: job.id,
      inputs: job.inputs.length,
      chunks: job.chunks.length,
      bytes: job.bytesTotal,
      chunk_size: choice.chunkSize,
      ...(choice.raisedFrom !== undefined ? { raised_from: choice.raisedFrom } : {}),
    });
    if (job.chunks.length === 0) await this.completeJob(job);
    else this.scheduleDispatch();
  }

  /**
   * After the last commit: checks that the chunks of each input cover exactly its planned bytes,
   * measures what was appended meanwhile, and completes the job (or fails it, naming the input).
   */
  private async completeJob(job: JobState): Promise<void> {
    const owned = job.inputs.map(() => 0);
    for (const chunk of job.chunks) owned[chunk.input_id] += plannedBytesOwned(job, chunk);
    for (const input of job.inputs) {
      const planned = input.snapshot?.size ?? 0;
      if (owned[input.input_id] !== planned) {
        this.leases.finishJob(job, 'failed', this.now(), `the chunks of ${input.input.path} cover ${owned[input.input_id]} bytes, but ${planned} were planned: the input changed during the job, or a worker read the wrong bytes`);
        return;
      }
      try {
        const { snapshot: now } = await this.probe(input.input);
        const same = input.snapshot !== null && now.dev === input.snapshot.dev && now.ino === input.snapshot.ino;
        input.appended_bytes = same ? Math.max(0, now.size - planned) : 0;
      } catch {
        input.appended_bytes = 0; // gone since: nothing was appended that we could count
      }
    }
    if (isFinished(job.record.status) || this.leases.job(job.id) !== job) return; // failed, or deleted while probing
    this.leases.finishJob(job, 'completed', this.now());
    const appended = job.inputs.reduce((sum, i) => sum + (i.appended_bytes ?? 0), 0);
    this.emit({ type: 'job_completed', job_id: job.id, chunks: job.chunks.length, reassigned: job.record.chunks_reassigned, appended_bytes: appended });
  }

  getJob(jobId: string): Job {
    const job = this.leases.requireJob(jobId);
    return jobBody(job, this.results.report(jobId, windowOf(job.record.parsing)));
  }

  /** GET /jobs/:job_id/progress: a job's counters without its metrics, for a client following it. */
  requireJobProgress(jobId: string): JobProgressUpdate {
    return jobProgressUpdate(this.leases.requireJob(jobId));
  }

  /** A job's counters without its metrics (no report is built): for progress messages; null once deleted. */
  jobProgress(jobId: string): JobProgressUpdate | null {
    const job = this.leases.job(jobId);
    return job ? jobProgressUpdate(job) : null;
  }

  listJobs(): JobSummary[] {
    return this.leases.allJobs().map(jobSummary);
  }

  deleteJob(jobId: string): void {
    const job = this.leases.requireJob(jobId);
    this.leases.deleteJob(job);
    this.results.forget(jobId);
  }

  /** Metrics over every chunk committed so far, across jobs; malformed-line samples stay with their own job. */
  totalMetrics(): MetricsReport {
    // Computed on request (it is rarely asked for) rather than merged twice on every chunk.
    const all = new MetricsMerger();
    for (const job of this.leases.allJobs()) if (job.chunksDone > 0) all.add(this.results.merged(job.id));
    const report = all.report();
    // Samples quote log lines: one job's file contents must not show up in another's view.
    return { ...report, malformed: { ...report.malformed, samples: [] } };
  }

  /** Keeps the newest retainFinishedJobs finished jobs; older ones are deleted with their partials. */
  private pruneFinished(): void {
    const finished = this.leases.allJobs().filter((j) => isFinished(j.record.status));
    for (const job of finished.slice(0, Math.max(0, finished.length - this.retainFinishedJobs))) this.deleteJob(job.id);
  }

  // ---- chunk results ----

  /**
   * Commits a chunk's partial if the report holds the chunk's live lease: checked whole first (every
   * sketch decoded, the byte count within the chunk's input), then one store transaction, then the
   * merge, which can no longer fail. A partial that fails the check is a failed attempt (422).
   */
  reportMetrics(report: ChunkReport & { metrics: unknown }, reportBody?: string | Uint8Array): ReportOutcome {
    const live = this.leases.liveLease(report);
    if (live === 'duplicate') return { accepted: false, reason: 'duplicate' };
    const { job, chunk, lease } = live;
    const now = this.now();
    let checked;
    try {
      checked = checkPartial(report.metrics as never);
      checkOwnedBytes(job, chunk, checked.partial.bytes);
    } catch (err) {
      const message = `invalid partial for ${describeChunk(job, chunk)}: ${(err as Error).message}`;
      this.leases.endAttempt(lease, 'failed', message, now);
      this.scheduleDispatch();
      throw new AppError('invalid_partial', message, { cause: err });
    }
    // Loaded before the commit: a merge first built after it would read this partial from the store and then add it again.
    this.results.restore(job.id);
    const last = this.leases.commit(job, chunk, lease, { bytes: checked.partial.bytes, lines: checked.partial.lines }, reportBody ?? JSON.stringify(report), now);
    this.results.add(job.id, checked);
    const worker = this.registry.get(report.worker_id);
    if (worker) worker.chunks_done++;
    if (last) this.track(this.completeJob(job));
    this.scheduleDispatch();
    return { accepted: true, reason: 'committed' };
  }

  /** A failed attempt; a permanent one (the input cannot be analyzed) fails its job at once. */
  reportChunkFailure(report: ChunkReport & { error: string; permanent?: boolean }): { accepted: true; reason: 'recorded' } {
    const live = this.leases.liveLease(report);
    if (live === 'duplicate') throw new AppError('lease_not_live', `chunk ${report.chunk_id} of job ${report.job_id} was committed by this attempt`);
    this.leases.endAttempt(live.lease, 'failed', report.error, this.now(), report.permanent === true);
    this.scheduleDispatch();
    return { accepted: true, reason: 'recorded' };
  }

  // ---- dispatch ----

  /** Hands out pending chunks now (see Dispatcher). */
  dispatch(): void {
    this.dispatcher.dispatch(this.now());
  }

  private scheduleDispatch(): void {
    if (this.dispatchScheduled || this.closed) return;
    this.dispatchScheduled = true;
    setImmediate(() => {
      this.dispatchScheduled = false;
      this.dispatch();
    });
  }

  private send(job: JobState, chunk: ChunkRecord, lease: LeaseRecord, worker: WorkerEntry): void {
    const input = job.inputs[chunk.input_id];
    const task: ChunkTask = {
      job_id: job.id,
      chunk_id: chunk.chunk_id,
      attempt: lease.attempt,
      lease_token: lease.token,
      input: input.input,
      snapshot: input.snapshot as NonNullable<typeof input.snapshot>,
      start: chunk.start,
      size: chunk.size,
      ...job.record.parsing,
    };
    this.sendChunk(worker.url, task).then(
      () => this.leases.acknowledge(lease.token, this.now()),
      (err: unknown) => {
        if (this.leases.lease(lease.token) !== lease || this.registry.get(worker.worker_id) !== worker) return;
        const why = `sending ${describeChunk(job, chunk)} failed: ${(err as Error).message}`;
        const status = (err as { status?: unknown }).status;
        if (status === 503) {
          // Shutting down: it finishes (or hands back) what it holds; this chunk goes elsewhere, uncounted.
          worker.draining = true;
          this.leases.endAttempt(lease, 'released', why, this.now());
        } else if (typeof status === 'number' && status >= 400 && status < 500) {
          // The worker refused this chunk (outside its data root, a range past its file): this attempt failed.
          this.leases.endAttempt(lease, 'failed', why, this.now());
        } else {
          // Unreachable, or broken: treated like a dead worker, everything it holds goes back.
          this.workers.deactivate(worker, why);
          return;
        }
        this.scheduleDispatch();
      },
    );
  }
}

/**
 * The planned bytes a committed chunk covers: the bytes of the lines it owned, or, for a compressed
 * input, read whole, its compressed size (its partial counts decompressed bytes, which no plan knows;
 * the reader stops at the planned size, and the decompressor checks the stream's own length and CRC).
 */
function plannedBytesOwned(job: JobState, chunk: ChunkRecord): number {
  if (isCompressed(job.inputs[chunk.input_id].input)) return chunk.owned_bytes === null ? 0 : chunk.size;
  return chunk.owned_bytes ?? 0;
}

/** A chunk owns the lines that start in it, so it never owns more bytes than its input has from its start. */
function checkOwnedBytes(job: JobState, chunk: ChunkRecord, bytes: number): void {
  // A compressed input's chunk counts decompressed bytes, as many as the text has.
  if (isCompressed(job.inputs[chunk.input_id].input)) return;
  const available = (job.inputs[chunk.input_id].snapshot?.size ?? 0) - chunk.start;
  if (bytes > available) throw new Error(`it owns ${bytes} bytes, but its input has only ${available} from the chunk's start`);
}
