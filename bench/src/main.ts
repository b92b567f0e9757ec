#!/usr/bin/env node
// `pnpm bench [--size 256MiB | --quick]`: generates the inputs once, measures core and end-to-end
// throughput (core also on the same lines in time order and out of order), worker memory, the
// baselines and the coordinator's state store (durability cost, time per commit, resume), prints
// tables and writes bench/results/latest.json.
// Progress goes to stderr, the table (or --json) to stdout. A missed target is a figure, not a
// failure; a measurement that breaks is recorded, the others still run, and the exit code is 1.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { sharedConcurrency } from '@loganalyzer/cli';
import { MAX_DEFAULT_CHUNK_SIZE } from '@loganalyzer/core';
import { BaselineRun, measureAwkSeedMetrics, measureGoaccess, measureWcLines } from './baselines';
import { CLUSTER_WORKERS, ClusterThroughput, measureClusterThroughput } from './cluster-throughput';
import { measureCommitCost } from './commit-cost';
import { lineCountNotes } from './consistency';
import { CoreThroughput, measureCoreThroughput } from './core-throughput';
import { measureDurabilityCost } from './durability-cost';
import { ensureInput, INPUT_FORMATS } from './inputs';
import { ensureOrderPair, ORDER_PAIRS } from './order-inputs';
import { measureOrderThroughput, OrderThroughput } from './order-throughput';
import { log } from './log';
import { machineFacts } from './machine';
import { sizeLabel } from './measure';
import { BenchOptions, GiB, MiB, parseBenchOptions, USAGE } from './options';
import { BenchResult, Failure, renderReport } from './report';
import { measureResumeTime, RESUME_CHUNKS } from './resume-time';
import { measureWorkerPeakRss, WorkerPeakRss } from './rss';
import { measurePeerComparisons } from './peers/peer-comparisons';
import { checkTargets } from './targets';

const repoRoot = resolve(__dirname, '..', '..');
const cacheDir = join(repoRoot, '.bench-cache');
const resultPath = join(__dirname, '..', 'results', 'latest.json');

/** Runs one measurement; a failure is logged and recorded, and the bench goes on to the next. */
type Attempt = <T>(measurement: string, measure: () => Promise<T>) => Promise<T | null>;

function attempter(failures: Failure[]): Attempt {
  return async (measurement, measure) => {
    log(measurement);
    try {
      return await measure();
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      failures.push({ measurement, error });
      log(`${measurement} failed: ${error}`);
      return null;
    }
  };
}

const present = <T>(items: (T | null)[]): T[] => items.filter((item): item is T => item !== null);

async function run(options: BenchOptions): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const machine = machineFacts(repoRoot);
  const inputs = INPUT_FORMATS.map((format) => ensureInput(cacheDir, format, options.size, options.seed, log));
  const applog = inputs.find((input) => input.format === 'applog')!;
  const combined = inputs.find((input) => input.format === 'combined')!;
  const failures: Failure[] = [];
  const attempt = attempter(failures);

  const core: CoreThroughput[] = [];
  for (const input of inputs) core.push(...present([await attempt(`core, one thread: ${input.format}`, () => measureCoreThroughput(input, options.runs))]));
  // The default format: detection per line, application-log lines still on the wasm scanner.
  core.push(...present([await attempt('core, one thread: applog as auto', () => measureCoreThroughput(applog, options.runs, 'auto'))]));

  const order: OrderThroughput[] = [];
  for (const spec of ORDER_PAIRS) {
    const measure = (): Promise<OrderThroughput> => measureOrderThroughput(ensureOrderPair(cacheDir, spec, options.size, options.seed, log), options.runs);
    order.push(...present([await attempt(`core, one thread, in order vs ${spec.order}: ${spec.name}`, measure)]));
  }

  const cluster: ClusterThroughput[] = [];
  for (const input of inputs) {
    const measure = (): Promise<ClusterThroughput> => measureClusterThroughput(input, options.runs, options.workerConcurrency);
    cluster.push(...present([await attempt(`end to end, ${CLUSTER_WORKERS} workers: ${input.format}`, measure)]));
  }

  // 64 MiB, the default chunks' largest size, and one chunk of the whole (1 GiB) file; a size past
  // the input is the whole file, measured once.
  const rssChunkSizes = [...new Set([64 * MiB, MAX_DEFAULT_CHUNK_SIZE, GiB].map((size) => Math.min(size, options.size)))];
  const workerRss: WorkerPeakRss[] = [];
  for (const input of inputs) {
    for (const chunkSize of rssChunkSizes) {
      workerRss.push(...present([await attempt(`worker peak RSS: ${input.format}, ${sizeLabel(chunkSize)} chunks`, () => measureWorkerPeakRss(input, chunkSize))]));
    }
  }

  const wc: BaselineRun | null = await attempt('baseline: wc -l', () => measureWcLines(applog, options.runs));
  const awk = await attempt('baseline: awk seed metrics', () => measureAwkSeedMetrics(applog, options.runs));
  const goaccess = await attempt('baseline: goaccess', async () => (await measureGoaccess(combined, options.runs)) ?? ('not installed' as const));

  const durability = await attempt(`durability: ${CLUSTER_WORKERS} workers, SQLite state vs :memory:, applog`, () => measureDurabilityCost(applog, options.runs, options.workerConcurrency));
  const commit = await attempt('coordinator time per committed 64MiB applog chunk', () => measureCommitCost(applog));
  const resume = await attempt(`resume of a ${RESUME_CHUNKS}-chunk job on SQLite`, () => measureResumeTime(cacheDir, options.seed));
  const peers = options.peers ? await measurePeerComparisons({ cacheDir, options, inputs, cluster, attempt }) : null;

  return {
    started_at: startedAt,
    finished_at: new Date().toISOString(),
    machine,
    options: { size_bytes: options.size, runs: options.runs, seed: options.seed },
    units: { MB: '10^6 bytes' },
    inputs: inputs.map((input) => ({ format: input.format, path: relative(repoRoot, input.path), bytes: input.bytes, lines: input.lines, generated: input.generated })),
    core,
    order,
    cluster: { workers: CLUSTER_WORKERS, worker_concurrency: options.workerConcurrency ?? sharedConcurrency(CLUSTER_WORKERS), results: cluster },
    worker_rss: workerRss,
    baselines: { wc_l: wc, awk, goaccess },
    durability,
    commit_cost: commit,
    resume,
    peers,
    targets: checkTargets({ core, order, cluster, workerRss, rssFormats: inputs.map((input) => input.format), rssChunkSizes, wc, awk, durability, commit, resume, peers }),
    failures,
    notes: lineCountNotes(core, cluster, wc),
  };
}

async function main(): Promise<number> {
  const options = parseBenchOptions(process.argv.slice(2));
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  const result = await run(options);
  mkdirSync(join(resultPath, '..'), { recursive: true });
  writeFileSync(resultPath, JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(options.json ? JSON.stringify(result, null, 2) + '\n' : renderReport(result));
  log(`wrote ${relative(process.cwd(), resultPath)}`);
  return result.failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
