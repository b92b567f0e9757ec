// Accepts chunk tasks, runs them (in a thread pool in production) and reports each result. Every task
// is known by its lease token: the heartbeat lists the tokens held, and a token the coordinator says
// to drop is aborted (its thread stopped) and never reported.
import type { ChunkTask } from '@loganalyzer/contract';
import type { PartialMetrics } from '@loganalyzer/core';
import type { ChunkReporter } from './coordinator-link';
import { LeaseLostError, ResultTooLargeError } from './retry';
import { chunkFields, silentLog, WorkerLog } from './telemetry/worker-log';

/** A chunk's partial metrics: as objects, or already as UTF-8 JSON in blocks (a pool thread's runAsJson). */
export type ChunkResult = PartialMetrics | Uint8Array[];
export type ChunkProcessor = (task: ChunkTask, signal: AbortSignal) => Promise<ChunkResult>;

export interface ChunkWorkerOptions {
  workerId: string;
  concurrency: number;
  process: ChunkProcessor;
  reporter: ChunkReporter;
  log?: WorkerLog;
}

interface RunningTask {
  task: ChunkTask;
  abort: AbortController;
}

export class ChunkWorker {
  readonly workerId: string;
  readonly concurrency: number;
  private readonly running = new Map<string, RunningTask>();
  private accepting = true;
  private readonly settled = new Set<Promise<void>>();
  private readonly log: WorkerLog;
  private bytesDone = 0;

  constructor(private readonly options: ChunkWorkerOptions) {
    this.workerId = options.workerId;
    this.concurrency = options.concurrency;
    this.log = options.log ?? silentLog;
  }

  get chunksInFlight(): number {
    return this.running.size;
  }

  get isAccepting(): boolean {
    return this.accepting;
  }

  /** Bytes of the chunks whose results were reported (heartbeats carry it, the dashboard shows throughput). */
  bytesProcessed(): number {
    return this.bytesDone;
  }

  /** The lease tokens of the tasks held (running, or whose report is not yet through). */
  heldLeases(): string[] {
    return [...this.running.keys()];
  }

  /** Starts a chunk and returns at once; its result is reported when ready. A repeated token is ignored. */
  accept(task: ChunkTask): void {
    if (this.running.has(task.lease_token)) return;
    const entry: RunningTask = { task, abort: new AbortController() };
    this.running.set(task.lease_token, entry);
    const done = this.run(entry).finally(() => {
      this.running.delete(task.lease_token);
      this.settled.delete(done);
    });
    this.settled.add(done);
  }

  /** Stops the work of leases the coordinator no longer holds live; nothing of theirs is reported. */
  drop(tokens: readonly string[]): void {
    for (const token of tokens) {
      const entry = this.running.get(token);
      if (!entry || entry.abort.signal.aborted) continue;
      this.log(`dropping chunk ${entry.task.chunk_id} of job ${entry.task.job_id} (attempt ${entry.task.attempt}): its lease is no longer live`, chunkFields(entry.task));
      entry.abort.abort(new Error('the lease is no longer live'));
    }
  }

  private async run({ task, abort }: RunningTask): Promise<void> {
    let metrics: ChunkResult;
    try {
      metrics = await this.options.process(task, abort.signal);
    } catch (err) {
      if (abort.signal.aborted) return;
      const message = err instanceof Error ? err.message : String(err);
      this.log(`chunk ${task.chunk_id} of job ${task.job_id} failed: ${message}`, chunkFields(task), 'warn');
      // The same bytes fail the same way on every worker: the coordinator need not try again.
      const permanent = (err as { code?: unknown }).code === 'invalid_input';
      await this.report(() => this.options.reporter.reportFailure(task, message, abort.signal, permanent), task);
      return;
    }
    if (abort.signal.aborted) return;
    try {
      await this.options.reporter.reportMetrics(task, metrics, abort.signal);
      this.bytesDone += task.size;
    } catch (err) {
      if (err instanceof LeaseLostError || abort.signal.aborted) {
        this.log(`result of chunk ${task.chunk_id} of job ${task.job_id} dropped: ${(err as Error).message}`, chunkFields(task));
        return;
      }
      this.log(`could not report chunk ${task.chunk_id}: ${(err as Error).message}`, chunkFields(task), 'warn');
      // Refused for its size (or its shape), the result will never be accepted: say so, so the job does not wait on it.
      await this.report(() => this.options.reporter.reportFailure(task, (err as Error).message, abort.signal), task);
    }
  }

  private async report(send: () => Promise<void>, task: ChunkTask): Promise<void> {
    try {
      await send();
    } catch (err) {
      if (!(err instanceof LeaseLostError)) this.log(`could not report the failure of chunk ${task.chunk_id}: ${(err as Error).message}`, chunkFields(task), 'warn');
    }
  }

  /**
   * At the end of a shutdown's grace: stops every task still held, reporting nothing for them, and
   * returns their lease tokens. The coordinator gets them back when the worker deregisters.
   */
  handBack(): string[] {
    this.accepting = false;
    for (const { task, abort } of this.running.values()) {
      if (abort.signal.aborted) continue;
      this.log(`handing back chunk ${task.chunk_id} of job ${task.job_id} (attempt ${task.attempt}): the worker is shutting down`, chunkFields(task));
      abort.abort(new Error('the worker is shutting down'));
    }
    return this.heldLeases();
  }

  /** Refuses new chunks and waits (up to graceMs) for the running ones to be reported. */
  async drain(graceMs: number): Promise<void> {
    this.accepting = false;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.settled]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }
}

export { ResultTooLargeError };
