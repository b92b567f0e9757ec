// Accepts chunk tasks, runs them (in a thread pool in production) and reports each result.
import type { ChunkTask } from '@loganalyzer/contract';
import type { PartialMetrics } from '@loganalyzer/core';
import type { ChunkReporter } from './coordinator-link';
import { ResultTooLargeError } from './retry';

/** A chunk's partial metrics: as objects, or already as UTF-8 JSON in blocks (a pool thread's runAsJson). */
export type ChunkResult = PartialMetrics | Uint8Array[];
export type ChunkProcessor = (task: ChunkTask) => Promise<ChunkResult>;

export interface ChunkWorkerOptions {
  workerId: string;
  concurrency: number;
  process: ChunkProcessor;
  reporter: ChunkReporter;
  log?: (message: string) => void;
}

export class ChunkWorker {
  readonly workerId: string;
  readonly concurrency: number;
  private inFlight = 0;
  private accepting = true;
  private readonly settled = new Set<Promise<void>>();
  private readonly log: (message: string) => void;

  constructor(private readonly options: ChunkWorkerOptions) {
    this.workerId = options.workerId;
    this.concurrency = options.concurrency;
    this.log = options.log ?? (() => {});
  }

  get chunksInFlight(): number {
    return this.inFlight;
  }

  get isAccepting(): boolean {
    return this.accepting;
  }

  /** Starts a chunk and returns at once; its result is reported when ready. */
  accept(task: ChunkTask): void {
    this.inFlight++;
    const done = this.run(task).finally(() => {
      this.inFlight--;
      this.settled.delete(done);
    });
    this.settled.add(done);
  }

  private async run(task: ChunkTask): Promise<void> {
    let metrics: ChunkResult;
    try {
      metrics = await this.options.process(task);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log(`chunk ${task.chunk_id} of job ${task.job_id} failed: ${message}`);
      await this.options.reporter.reportFailure(task, message).catch((e) => this.log(`could not report the failure: ${(e as Error).message}`));
      return;
    }
    try {
      await this.options.reporter.reportMetrics(task, metrics);
    } catch (err) {
      this.log(`could not report chunk ${task.chunk_id}: ${(err as Error).message}`);
      // Refused for its size, the result will never be accepted: say so, so the job does not wait on it.
      if (err instanceof ResultTooLargeError) await this.options.reporter.reportFailure(task, err.message).catch((e) => this.log(`could not report the failure: ${(e as Error).message}`));
    }
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
