// End-to-end throughput: a job on a fresh embedded cluster, timed from POST /jobs until the
// coordinator's event stream says it completed, so it includes planning, dispatch, analysis and merging.
import { LocalCluster } from '@loganalyzer/cli';
import { createCoordinatorClient } from '@loganalyzer/contract';
import type { CoordinatorClient, Job } from '@loganalyzer/contract';
import type { BenchInput } from './inputs';
import { warmPageCache } from './inputs';
import { openJobEvents } from './job-events';
import type { JobEvents } from './job-events';
import { log } from './log';
import { bestOf, mbPerSecond, perSecond, secondsSince } from './measure';

export interface ClusterThroughput {
  format: string;
  bytes: number;
  lines: number;
  chunks: number;
  seconds: number;
  mb_per_s: number;
  lines_per_s: number;
  run_seconds: number[];
}

export const CLUSTER_WORKERS = 2;

/** A coordinator busy merging a large chunk can leave a request unanswered for many seconds. */
const REQUEST_TIMEOUT_MS = 10 * 60_000;
/**
 * After such a stall the coordinator may close a kept-alive connection just as a request arrives on
 * it (ECONNRESET). The job is unaffected, so the request is repeated, a few times at most.
 */
const MAX_RETRIES = 5;
const TRANSIENT_CODES = new Set(['ECONNRESET', 'EPIPE']);

const isTransient = (err: unknown): boolean => TRANSIENT_CODES.has((err as { code?: unknown })?.code as string);

async function withRetries<T>(what: string, request: () => Promise<T>): Promise<T> {
  for (let retries = 0; ; retries++) {
    try {
      return await request();
    } catch (err) {
      if (!isTransient(err) || retries >= MAX_RETRIES) throw err;
      log(`${what}: ${(err as Error).message}; trying again`);
    }
  }
}

/** What a measurement drives a cluster through: its client, and its event stream to learn when a job ends. */
export interface BenchCluster {
  client: CoordinatorClient;
  events: JobEvents;
}

/** A client of the cluster and its open event stream (close `events` before stopping the cluster). */
export async function benchClusterOf(cluster: LocalCluster): Promise<BenchCluster> {
  return {
    client: createCoordinatorClient(cluster.coordinatorUrl, { timeoutMs: REQUEST_TIMEOUT_MS, token: cluster.token }),
    events: await openJobEvents(cluster.coordinatorUrl, cluster.token),
  };
}

/** Timed from POST /jobs until the event stream says the job ended; the job is fetched after, untimed. */
export async function runTimedJob({ client, events }: BenchCluster, input: BenchInput, chunkSize?: number): Promise<{ job: Job; seconds: number }> {
  const start = process.hrtime.bigint();
  const created = await client.createJob({ body: { filepath: input.path, format: input.format, ...(chunkSize ? { chunk_size: chunkSize } : {}) } });
  if (created.status !== 201) throw new Error(`the coordinator refused the job on ${input.path}: ${created.body.message}`);
  const jobId = created.body.job_id;
  await events.ended(jobId);
  const seconds = secondsSince(start);
  const fetched = await withRetries(`fetching job ${jobId}`, () => client.getJob({ params: { job_id: jobId } }));
  if (fetched.status !== 200) throw new Error(`cannot fetch job ${jobId}: ${fetched.body.message}`);
  const job = fetched.body;
  if (job.status !== 'completed') throw new Error(`job ${jobId} on ${input.path} ${job.status}: ${job.error ?? 'no error given'}`);
  return { job, seconds };
}

/** Best of `runs` jobs on one fresh cluster, so that no other input's jobs share its coordinator. */
export async function measureClusterThroughput(input: BenchInput, runs: number, workerConcurrency?: number): Promise<ClusterThroughput> {
  const cluster = await LocalCluster.start({ workers: CLUSTER_WORKERS, concurrency: workerConcurrency });
  try {
    const bench = await benchClusterOf(cluster);
    warmPageCache(input.path);
    const { best, runSeconds } = await bestOf(runs, () => runTimedJob(bench, input)).finally(() => bench.events.close());
    const { metrics, progress } = best.job;
    return {
      format: input.format,
      bytes: metrics.bytes,
      lines: metrics.lines,
      chunks: progress.chunks_total,
      seconds: best.seconds,
      mb_per_s: mbPerSecond(metrics.bytes, best.seconds),
      lines_per_s: perSecond(metrics.lines, best.seconds),
      run_seconds: runSeconds,
    };
  } finally {
    await cluster.stop();
  }
}
