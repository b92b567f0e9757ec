// The one owner of chunk state. Every transition of a chunk (plan → lease → renew → commit | fail |
// expire) happens here, is written to the state store in one call, then applied in memory, so that
// who holds what is recorded once: a worker's holdings are its live leases.
import { randomBytes } from 'node:crypto';
import { describeInput } from '@loganalyzer/contract';
import { AppError } from '@loganalyzer/server-kit';
import type { EventBus } from './events';
import { JobState } from './job-state';
import { ChunkRecord, InputRecord, isFinished, JobRecord, LeaseRecord } from './state/records';
import type { StateStore } from './state/state-store';
import { chunkWork } from './work-estimate';

export interface LeaseTableOptions {
  /** How long a lease lives without a renewing heartbeat. */
  leaseMs: number;
  /** The deadline of an attempt at a chunk of this many bytes, in ms from its grant. */
  /** An attempt's deadline for a chunk of this much work (chunkWork: plain-text bytes). */
  deadlineMs: (work: number) => number;
  /** Failed or expired attempts of one chunk before its job fails. */
  maxAttempts: number;
  /** A lease its worker's heartbeat does not list expires once it was accepted this long ago. */
  unlistedGraceMs: number;
}

/** released: handed back by a worker that is shutting down; it does not count toward the chunk's limit. */
export type AttemptEnd = 'failed' | 'expired' | 'released';

/** The chunk's input and byte range, as people read it in an error. */
export function describeChunk(job: JobState, chunk: ChunkRecord): string {
  const input = job.inputs[chunk.input_id];
  return `chunk ${chunk.chunk_id} (${describeInput(input.input)}, bytes ${chunk.start}–${chunk.start + chunk.size})`;
}

export class LeaseTable {
  private readonly jobs = new Map<string, JobState>();
  /** Jobs with chunks still to commit, oldest first: dispatch never walks finished ones. */
  private readonly unfinished = new Set<JobState>();
  private readonly byToken = new Map<string, LeaseRecord>();
  private readonly byWorker = new Map<string, Set<LeaseRecord>>();
  private nextSeq = 1;

  constructor(
    private readonly store: StateStore,
    private readonly events: EventBus,
    private readonly options: LeaseTableOptions,
  ) {}

  // ---- loading ----

  /**
   * Rebuilds everything from the store after a restart. Leases held before it get a fresh expiry, so
   * workers have time to come back and renew them. Returns the jobs whose planning was interrupted.
   */
  load(now: number): JobState[] {
    const stored = this.store.load();
    const inputsByJob = new Map<string, InputRecord[]>();
    for (const input of stored.inputs) {
      let list = inputsByJob.get(input.job_id);
      if (!list) inputsByJob.set(input.job_id, (list = []));
      list[input.input_id] = input;
    }
    const chunksByJob = new Map<string, ChunkRecord[]>();
    for (const chunk of stored.chunks) {
      let list = chunksByJob.get(chunk.job_id);
      if (!list) chunksByJob.set(chunk.job_id, (list = []));
      list.push(chunk);
    }
    const unplanned: JobState[] = [];
    for (const record of stored.jobs) {
      const job = new JobState(record, inputsByJob.get(record.job_id) ?? []);
      this.jobs.set(record.job_id, job);
      this.nextSeq = Math.max(this.nextSeq, record.seq + 1);
      const chunks = (chunksByJob.get(record.job_id) ?? []).sort((a, b) => a.chunk_id - b.chunk_id);
      // Finished jobs get their chunks too: their progress is reported from them.
      if (isFinished(record.status)) {
        job.addChunks(chunks.map((c) => (c.state === 'leased' ? { ...c, state: 'pending' as const } : c)));
        continue;
      }
      this.unfinished.add(job);
      if (!record.planned) {
        this.store.discardPlan(record.job_id);
        unplanned.push(job);
        continue;
      }
      // Leased chunks count as pending here; their restored leases mark them leased again below.
      for (const chunk of chunks) if (chunk.state === 'leased') chunk.state = 'pending';
      job.addChunks(chunks);
    }
    for (const lease of stored.leases) {
      const job = this.jobs.get(lease.job_id);
      const chunk = job?.chunks[lease.chunk_id];
      if (!job || !chunk || chunk.state === 'committed' || isFinished(job.record.status)) continue;
      chunk.state = 'leased';
      this.track(job, { ...lease, expires_at: now + this.options.leaseMs, acknowledged_at: now });
    }
    return unplanned;
  }

