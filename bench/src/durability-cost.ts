// Durability cost end to end: the same job on two embedded clusters, one whose coordinator keeps its
// state in a SQLite file and one that keeps it in memory. Both run side by side and their jobs
// alternate in pairs (memory then SQLite, SQLite then memory, ...) after one warm-up job each, so that
// a busy moment on the machine falls on both alike; the target is judged on the median of the pairs'
// ratios, over at least MIN_DURABILITY_PAIRS pairs. One pair is not enough on a shared machine: the
// same job took 2.25 s on one cluster and 2.99 s on the other in one full run (0.75×), where five
// interleaved pairs had given 1.02×.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCluster } from '@loganalyzer/cli';
import { BenchCluster, benchClusterOf, CLUSTER_WORKERS, runTimedJob } from './cluster-throughput';
import type { BenchInput } from './inputs';
import { mbPerSecond, spread } from './measure';

export const STATE_KINDS = ['memory', 'sqlite'] as const;
export type StateKind = (typeof STATE_KINDS)[number];
/** Pairs of jobs run whatever --runs says (more when it says more). */
export const MIN_DURABILITY_PAIRS = 5;

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
  /** Per pair of jobs (one on each store, run back to back): memory's seconds ÷ SQLite's. */
  pair_ratios: number[];
  /** The median of pair_ratios: what the target is judged on. */
  sqlite_vs_memory_pairs: number;
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
    const pairs = Math.max(runs, MIN_DURABILITY_PAIRS);
    for (let pair = 0; pair < pairs; pair++) {
      // Which store goes first alternates, so neither always follows the other's job.
      const order = pair % 2 === 0 ? STATE_KINDS : [...STATE_KINDS].reverse();
      for (const kind of order) {
        const { job, seconds: took } = await runTimedJob(benches[STATE_KINDS.indexOf(kind)], input);
        seconds[kind].push(took);
        bytes = job.metrics.bytes;
        chunks = job.progress.chunks_total;
      }
    }
    const pairRatios = seconds.memory.map((memorySeconds, pair) => memorySeconds / seconds.sqlite[pair]);
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
      pair_ratios: pairRatios,
      sqlite_vs_memory_pairs: spread(pairRatios).median,
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
