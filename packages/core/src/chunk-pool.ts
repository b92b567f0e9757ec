// A pool of worker threads that analyze byte ranges, so a process can use every core while its
// event loop stays free for HTTP and heartbeats.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import type { AnalyzeOptions } from './analyze';
import type { ReadableCompression } from './compression';
import { AnalyzerError, AnalyzerErrorCode } from './errors';
import type { PartialMetrics } from './partial-metrics';

export interface ChunkJob {
  filepath: string;
  start: number;
  size: number;
  /** The analysis options; options.snapshot holds the chunk to the file as the job planned it. */
  options?: AnalyzeOptions;
  /**
   * The file is compressed: it is decompressed as a stream, and the job must then be the whole file
   * (start 0, size the planned size), since a compressed stream cannot be entered in the middle.
   */
  compression?: ReadableCompression;
}

export interface ChunkRunOptions {
  /**
   * Aborting rejects the run with AnalyzerError('aborted') at once. A queued chunk is dropped; a
   * running one's thread is terminated and replaced. A thread blocked in a system call (opening a
   * FIFO nobody writes to) ends only when the call returns, but its slot is refilled meanwhile.
   */
  signal?: AbortSignal;
}

/** What a thread is asked: a job, and whether to answer with the partial's JSON bytes. */
export interface ThreadRequest extends ChunkJob {
  asJson: boolean;
}

/** What a thread sends back: metrics (as objects, or as UTF-8 JSON), or an AnalyzerError as data. */
export type ChunkOutcome = { metrics: PartialMetrics } | Uint8Array[] | { error: { code: AnalyzerErrorCode; message: string } };

export interface ChunkPool {
  readonly concurrency: number;
  /** Chunks queued or running. */
  readonly pending: number;
  /** How busy the threads have been since the pool started, 0–1 (piscina's utilization). */
  readonly utilization: number;
  run(job: ChunkJob, options?: ChunkRunOptions): Promise<PartialMetrics>;
  /**
   * The same, answered with the partial's UTF-8 JSON in blocks (concatenated, they are
   * JSON.stringify's text), moved (not copied) out of the thread.
   * For callers that only forward the result (a worker posting it to its coordinator): the partial's
   * objects then never exist in this thread's heap, which is most of a worker's memory otherwise.
   */
  runAsJson(job: ChunkJob, options?: ChunkRunOptions): Promise<Uint8Array[]>;
  close(): Promise<void>;
}

/** An abort reason as text: an Error's (or DOMException's, which need not be an Error here) message. */
function reasonText(reason: unknown): string {
  const message = (reason as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(reason);
}

export function defaultConcurrency(): number {
  return availableParallelism();
}

export function createChunkPool(options: { concurrency?: number } = {}): ChunkPool {
  const concurrency = options.concurrency ?? defaultConcurrency();
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new AnalyzerError('invalid_argument', `concurrency must be a positive integer, got ${concurrency}`);
  }
  // The thread entry is the compiled chunk-thread.js next to this file.
  const piscina = new Piscina<ThreadRequest, ChunkOutcome>({
    filename: join(__dirname, 'chunk-thread.js'),
    minThreads: concurrency,
    maxThreads: concurrency,
    idleTimeout: 60_000,
    // V8 sizes a young generation up to 48 MiB by default; analysis garbage dies young either way.
    // Measured on a pool of one thread over 1 GiB of applog in 64 MiB chunks (peak RSS of the whole
    // process): 16 MiB → 130–153 MB, 8 MiB → 118–135 MB, 4 MiB → 110–121 MB, with no time difference
    // for applog; 4 MiB cost combined logs ~12% of their time, 8 MiB nothing measurable.
    resourceLimits: { maxYoungGenerationSizeMb: 8 },
  });
  let pending = 0;
  let closed: Promise<void> | null = null;
  const runInThread = async (request: ThreadRequest, { signal }: ChunkRunOptions = {}): Promise<Exclude<ChunkOutcome, { error: unknown }>> => {
    pending++;
    try {
      let outcome: ChunkOutcome;
      try {
        outcome = await piscina.run(request, { signal: signal ?? null });
      } catch (err) {
        // Piscina rejects an aborted run with its own AbortError; the reason is the caller's.
        if (signal?.aborted) throw new AnalyzerError('aborted', `chunk aborted: ${reasonText(signal.reason)}`, { cause: err });
        throw err;
      }
      if ('error' in outcome) throw new AnalyzerError(outcome.error.code, outcome.error.message);
      return outcome;
    } finally {
      pending--;
    }
  };
  return {
    concurrency,
    get pending() {
      return pending;
    },
    get utilization() {
      return piscina.utilization;
    },
    async run(job, options) {
      const outcome = await runInThread({ ...job, asJson: false }, options);
      if (Array.isArray(outcome)) throw new Error('a pool thread answered with JSON bytes to a request for objects');
      return outcome.metrics;
    },
    async runAsJson(job, options) {
      const outcome = await runInThread({ ...job, asJson: true }, options);
      if (!Array.isArray(outcome)) throw new Error('a pool thread answered with objects to a request for JSON bytes');
      return outcome;
    },
    close() {
      closed ??= piscina.destroy();
      return closed;
    },
  };
}