  // ---- reading ----

  job(jobId: string): JobState | undefined {
    return this.jobs.get(jobId);
  }

  requireJob(jobId: string): JobState {
    const job = this.jobs.get(jobId);
    if (!job) throw new AppError('job_not_found', `no job ${jobId}`);
    return job;
  }

  allJobs(): JobState[] {
    return [...this.jobs.values()];
  }

  unfinishedJobs(): JobState[] {
    return [...this.unfinished];
  }

  leaseCount(workerId: string): number {
    return this.byWorker.get(workerId)?.size ?? 0;
  }

  leasesOf(workerId: string): LeaseRecord[] {
    return [...(this.byWorker.get(workerId) ?? [])];
  }

  lease(token: string): LeaseRecord | undefined {
    return this.byToken.get(token);
  }

  // ---- planning ----

  createJob(fields: Omit<JobRecord, 'seq' | 'status' | 'planned' | 'finished_at' | 'error' | 'chunk_size' | 'chunks_reassigned' | 'backup_attempts' | 'results_refused'>, inputs: InputRecord[]): JobState {
    const record: JobRecord = {
      ...fields,
      seq: this.nextSeq++,
      status: 'queued',
      planned: false,
      finished_at: null,
      error: null,
      chunk_size: null,
      chunks_reassigned: 0,
      backup_attempts: 0,
      results_refused: 0,
    };
    this.store.createJob(record, inputs);
    const job = new JobState(record, inputs);
    this.jobs.set(record.job_id, job);
    this.unfinished.add(job);
    return job;
  }

  /** Stores one batch of planned chunks (ids continuing the job's). */
  addPlannedChunks(job: JobState, chunks: ChunkRecord[]): void {
    this.store.addChunks(chunks);
    job.addChunks(chunks);
  }

  finishPlan(job: JobState, chunkSize: number): void {
    job.record.planned = true;
    job.record.chunk_size = chunkSize;
    this.store.finishPlan(job.record, job.inputs);
  }

  // ---- leases ----

  claim(job: JobState, chunk: ChunkRecord, workerId: string, now: number, backup = false): LeaseRecord {
    const lease: LeaseRecord = {
      token: randomBytes(16).toString('hex'),
      job_id: job.id,
      chunk_id: chunk.chunk_id,
      attempt: chunk.attempts + 1,
      worker_id: workerId,
      granted_at: now,
      expires_at: now + this.options.leaseMs,
      deadline_at: now + this.options.deadlineMs(chunkWork(job, chunk)),
      backup,
      acknowledged_at: null,
    };
    chunk.attempts++;
    chunk.state = 'leased';
    if (job.record.status === 'queued') job.record.status = 'running';
    if (backup) job.record.backup_attempts++;
    this.store.grantLease(lease, chunk, job.record);
    this.track(job, lease);
    this.events.emit({ type: 'chunk_dispatched', job_id: job.id, chunk_id: chunk.chunk_id, attempt: lease.attempt, worker_id: workerId, backup });
    return lease;
  }

  /** The worker answered 202 for this attempt. */
  acknowledge(token: string, now: number): void {
    const lease = this.byToken.get(token);
    if (lease) lease.acknowledged_at = now;
  }

  /**
   * A heartbeat: renews the listed leases that are live and this worker's, expires this worker's
   * leases it no longer lists, and returns the listed tokens that are not live (to drop).
   */
  renew(workerId: string, tokens: readonly string[], now: number): string[] {
    const listed = new Set(tokens);
    const drop: string[] = [];
    for (const token of listed) {
      const lease = this.byToken.get(token);
      if (!lease || lease.worker_id !== workerId) drop.push(token);
      else if (lease.deadline_at > now) lease.expires_at = Math.max(lease.expires_at, now + this.options.leaseMs);
    }
    for (const lease of this.leasesOf(workerId)) {
      const forgotten = !listed.has(lease.token) && lease.acknowledged_at !== null && now - lease.acknowledged_at > this.options.unlistedGraceMs;
      if (forgotten) this.endAttempt(lease, 'expired', `worker ${workerId} no longer holds it`, now);
    }
    return drop;
  }

