// The result of a bench run: its JSON shape and the tables printed for people.
import type { BaselineRun } from './baselines';
import type { ClusterThroughput } from './cluster-throughput';
import type { CommitCost } from './commit-cost';
import type { CoreThroughput } from './core-throughput';
import type { DurabilityCost } from './durability-cost';
import type { MachineFacts } from './machine';
import type { OrderThroughput } from './order-throughput';
import { MB, sizeLabel } from './measure';
import type { PeerComparison } from './peers/peers';
import type { ResumeTime } from './resume-time';
import type { WorkerPeakRss } from './rss';
import { count, fixed, renderTable, times } from './table';
import { orderTargetKey, peerTargetKey, rssTargetKey } from './targets';
import type { TargetCheck } from './targets';

/** A measurement that broke; its figures are missing from the result. */
export interface Failure {
  measurement: string;
  error: string;
}

export interface BenchResult {
  started_at: string;
  finished_at: string;
  machine: MachineFacts;
  options: { size_bytes: number; runs: number; seed: number };
  units: { MB: string };
  inputs: { format: string; path: string; bytes: number; lines: number; generated: boolean }[];
  core: CoreThroughput[];
  /** Core throughput of the same lines in time order and out of order, runs interleaved. */
  order: OrderThroughput[];
  cluster: { workers: number; worker_concurrency: number; results: ClusterThroughput[] };
  worker_rss: WorkerPeakRss[];
  /** null: the measurement failed (see failures). */
  baselines: { wc_l: BaselineRun | null; awk: BaselineRun | null; goaccess: BaselineRun | 'not installed' | null };
  /** End to end with the coordinator's state in SQLite and in memory, interleaved; null: failed. */
  durability: DurabilityCost | null;
  /** The coordinator's time to commit one 64 MiB chunk's partial; null: failed. */
  commit_cost: CommitCost | null;
  /** Restarting a coordinator on a 50,000-chunk job's state file; null: failed. */
  resume: ResumeTime | null;
  /** `--peers`: DuckDB, chDB, mawk on every core and wc -l on the same files; null: not asked for, or failed. */
  peers: PeerComparison[] | null;
  targets: TargetCheck[];
  failures: Failure[];
  /** Cross-checks between measurements, e.g. line counts that should agree. */
  notes: string[];
}

/** The target and met/missed cells of a row, or blanks when the row has no target. */
function targetCells(result: BenchResult, key: string): [string, string] {
  const check = result.targets.find((c) => c.key === key);
  return check ? [check.target, check.met ? 'met' : 'missed'] : ['', ''];
}

function header(result: BenchResult): string {
  const { machine, options } = result;
  const lines = [
    `loganalyzer bench · commit ${machine.commit ?? 'unknown'} · ${result.started_at}`,
    `${machine.cpu_model} · ${machine.cores} cores · ${machine.memory_gib} GiB · Linux ${machine.kernel} · Node ${machine.node} · load ${machine.load_average.join(' ')} at start`,
    `inputs ${sizeLabel(options.size_bytes)} per format, seed ${options.seed} · best of ${options.runs} runs · MB = 10^6 bytes`,
  ];
  if (options.size_bytes < 2 ** 30) lines.push(`(the targets are stated for 1GiB inputs; this run used ${sizeLabel(options.size_bytes)})`);
  return lines.join('\n');
}

function coreTable(result: BenchResult): string {
  return renderTable({
    title: 'core, one thread: analyzeFilePartial in a fresh process, file in page cache',
    headers: ['format', 'MB', 'lines', 'seconds', 'MB/s', 'lines/s', 'target', 'result'],
    align: ['left', 'right', 'right', 'right', 'right', 'right', 'left', 'left'],
    rows: result.core.map((run) => [run.format, fixed(run.bytes / 1e6), count(run.lines), fixed(run.seconds, 3), fixed(run.mb_per_s), count(run.lines_per_s), ...targetCells(result, `core.${run.format}`)]),
  });
}

function orderTable(result: BenchResult): string {
  const runs = result.order[0]?.runs ?? 0;
  return renderTable({
    title: `core, one thread, the same lines in time order and out of order: runs interleaved (${runs} each), medians; ratio = median of run pairs' out ÷ in`,
    headers: ['content', 'out of order', 'MB', 'in order MB/s', 'out of order MB/s', 'ratio', 'CPU-time ratio', 'target', 'result'],
    align: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'left', 'left'],
    rows: result.order.map((run) => [
      run.name,
      run.order,
      fixed(run.bytes / 1e6),
      fixed(run.in_order.median_mb_per_s),
      fixed(run.out_of_order.median_mb_per_s),
      times(run.ratio),
      times(run.cpu_ratio),
      ...targetCells(result, orderTargetKey(run.name)),
    ]),
  });
}

