// Worker memory: the peak resident set (VmHWM, which includes the worker's analysis threads) of a
// single worker with one thread, after it has analyzed a file in chunks of a given size. Each file and
// chunk size gets a fresh cluster, because VmHWM only ever grows over a process's life. Every format
// is measured, not only applog: an access log's top tables (100,000+ paths, each with its latencies)
// are most of a worker's memory, and the applog file has none.
import { readFileSync } from 'node:fs';
import { LocalCluster } from '@loganalyzer/cli';
import { benchClusterOf, runTimedJob } from './cluster-throughput';
import type { BenchInput } from './inputs';
import { MB } from './measure';

export interface WorkerPeakRss {
  format: string;
  chunk_size: number;
  chunks: number;
  /** Peak RSS of the worker after start-up, before the job. */
  idle_peak_rss_mb: number;
  peak_rss_mb: number;
  seconds: number;
}

/** The peak resident set of a process, in bytes, from /proc/<pid>/status. */
export function peakRssBytes(pid: number): number {
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

export async function measureWorkerPeakRss(input: BenchInput, chunkSize: number): Promise<WorkerPeakRss> {
  const cluster = await LocalCluster.start({ workers: 1, concurrency: 1 });
  try {
    const [worker] = cluster.workers.values();
    const pid = worker.process.pid;
    if (pid === undefined) throw new Error('the worker process has no pid');
    const idle = peakRssBytes(pid);
    const bench = await benchClusterOf(cluster);
    const { job, seconds } = await runTimedJob(bench, input, chunkSize).finally(() => bench.events.close());
    return {
      format: input.format,
      chunk_size: chunkSize,
      chunks: job.progress.chunks_total,
      idle_peak_rss_mb: idle / MB,
      peak_rss_mb: peakRssBytes(pid) / MB,
      seconds,
    };
  } finally {
    await cluster.stop();
  }
}