  /** Takes back every attempt a worker holds (it died, restarted, or could not be reached). */
  expireWorker(workerId: string, reason: string, now: number): number {
    const held = this.leasesOf(workerId);
    for (const lease of held) this.endAttempt(lease, 'expired', reason, now);
    return held.length;
  }

  /** Takes back, uncounted, every attempt of a worker that leaves in good order (it deregistered). */
  releaseWorker(workerId: string, now: number): number {
    const held = this.leasesOf(workerId);
    for (const lease of held) this.endAttempt(lease, 'released', `worker ${workerId} handed it back (shutting down)`, now);
    return held.length;
  }

  /** Expires leases whose renewal or deadline has passed; returns how many. */
  sweep(now: number): number {
    let expired = 0;
    for (const lease of [...this.byToken.values()]) {
      if (lease.deadline_at <= now) {
        this.endAttempt(lease, 'expired', `attempt passed its deadline of ${lease.deadline_at - lease.granted_at} ms`, now);
        expired++;
      } else if (lease.expires_at <= now) {
        this.endAttempt(lease, 'expired', `lease not renewed for ${now - lease.expires_at + this.options.leaseMs} ms`, now);
        expired++;
      }
    }
    return expired;
  }

  /**
   * The live lease a report is for, or why it is not: a duplicate of the committed attempt (a retried
   * report), or an AppError (unknown job or chunk; lease_not_live for anything else).
   */
  liveLease(report: { worker_id: string; job_id: string; chunk_id: number; lease_token: string }): { job: JobState; chunk: ChunkRecord; lease: LeaseRecord } | 'duplicate' {
    const job = this.requireJob(report.job_id);
    const chunk = job.chunks[report.chunk_id];
    if (!chunk) throw new AppError('chunk_not_found', `job ${report.job_id} has no chunk ${report.chunk_id}`);
    if (chunk.committed_token !== null && chunk.committed_token === report.lease_token) return 'duplicate';
    const lease = this.byToken.get(report.lease_token);
    if (!lease || lease.job_id !== job.id || lease.chunk_id !== chunk.chunk_id || lease.worker_id !== report.worker_id) {
      const why = chunk.state === 'committed' ? 'the chunk was committed by another attempt' : isFinished(job.record.status) ? `the job has ${job.record.status}` : 'the lease expired or was given to another attempt';
      // Counted in memory and stored with the job's next write: a refusal changes no chunk.
      job.record.results_refused++;
      this.events.emit({ type: 'result_refused', job_id: job.id, chunk_id: chunk.chunk_id, worker_id: report.worker_id, reason: why });
      throw new AppError('lease_not_live', `not the live lease of chunk ${chunk.chunk_id} of job ${job.id}: ${why}`);
    }
    return { job, chunk, lease };
  }

  /**
   * Commits a checked partial: one store transaction marks the chunk committed, stores the report and
   * ends every lease of the chunk (a backup's too). Returns true when it was the job's last chunk.
   * `owned` is what the partial counted: the bytes of the lines the chunk owns, and those lines.
   */
  commit(job: JobState, chunk: ChunkRecord, lease: LeaseRecord, owned: { bytes: number; lines: number }, reportBody: string | Uint8Array, now: number): boolean {
    const leases = job.liveLeases(chunk.chunk_id);
    chunk.state = 'committed';
    chunk.committed_token = lease.token;
    chunk.owned_bytes = owned.bytes;
    this.store.commit(chunk, job.record, leases.map((l) => l.token), reportBody);
    for (const l of leases) this.untrack(job, l);
    job.countCommitted(chunk);
    job.noteCommitDuration(now - lease.granted_at);
    this.events.emit({ type: 'chunk_committed', job_id: job.id, chunk_id: chunk.chunk_id, attempt: lease.attempt, worker_id: lease.worker_id, duration_ms: now - lease.granted_at, bytes: owned.bytes, lines: owned.lines });
    return job.chunksDone === job.chunks.length;
  }

