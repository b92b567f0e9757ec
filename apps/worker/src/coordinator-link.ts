// Everything a worker says to the coordinator, through the typed client: registration, heartbeats
// (re-registering when the coordinator has forgotten us), chunk reports retried with backoff, and
// deregistration when it leaves.
import { embedJson, type ChunkTask, type CoordinatorClient } from '@loganalyzer/contract';
import type { PartialMetrics } from '@loganalyzer/core';
import { ProcessLoad, ProcessLoadSampler } from './process-load';
import { chunkFields, silentLog, WorkerLog } from './telemetry/worker-log';
import { LeaseLostError, PermanentError, ResultTooLargeError, withRetry } from './retry';

export interface ChunkReporter {
  reportMetrics(task: ChunkTask, metrics: PartialMetrics | Uint8Array[], signal?: AbortSignal): Promise<void>;
  /** permanent: the input cannot be analyzed, so no attempt can succeed (see the contract). */
  reportFailure(task: ChunkTask, error: string, signal?: AbortSignal, permanent?: boolean): Promise<void>;
}

/** What the heartbeat needs from the worker: the leases it holds, and a way to drop the dead ones. */
export interface LeaseHolder {
  heldLeases(): string[];
  drop(tokens: readonly string[]): void;
  /** Bytes of the chunks finished so far, reported with each heartbeat. */
  bytesProcessed?(): number;
}

export interface CoordinatorLinkOptions {
  client: CoordinatorClient;
  workerId: string;
  /** The host the coordinator should call; default: the address it sees us at. */
  advertiseHost?: string;
  concurrency: number;
  /** The worker serves HTTPS: the coordinator must call it with https://. */
  tls?: boolean;
  /** How long to keep retrying a chunk report; default 10 minutes. */
  reportRetryMs?: number;
  /** How long to keep retrying deregistration; default 2 s (past it, the coordinator expires the leases itself). */
  deregisterRetryMs?: number;
  /** Backoff of registration and report retries; default 100 ms doubling up to 5 s. */
  retry?: { initialDelayMs?: number; maxDelayMs?: number };
  log?: WorkerLog;
  /** The process's memory and CPU for each heartbeat; default: this process (ProcessLoadSampler). */
  sampleLoad?: () => Partial<ProcessLoad>;
}

const noLeases: LeaseHolder = { heldLeases: () => [], drop: () => {} };

export class CoordinatorLink implements ChunkReporter {
  private heartbeatTimer: NodeJS.Timeout | null = null;
  /** The heartbeat on the wire (and the registration it may lead to), if any. */
  private beating: Promise<void> | null = null;
  private heartbeatIntervalMs = 1000;
  private stopped = false;
  private registered = false;
  private port = 0;
  private coordinatorReachable = true;
  private readonly log: WorkerLog;
  private holder: LeaseHolder = noLeases;
  private readonly sampleLoad: () => Partial<ProcessLoad>;

  constructor(private readonly options: CoordinatorLinkOptions) {
    this.log = options.log ?? silentLog;
    if (options.sampleLoad) this.sampleLoad = options.sampleLoad;
    else {
      const sampler = new ProcessLoadSampler();
      this.sampleLoad = () => sampler.sample();
    }
  }

  /** The worker whose leases the heartbeats list (set once the worker exists). */
  holdLeasesOf(holder: LeaseHolder): void {
    this.holder = holder;
  }

  /** Registers the port the worker listens on (retrying until the coordinator answers), then heartbeats until stop(). */
  async start(port: number): Promise<void> {
    this.port = port;
    await this.register();
    this.scheduleHeartbeat();
  }