function clusterTable(result: BenchResult): string {
  const { workers, worker_concurrency } = result.cluster;
  return renderTable({
    title: `end to end: coordinator + ${workers} workers (threads each: ${worker_concurrency}), POST /jobs → completed`,
    headers: ['format', 'chunks', 'seconds', 'MB/s', 'lines/s', 'target', 'result'],
    align: ['left', 'right', 'right', 'right', 'right', 'left', 'left'],
    rows: result.cluster.results.map((run) => [run.format, String(run.chunks), fixed(run.seconds, 3), fixed(run.mb_per_s), count(run.lines_per_s), ...targetCells(result, `cluster.${run.format}`)]),
  });
}

function rssTable(result: BenchResult): string {
  return renderTable({
    title: 'worker peak RSS (VmHWM): 1 worker, 1 thread, each file',
    headers: ['format', 'chunk size', 'chunks', 'seconds', 'idle MB', 'peak MB', 'target', 'result'],
    align: ['left', 'left', 'right', 'right', 'right', 'right', 'left', 'left'],
    rows: result.worker_rss.map((run) => [
      run.format,
      sizeLabel(run.chunk_size),
      String(run.chunks),
      fixed(run.seconds, 3),
      fixed(run.idle_peak_rss_mb),
      fixed(run.peak_rss_mb),
      ...targetCells(result, rssTargetKey(run.format, run.chunk_size)),
    ]),
  });
}

function baselineTable(result: BenchResult): string {
  const row = (run: BaselineRun, key: string): string[] => {
    const core = result.core.find((r) => r.format === run.format);
    const cluster = result.cluster.results.find((r) => r.format === run.format);
    return [
      run.tool,
      run.format,
      fixed(run.seconds, 3),
      fixed(run.mb_per_s),
      core ? times(core.mb_per_s / run.mb_per_s) : '',
      cluster ? times(cluster.mb_per_s / run.mb_per_s) : '',
      ...targetCells(result, key),
    ];
  };
  const { wc_l, awk, goaccess } = result.baselines;
  const rows: string[][] = [];
  if (wc_l) rows.push(row(wc_l, 'cluster.applog_vs_wc'));
  if (awk) rows.push(row(awk, 'cluster.applog_vs_awk'));
  if (goaccess && goaccess !== 'not installed') rows.push(row(goaccess, ''));
  const lines = [
    renderTable({
      title: 'baselines on the same files (ours/theirs: core one thread, and end to end)',
      headers: ['tool', 'file', 'seconds', 'MB/s', 'core/theirs', 'e2e/theirs', 'target (e2e/theirs)', 'result'],
      align: ['left', 'left', 'right', 'right', 'right', 'right', 'left', 'left'],
      rows,
    }),
  ];
  if (awk) lines.push(`${awk.tool} computed: ${awk.output}`);
  if (goaccess === 'not installed') lines.push('goaccess: not installed');
  return lines.join('\n');
}

function durabilityTable(run: DurabilityCost, result: BenchResult): string {
  const runs = (seconds: number[]): string => seconds.map((s) => fixed(s, 3)).join(' ');
  return renderTable({
    title: `durability: end to end ${run.format}, coordinator + ${result.cluster.workers} workers, state in a SQLite file vs :memory: (a warm-up job each, then ${run.pair_ratios.length} pairs of jobs interleaved; the target on the median of the pairs' ratios)`,
    headers: ['state', 'chunks', 'best s', 'MB/s', '÷ memory', 'median s', 'median ÷ memory', 'pairs: median ratio', 'runs (s)', 'target', 'result'],
    align: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left', 'left', 'left'],
    rows: [
      [':memory:', String(run.chunks), fixed(run.memory.seconds, 3), fixed(run.memory.mb_per_s), '', fixed(run.memory.median_seconds, 3), '', '', runs(run.memory.run_seconds), '', ''],
      [
        'SQLite',
        String(run.chunks),
        fixed(run.sqlite.seconds, 3),
        fixed(run.sqlite.mb_per_s),
        times(run.sqlite_vs_memory),
        fixed(run.sqlite.median_seconds, 3),
        times(run.sqlite_vs_memory_median),
        `${times(run.sqlite_vs_memory_pairs)} (${times(Math.min(...run.pair_ratios))}–${times(Math.max(...run.pair_ratios))})`,
        runs(run.sqlite.run_seconds),
        ...targetCells(result, 'durability.sqlite_vs_memory'),
      ],
    ],
  });
}

