// The targets and whether this run met them. Figures only: a missed target is reported,
// never turned into a failing exit code. A target whose measurement failed has no figure and is missed.
import type { BaselineRun } from './baselines';
import type { ClusterThroughput } from './cluster-throughput';
import type { CommitCost } from './commit-cost';
import type { CoreThroughput } from './core-throughput';
import type { DurabilityCost } from './durability-cost';
import type { OrderThroughput } from './order-throughput';
import { sizeLabel } from './measure';
import type { PeerComparison } from './peers/peers';
import type { ResumeTime } from './resume-time';
import type { WorkerPeakRss } from './rss';

export const TARGETS = {
  // Issue 13: "applog ≥ 700 MB/s, combined with full analytics ≥ 300 MB/s, JSON lines ≥ 300 MB/s".
  coreMbPerS: { applog: 700, combined: 300, json: 300 } as Record<string, number>,
  /** The same lines out of order within 15% of in order: out ÷ in at least this. */
  outOfOrderVsInOrder: 0.85,
  clusterApplogMbPerS: 1000,
  clusterApplogTimesAwk: 7,
  /** End to end within 3× of `wc -l`: at least a third of its speed. */
  clusterApplogWithinWcFactor: 3,
  workerPeakRssMb: 150,
  /** End to end with a SQLite state file within 5% of `--state :memory:`. */
  sqliteWithinMemoryFraction: 0.05,
  /** The coordinator's time to commit one 64 MiB applog chunk's partial (median). */
  commitMsPer64MiB: 2,
  /** Resuming a 50,000-chunk job "must not take minutes". */
  resumeSeconds: 60,
  /** End to end, 2 workers, at least this many times the fastest peer on each file. */
  timesFastestPeer: 2,
};

export interface TargetCheck {
  /** Stable key, e.g. `core.applog`, for tools that compare runs. */
  key: string;
  description: string;
  /** null when the measurement failed. */
  figure: number | null;
  target: string;
  met: boolean;
}

export interface Figures {
  core: CoreThroughput[];
  order: OrderThroughput[];
  cluster: ClusterThroughput[];
  workerRss: WorkerPeakRss[];
  /** The formats and chunk sizes the RSS measurement tried, whether or not it succeeded. */
  rssFormats: string[];
  rssChunkSizes: number[];
  wc: BaselineRun | null;
  awk: BaselineRun | null;
  durability: DurabilityCost | null;
  commit: CommitCost | null;
  resume: ResumeTime | null;
  peers: PeerComparison[] | null;
}

function check(key: string, description: string, figure: number | null, target: string, passes: (figure: number) => boolean): TargetCheck {
  return { key, description, figure, target, met: figure !== null && passes(figure) };
}

const keyPart = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
/** `order.applog_busy_2_000_lines_s` for "applog, busy (~2,000 lines/s)". */
export const orderTargetKey = (name: string): string => `order.${keyPart(name)}`;
/** `worker_rss.combined_64MiB` for the combined file in 64 MiB chunks. */
export const rssTargetKey = (format: string, chunkSize: number): string => `worker_rss.${keyPart(format)}_${sizeLabel(chunkSize)}`;
/** `peers.combined` for the combined file's row. */
export const peerTargetKey = (name: string): string => `peers.${keyPart(name)}`;

const ratio = (ours: number | undefined, theirs: number | undefined): number | null => (ours !== undefined && theirs ? ours / theirs : null);

export function checkTargets(figures: Figures): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const [format, min] of Object.entries(TARGETS.coreMbPerS)) {
    const run = figures.core.find((r) => r.format === format);
    checks.push(check(`core.${format}`, `core one thread, ${format}, MB/s`, run?.mb_per_s ?? null, `≥ ${min} MB/s`, (f) => f >= min));
  }
  const minOrderRatio = TARGETS.outOfOrderVsInOrder;
  for (const run of figures.order) {
    checks.push(check(orderTargetKey(run.name), `core one thread, ${run.name}, ${run.order} ÷ in order, MB/s`, run.ratio, `≥ ${minOrderRatio}×`, (f) => f >= minOrderRatio));
  }
  const applog = figures.cluster.find((run) => run.format === 'applog')?.mb_per_s;
  const { clusterApplogMbPerS, clusterApplogTimesAwk, clusterApplogWithinWcFactor } = TARGETS;
  checks.push(check('cluster.applog', 'end to end, 2 workers, applog, MB/s', applog ?? null, `≥ ${clusterApplogMbPerS} MB/s`, (f) => f >= clusterApplogMbPerS));
  const awkName = figures.awk?.tool ?? 'awk';
  checks.push(check('cluster.applog_vs_awk', `end to end applog ÷ ${awkName}`, ratio(applog, figures.awk?.mb_per_s), `≥ ${clusterApplogTimesAwk}×`, (f) => f >= clusterApplogTimesAwk));
  checks.push(check('cluster.applog_vs_wc', 'end to end applog ÷ wc -l', ratio(applog, figures.wc?.mb_per_s), `≥ 1/${clusterApplogWithinWcFactor}×`, (f) => f >= 1 / clusterApplogWithinWcFactor));
  for (const format of figures.rssFormats) {
    for (const chunkSize of figures.rssChunkSizes) {
      const size = sizeLabel(chunkSize);
      const run = figures.workerRss.find((r) => r.format === format && r.chunk_size === chunkSize);
      const description = `worker peak RSS, ${format}, ${size} chunks, MB`;
      checks.push(check(rssTargetKey(format, chunkSize), description, run?.peak_rss_mb ?? null, `≤ ${TARGETS.workerPeakRssMb} MB`, (f) => f <= TARGETS.workerPeakRssMb));
    }
  }
  const { sqliteWithinMemoryFraction, commitMsPer64MiB, resumeSeconds } = TARGETS;
  const minRatio = 1 - sqliteWithinMemoryFraction;
  checks.push(
    check('durability.sqlite_vs_memory', 'end to end applog, SQLite state ÷ :memory:, median of interleaved pairs', figures.durability?.sqlite_vs_memory_pairs ?? null, `≥ ${minRatio}× (within ${sqliteWithinMemoryFraction * 100}%)`, (f) => f >= minRatio),
  );
  for (const path of ['in_process', 'http'] as const) {
    const sqlite = figures.commit?.results.find((r) => r.path === path && r.store === 'sqlite');
    const how = path === 'in_process' ? 'reportMetrics in process' : 'POST /metrics on loopback';
    checks.push(check(`commit.${path}_sqlite`, `commit of a 64MiB applog chunk's partial, ${how}, SQLite, median ms`, sqlite?.median ?? null, `≤ ${commitMsPer64MiB} ms`, (f) => f <= commitMsPer64MiB));
  }
  for (const row of figures.peers ?? []) {
    const min = TARGETS.timesFastestPeer;
    checks.push(check(peerTargetKey(row.input), `end to end, 2 workers, ${row.input} ÷ the fastest peer`, row.ours_vs_fastest, `≥ ${min}×`, (f) => f >= min));
  }
  checks.push(check('resume.seconds', `resume of a ${figures.resume?.chunks ?? 50_000}-chunk job on SQLite, seconds`, figures.resume?.seconds ?? null, `< ${resumeSeconds} s`, (f) => f < resumeSeconds));
  return checks;
}