  /**
   * Ends an attempt without a commit. The chunk goes back to the queue unless another attempt still
   * runs; failures and expiries count toward the chunk's limit, at which its job fails; a release
   * does not (the worker gave it back before it could fail). A permanent failure (the input cannot be
   * analyzed) fails the job at once.
   */
  endAttempt(lease: LeaseRecord, how: AttemptEnd, reason: string, now: number, permanent = false): void {
    const job = this.jobs.get(lease.job_id);
    if (!job || this.byToken.get(lease.token) !== lease) return;
    const chunk = job.chunks[lease.chunk_id];
    this.untrack(job, lease);
    if (how !== 'released') {
      let lostOn = job.lostOn.get(chunk.chunk_id);
      if (!lostOn) job.lostOn.set(chunk.chunk_id, (lostOn = new Set()));
      lostOn.add(lease.worker_id);
      chunk.failures++;
      chunk.last_error = reason;
    }
    job.record.chunks_reassigned++;
    const othersRunning = job.liveLeases(chunk.chunk_id).length > 0;
    if (!othersRunning) chunk.state = 'pending';
    this.store.endLease(lease.token, chunk, job.record);
    const event = { job_id: job.id, chunk_id: chunk.chunk_id, attempt: lease.attempt, worker_id: lease.worker_id };
    this.events.emit(how === 'failed' ? { type: 'chunk_failed', ...event, error: reason } : how === 'expired' ? { type: 'chunk_expired', ...event, reason } : { type: 'chunk_released', ...event });
    if (how === 'failed' && permanent) {
      this.finishJob(job, 'failed', now, `${describeChunk(job, chunk)} cannot be analyzed: ${reason}`);
    } else if (chunk.failures >= this.options.maxAttempts) {
      this.finishJob(job, 'failed', now, `${describeChunk(job, chunk)} failed ${chunk.failures} time(s); last error: ${reason}`);
    } else if (!othersRunning) {
      job.requeueFirst(chunk);
    }
  }

  /** Ends a job: its remaining leases end uncounted (their workers are told to drop them). */
  finishJob(job: JobState, status: 'completed' | 'failed', now: number, error?: string): void {
    // A job deleted while its input was probed must not be written back (and come back at the next start).
    if (isFinished(job.record.status) || this.jobs.get(job.id) !== job) return;
    job.record.status = status;
    job.record.finished_at = now;
    if (error !== undefined) job.record.error = error;
    const ended: string[] = [];
    for (const leases of [...job.leases.values()]) {
      for (const lease of leases) {
        ended.push(lease.token);
        this.untrack(job, lease);
      }
    }
    this.store.saveJob(job.record, job.inputs, ended);
    this.unfinished.delete(job);
    if (status === 'failed') this.events.emit({ type: 'job_failed', job_id: job.id, error: error ?? 'failed' });
  }

  /** Saves what changed on a finished job after it ended (its inputs' appended bytes). */
  saveFinished(job: JobState): void {
    this.store.saveJob(job.record, job.inputs, []);
  }

  deleteJob(job: JobState): void {
    for (const leases of [...job.leases.values()]) for (const lease of leases) this.untrack(job, lease);
    this.store.deleteJob(job.id);
    this.jobs.delete(job.id);
    this.unfinished.delete(job);
  }

  // ---- indexes ----

  private track(job: JobState, lease: LeaseRecord): void {
    this.byToken.set(lease.token, lease);
    let mine = this.byWorker.get(lease.worker_id);
    if (!mine) this.byWorker.set(lease.worker_id, (mine = new Set()));
    mine.add(lease);
    const ofChunk = job.leases.get(lease.chunk_id);
    if (ofChunk) ofChunk.push(lease);
    else job.leases.set(lease.chunk_id, [lease]);
  }

  private untrack(job: JobState, lease: LeaseRecord): void {
    this.byToken.delete(lease.token);
    const mine = this.byWorker.get(lease.worker_id);
    mine?.delete(lease);
    if (mine?.size === 0) this.byWorker.delete(lease.worker_id);
    const rest = job.liveLeases(lease.chunk_id).filter((l) => l !== lease);
    if (rest.length > 0) job.leases.set(lease.chunk_id, rest);
    else job.leases.delete(lease.chunk_id);
  }
}