function commitTable(cost: CommitCost, result: BenchResult): string {
  const commits = cost.results[0]?.run_ms.length ?? 0;
  return renderTable({
    title:
      `coordinator time per committed chunk: the partial of the first ${fixed(cost.chunk_bytes / MB)} MB of the ${cost.format} file ` +
      `(${count(cost.lines)} lines; ${fixed(cost.partial_bytes / MB, 2)} MB of JSON), ${commits} commits each after a warm-up`,
    headers: ['path', 'store', 'min ms', 'median ms', 'max ms', 'target', 'result'],
    align: ['left', 'left', 'right', 'right', 'right', 'left', 'left'],
    rows: cost.results.map((r) => {
      const path = r.path === 'in_process' ? 'reportMetrics (check + store + merge)' : 'POST /metrics, loopback (+ parse + validate)';
      const key = r.store === 'sqlite' ? `commit.${r.path}_sqlite` : '';
      return [path, r.store, fixed(r.min, 2), fixed(r.median, 2), fixed(r.max, 2), ...targetCells(result, key)];
    }),
  });
}

function resumeTable(resume: ResumeTime, result: BenchResult): string {
  return renderTable({
    title:
      `resume: a ${count(resume.chunks)}-chunk job on SQLite (${fixed(resume.input_bytes / MB, 2)} MB applog, ${resume.chunk_size}-byte chunks), ` +
      `first coordinator stopped without close(); new SqliteStore + Coordinator.start() + getJob`,
    headers: ['committed', 'checkpointed', 'replayed', 'leases', 'state MB', 'open s', 'start s', 'getJob s', 'total s', 'target', 'result'],
    align: ['right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left', 'left'],
    rows: [
      [
        String(resume.chunks_committed),
        String(resume.chunks_checkpointed),
        String(resume.partials_replayed),
        String(resume.leases_at_crash),
        fixed(resume.state_file_bytes / MB),
        fixed(resume.open_seconds, 3),
        fixed(resume.start_seconds, 3),
        fixed(resume.first_get_job_seconds, 3),
        fixed(resume.seconds, 3),
        ...targetCells(result, 'resume.seconds'),
      ],
    ],
  });
}

function peersTable(peers: PeerComparison[], result: BenchResult): string {
  const tools = [...new Set(peers.flatMap((row) => row.peers.map((p) => p.tool)))];
  const lines = [
    renderTable({
      title: 'peers on the same files, page cache warm: MB/s (ours ÷ theirs); ours = end to end, 2 workers; peers timed around their query, engine loaded',
      headers: ['file', 'MB', 'ours', ...tools, 'ours ÷ fastest peer', 'target', 'result'],
      align: ['left', 'right', 'right', ...tools.map((): 'right' => 'right'), 'right', 'left', 'left'],
      rows: peers.map((row) => {
        const cells = tools.map((tool) => {
          const run = row.peers.find((p) => p.tool === tool);
          if (!run) return 'n/a';
          return row.ours_mb_per_s === null ? fixed(run.mb_per_s) : `${fixed(run.mb_per_s)} (${times(row.ours_mb_per_s / run.mb_per_s)})`;
        });
        const ours = row.ours_mb_per_s === null ? 'failed' : fixed(row.ours_mb_per_s);
        const vsFastest = row.ours_vs_fastest === null ? '' : times(row.ours_vs_fastest);
        return [row.input, fixed(row.bytes / MB), ours, ...cells, vsFastest, ...targetCells(result, peerTargetKey(row.input))];
      }),
    }),
  ];
  for (const row of peers) {
    for (const run of row.peers) if (run.tool !== 'wc -l') lines.push(`${row.input}, ${run.tool} computed: ${JSON.stringify(run.row)}`);
  }
  return lines.join('\n');
}

function summary(result: BenchResult): string {
  const met = result.targets.filter((check) => check.met).length;
  const unmeasured = result.targets.filter((check) => check.figure === null).length;
  const missed = result.targets.length - met - unmeasured;
  return `targets: ${met} met, ${missed} missed${unmeasured > 0 ? `, ${unmeasured} not measured` : ''}`;
}

export function renderReport(result: BenchResult): string {
  const sections = [header(result), coreTable(result), orderTable(result), clusterTable(result), rssTable(result), baselineTable(result)];
  if (result.durability) sections.push(durabilityTable(result.durability, result));
  if (result.commit_cost) sections.push(commitTable(result.commit_cost, result));
  if (result.resume) sections.push(resumeTable(result.resume, result));
  if (result.peers && result.peers.length > 0) sections.push(peersTable(result.peers, result));
  sections.push(summary(result));
  if (result.failures.length > 0) sections.push(['failed measurements:', ...result.failures.map((f) => `  - ${f.measurement}: ${f.error}`)].join('\n'));
  if (result.notes.length > 0) sections.push(['notes:', ...result.notes.map((note) => `  - ${note}`)].join('\n'));
  return sections.join('\n\n') + '\n';
}