  stop(): void {
    this.stopped = true;
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  async register(): Promise<void> {
    const { client, workerId, advertiseHost, concurrency, tls } = this.options;
    const body = { worker_id: workerId, port: this.port, concurrency, ...(advertiseHost ? { host: advertiseHost } : {}), ...(tls ? { tls: true } : {}) };
    const response = await withRetry(
      async () => {
        const r = await client.register({ body });
        if (r.status === 200) return r;
        if (r.status === 500) throw new Error(`registration failed: ${r.body.message}`);
        // A bad body (400), a missing or wrong token (401), a host it may not name (403), an id a live
        // worker elsewhere has (409): asking again cannot change the answer.
        throw new PermanentError(`registration refused: ${r.body.message}`);
      },
      { ...this.options.retry, cancelled: () => this.stopped, onRetry: (err, attempt) => attempt === 1 && this.log(`coordinator not reachable yet (${describe(err)}); retrying`, {}, 'warn') },
    );
    this.heartbeatIntervalMs = response.body.heartbeat_interval_ms;
    this.registered = true;
    this.log(`registered as ${workerId} (${response.body.status}); heartbeat every ${this.heartbeatIntervalMs} ms`, { heartbeat_interval_ms: this.heartbeatIntervalMs });
  }

  private scheduleHeartbeat(): void {
    if (this.stopped) return;
    this.heartbeatTimer = setTimeout(() => {
      this.beating = this.beat().finally(() => {
        this.beating = null;
        this.scheduleHeartbeat();
      });
    }, this.heartbeatIntervalMs);
  }

  private async beat(): Promise<void> {
    try {
      const bytes = this.holder.bytesProcessed?.();
      const body = { worker_id: this.options.workerId, leases: this.holder.heldLeases(), ...this.sampleLoad(), ...(bytes !== undefined ? { bytes_processed: bytes } : {}) };
      const r = await this.options.client.heartbeat({ body });
      if (!this.coordinatorReachable) this.log('coordinator reachable again');
      this.coordinatorReachable = true;
      // Once stopped (leaving), a 404 is the coordinator having let us go, not a reason to come back.
      if (r.status === 404 && !this.stopped) {
        this.log('coordinator does not know this worker; registering again', {}, 'warn');
        await this.register();
      } else if (r.status === 200) {
        this.heartbeatIntervalMs = r.body.heartbeat_interval_ms;
        if (r.body.drop.length > 0) this.holder.drop(r.body.drop);
      }
    } catch (err) {
      if (this.coordinatorReachable) this.log(`heartbeat failed: ${describe(err)}`, {}, 'warn');
      this.coordinatorReachable = false;
    }
  }

  /**
   * Stops heartbeating and deregisters: the coordinator removes this worker and hands back the leases
   * it still holds without counting them as failed attempts. Returns how many it released (0 when it
   * did not know this worker). Throws if the coordinator cannot be reached within deregisterRetryMs.
   */
  async leave(): Promise<number> {
    this.stop();
    // A heartbeat on the wire could otherwise land after the deregistration, or register us again.
    await this.beating;
    // Never registered (the coordinator was away all along): it holds nothing of ours to release.
    if (!this.registered) return 0;
    const { client, workerId } = this.options;
    return withRetry(
      async () => {
        const r = await client.deregister({ body: { worker_id: workerId } });
        if (r.status === 200) return r.body.released;
        if (r.status === 404) return 0;
        if (r.status === 500) throw new Error(`deregistration failed: ${r.body.message}`);
        throw new PermanentError(`deregistration refused: ${r.body.message}`);
      },
      {
        ...this.options.retry,
        giveUpAfterMs: this.options.deregisterRetryMs ?? 2000,
        onRetry: (err, attempt) => attempt === 1 && this.log(`deregistration failed (${describe(err)}); retrying`, {}, 'warn'),
      },
    );
  }

  reportMetrics(task: ChunkTask, result: PartialMetrics | Uint8Array[], signal?: AbortSignal): Promise<void> {
    // JSON bytes from a pool thread go out as they are (the coordinator validates them as it would any body).
    const metrics = Array.isArray(result) ? embedJson<PartialMetrics>(result) : result;
    return this.report(task, () => this.options.client.reportMetrics({ body: { ...key(task, this.options.workerId), metrics } }), signal);
  }

  reportFailure(task: ChunkTask, error: string, signal?: AbortSignal, permanent = false): Promise<void> {
    const body = { ...key(task, this.options.workerId), error: error.slice(0, 4096), ...(permanent ? { permanent } : {}) };
    return this.report(task, () => this.options.client.reportChunkFailure({ body }), signal);
  }

  private async report(task: ChunkTask, send: () => Promise<{ status: number; body: unknown }>, signal?: AbortSignal): Promise<void> {
    await withRetry(
      async () => {
        const r = await send();
        if (r.status === 200) return;
        const message = (r.body as { message?: string }).message ?? `status ${r.status}`;
        // The coordinator does not know the job (it restarted) or refused the body: retrying cannot help.
        if (r.status === 409 || r.status === 422) throw new LeaseLostError(`the coordinator ended attempt ${task.attempt} of chunk ${task.chunk_id}: ${message}`);
        if (r.status === 400 || r.status === 404) throw new PermanentError(`coordinator refused the report of chunk ${task.chunk_id} of job ${task.job_id}: ${message}`);
        if (r.status === 413) throw new ResultTooLargeError(`the result of chunk ${task.chunk_id} is too large for the coordinator (${message}); use smaller chunks`);
        throw new Error(message);
      },
      {
        ...this.options.retry,
        giveUpAfterMs: this.options.reportRetryMs ?? 10 * 60_000,
        // A dropped lease stops its retries: the coordinator will refuse the report anyway.
        cancelled: () => signal?.aborted === true,
        onRetry: (err, attempt) => attempt === 1 && this.log(`report of chunk ${task.chunk_id} failed (${describe(err)}); retrying`, chunkFields(task), 'warn'),
      },
    );
  }
}

function key(task: ChunkTask, workerId: string) {
  return { worker_id: workerId, job_id: task.job_id, chunk_id: task.chunk_id, attempt: task.attempt, lease_token: task.lease_token };
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
