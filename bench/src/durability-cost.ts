// Durability cost end to end: the same job on two embedded clusters, one whose coordinator keeps its
// state in a SQLite file and one that keeps it in memory. Both run side by side and their jobs
// alternate (memory, sqlite, memory, ...) after one warm-up job each, so that a busy moment on the
// machine falls on both alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCluster } from '@loganalyzer/cli';
import { BenchCluster, benchClusterOf, CLUSTER_WORKERS, runTimedJob } from './cluster-throughput';
import type { BenchInput } from './inputs';
import { mbPerSecond, spread } from './measure';

export const STATE_KINDS = ['memory', 'sqlite'] as const;
export type StateKind = (typeof STATE_KINDS)[number];

export interface StateRun {
  /** The coordinator's --state: ":memory:", or "<temp dir>/state.db". */
  state: string;
  /** The best run. */
  seconds: number;
  mb_per_s: number;
  median_seconds: number;
  run_seconds: number[];
}

export interface DurabilityCost {
  format: string;
  bytes: number;
  chunks: number;
  memory: StateRun;
  sqlite: StateRun;
  /** SQLite's MB/s ÷ memory's, best run each: 1 means durability costs nothing. */
  sqlite_vs_memory: number;
  /** The same from the median runs: when the two ratios disagree, the machine's noise exceeds the difference. */
  sqlite_vs_memory_median: number;
}

export async function measureDurabilityCost(input: BenchInput, runs: number, workerConcurrency?: number): Promise<DurabilityCost> {
  const dir = mkdtempSync(join(tmpdir(), 'loganalyzer-bench-state-'));
  const states: Record<StateKind, string> = { memory: ':memory:', sqlite: join(dir, 'state.db') };
  const clusters: LocalCluster[] = [];
  const benches: BenchCluster[] = [];
  try {
    for (const kind of STATE_KINDS) clusters.push(await LocalCluster.start({ workers: CLUSTER_WORKERS, concurrency: workerConcurrency, state: states[kind] }));
    for (const cluster of clusters) benches.push(await benchClusterOf(cluster));
    // A fresh cluster's first job runs several times slower (its workers' threads are not compiled
    // yet): one untimed job on each keeps that out of a comparison that looks for a few percent.
    for (const bench of benches) await runTimedJob(bench, input);
    const seconds: Record<StateKind, number[]> = { memory: [], sqlite: [] };
    let bytes = 0;
    let chunks = 0;
    for (let run = 0; run < runs; run++) {
      for (const [i, kind] of STATE_KINDS.entries()) {
        const { job, seconds: took } = await runTimedJob(benches[i], input);
        seconds[kind].push(took);
        bytes = job.metrics.bytes;
        chunks = job.progress.chunks_total;
      }
    }
    const summary = (kind: StateKind): StateRun => {
      const { min, median } = spread(seconds[kind]);
      return { state: states[kind], seconds: min, mb_per_s: mbPerSecond(bytes, min), median_seconds: median, run_seconds: seconds[kind] };
    };
    const memory = summary('memory');
    const sqlite = summary('sqlite');
    return {
      format: input.format,
      bytes,
      chunks,
      memory,
      sqlite,
      sqlite_vs_memory: sqlite.mb_per_s / memory.mb_per_s,
      sqlite_vs_memory_median: memory.median_seconds / sqlite.median_seconds,
    };
  } finally {
    for (const bench of benches) bench.events.close();
    // Every cluster is stopped and the state removed even if one stop fails; then the failure is told.
    const stopped = await Promise.allSettled(clusters.map((cluster) => cluster.stop()));
    rmSync(dir, { recursive: true, force: true });
    const failed = stopped.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
