// The worker's Prometheus metrics: chunks it ran (counted by wrapping its chunk processor), chunks in
// flight and thread utilisation (read at each scrape), beside the process's default metrics.
import { createMetricsRegistry } from '@loganalyzer/server-kit';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ChunkProcessor, ChunkResult } from '../chunk-worker';

export interface WorkerMetricSources {
  /** Tasks held (running, or whose report is not yet through): ChunkWorker.chunksInFlight. */
  chunksInFlight: () => number;
  /** The thread pool's utilization, 0–1; absent when chunks do not run in a pool. */
  threadUtilization?: () => number;
}

/**
 * The line count of a partial without parsing it: the thread writes its JSON in the field order of
 * emptyMetrics, `{"version":N,"lines":N,…`, and the partial can be tens of megabytes the worker only
 * forwards. undefined if the head does not have that shape (a test pins it).
 */
export function linesOfPartial(result: ChunkResult): number | undefined {
  if (!Array.isArray(result)) return result.lines;
  const head = result[0] === undefined ? '' : Buffer.from(result[0].buffer, result[0].byteOffset, Math.min(result[0].byteLength, 64)).toString('latin1');
  const match = /^\{"version":\d+,"lines":(\d+),/.exec(head);
  return match ? Number(match[1]) : undefined;
}

export class WorkerMetrics {
  private readonly processed: Counter;
  private readonly failed: Counter;
  private readonly aborted: Counter;
  private readonly bytes: Counter;
  private readonly lines: Counter;
  private readonly seconds: Histogram;

  constructor(
    sources: WorkerMetricSources,
    readonly registry: Registry = createMetricsRegistry(),
  ) {
    const registers = [registry];
    const counter = (name: string, help: string) => new Counter({ name: `loganalyzer_worker_${name}`, help, registers });
    this.processed = counter('chunks_processed_total', 'Chunk attempts analyzed to a partial (reported or not)');
    this.failed = counter('chunks_failed_total', 'Chunk attempts whose analysis failed (the input unreadable or changed, …)');
    this.aborted = counter('chunks_aborted_total', 'Chunk attempts stopped because their lease was no longer live or the worker shut down');
    this.bytes = counter('processed_bytes_total', 'Bytes of the chunks analyzed');
    this.lines = counter('processed_lines_total', 'Lines of the chunks analyzed');
    this.seconds = new Histogram({
      name: 'loganalyzer_worker_chunk_seconds',
      help: 'Time to analyze one chunk, queueing for a thread included',
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
      registers,
    });
    new Gauge({
      name: 'loganalyzer_worker_chunks_in_flight',
      help: 'Chunk attempts held: running, or whose result is not yet reported',
      registers,
      collect() {
        this.set(sources.chunksInFlight());
      },
    });
    const utilization = sources.threadUtilization;
    if (utilization) {
      new Gauge({
        name: 'loganalyzer_worker_thread_utilization',
        help: 'Share of the thread pool busy since it started, 0-1',
        registers,
        collect() {
          this.set(utilization());
        },
      });
    }
  }

  /** The processor, with each chunk it runs counted. */
  counting(process: ChunkProcessor): ChunkProcessor {
    return async (task, signal) => {
      const stop = this.seconds.startTimer();
      try {
        const result = await process(task, signal);
        stop();
        this.processed.inc();
        this.bytes.inc(task.size);
        const lines = linesOfPartial(result);
        if (lines !== undefined) this.lines.inc(lines);
        return result;
      } catch (err) {
        (signal.aborted ? this.aborted : this.failed).inc();
        throw err;
      }
    };
  }
}
