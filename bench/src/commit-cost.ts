// Coordinator time per committed chunk: the partial of a real 64 MiB applog chunk committed by a
// coordinator in this process, called directly (check, store transaction, merge) and over loopback
// HTTP (plus the request's JSON parsing and the contract's validation), on each state store. A chunk
// commits once, so each commit is chunk 0 of a fresh job on the same input.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCoordinatorClient, embedJson } from '@loganalyzer/contract';
import type { ChunkTask, CoordinatorClient } from '@loganalyzer/contract';
import { createApp, MemoryStore, SqliteStore } from '@loganalyzer/coordinator';
import type { Coordinator, StateStore } from '@loganalyzer/coordinator';
import { createChunkPool } from '@loganalyzer/core';
import type { PartialMetrics } from '@loganalyzer/core';
import { listen } from '@loganalyzer/server-kit';
import type { BenchInput } from './inputs';
import { reportKey, startWithFakeWorker } from './leased-chunks';
import { millisecondsSince, Spread, spread } from './measure';
import { MiB } from './options';

export const COMMIT_CHUNK_SIZE = 64 * MiB;
/** Timed commits per path and store, after one untimed commit that warms up the code and the connection. */
export const TIMED_COMMITS = 8;

export const COMMIT_PATHS = ['in_process', 'http'] as const;
export type CommitPath = (typeof COMMIT_PATHS)[number];
export const COMMIT_STORES = ['memory', 'sqlite'] as const;
export type CommitStore = (typeof COMMIT_STORES)[number];

export interface CommitTimes extends Spread {
  path: CommitPath;
  store: CommitStore;
  /** Milliseconds of each timed commit, in order. */
  run_ms: number[];
}

export interface CommitCost {
  format: string;
  /** The byte range analyzed: [0, this). */
  chunk_bytes: number;
  lines: number;
  /** The partial's JSON (the `metrics` field). */
  partial_bytes: number;
  /** The whole POST /metrics body. */
  body_bytes: number;
  results: CommitTimes[];
}

/** The POST /metrics body for a task, in parts: the report's key fields, then the partial's JSON as it is. */
function reportBodyParts(task: ChunkTask, metricsJson: Buffer): Buffer[] {
  const key = JSON.stringify(reportKey(task));
  return [Buffer.from(`${key.slice(0, -1)},"metrics":`), metricsJson, Buffer.from('}')];
}

/** reportMetrics on the parsed body, as the route calls it; the raw body is what gets stored. */
function commitInProcess(coordinator: Coordinator, task: ChunkTask, metricsJson: Buffer): number {
  const body = Buffer.concat(reportBodyParts(task, metricsJson));
  const report = JSON.parse(body.toString('utf8'));
  const start = process.hrtime.bigint();
  const outcome = coordinator.reportMetrics(report, body);
  const ms = millisecondsSince(start);
  if (!outcome.accepted) throw new Error(`the commit of chunk ${task.chunk_id} of job ${task.job_id} was not accepted: ${outcome.reason}`);
  return ms;
}

/** POST /metrics through the typed client with the partial's bytes embedded as they are (as a worker sends them). */
async function commitOverHttp(client: CoordinatorClient, task: ChunkTask, metricsJson: Buffer): Promise<number> {
  const start = process.hrtime.bigint();
  const response = await client.reportMetrics({ body: { ...reportKey(task), metrics: embedJson<PartialMetrics>(metricsJson) } });
  const ms = millisecondsSince(start);
  if (response.status !== 200 || !response.body.accepted) {
    throw new Error(`POST /metrics for chunk ${task.chunk_id} of job ${task.job_id} answered ${response.status}: ${JSON.stringify(response.body).slice(0, 300)}`);
  }
  return ms;
}

async function timeCommits(input: BenchInput, metricsJson: Buffer, path: CommitPath, store: StateStore, commits: number): Promise<{ runMs: number[]; bodyBytes: number }> {
  const leased = startWithFakeWorker(store, 1);
  const { coordinator } = leased;
  const server = path === 'http' ? await listen(createApp(coordinator), { port: 0, host: '127.0.0.1' }) : null;
  try {
    const client = server ? createCoordinatorClient(server.url, { timeoutMs: 60_000 }) : null;
    const runMs: number[] = [];
    let bodyBytes = 0;
    for (let commit = 0; commit <= commits; commit++) {
      const jobId = coordinator.createJob({ inputs: [input.path], format: input.format, chunk_size: COMMIT_CHUNK_SIZE });
      const task = (await leased.waitForTasks()).find((t) => t.job_id === jobId && t.chunk_id === 0);
      if (!task) throw new Error(`job ${jobId}: the fake worker was not sent chunk 0`);
      const ms = client ? await commitOverHttp(client, task, metricsJson) : commitInProcess(coordinator, task, metricsJson);
      if (commit > 0) runMs.push(ms);
      bodyBytes = reportBodyParts(task, metricsJson).reduce((sum, part) => sum + part.length, 0);
      // Lets the job finish (or frees the worker's slot for the next job when the input has more chunks).
      await coordinator.idle();
      coordinator.deleteJob(jobId);
      // A job with more chunks may have been sent its next one while the commit's response was on its way.
      leased.takeTasks();
    }
    return { runMs, bodyBytes };
  } finally {
    await server?.close();
    await coordinator.close();
  }
}

/** The chunk's partial as a worker sends it: the JSON bytes of a pool thread's runAsJson. */
async function workerPartialJson(input: BenchInput, chunkBytes: number): Promise<{ json: Buffer; lines: number }> {
  const pool = createChunkPool({ concurrency: 1 });
  try {
    const json = Buffer.concat(await pool.runAsJson({ filepath: input.path, start: 0, size: chunkBytes, options: { format: input.format } }));
    return { json, lines: (JSON.parse(json.toString('utf8')) as PartialMetrics).lines };
  } finally {
    await pool.close();
  }
}

export async function measureCommitCost(input: BenchInput, commits = TIMED_COMMITS): Promise<CommitCost> {
  const chunkBytes = Math.min(COMMIT_CHUNK_SIZE, input.bytes);
  const { json: metricsJson, lines } = await workerPartialJson(input, chunkBytes);
  const dir = mkdtempSync(join(tmpdir(), 'loganalyzer-bench-commit-'));
  try {
    const results: CommitTimes[] = [];
    let bodyBytes = 0;
    for (const path of COMMIT_PATHS) {
      for (const storeKind of COMMIT_STORES) {
        const store = storeKind === 'memory' ? new MemoryStore() : new SqliteStore(join(dir, `${path}.db`));
        const { runMs, bodyBytes: body } = await timeCommits(input, metricsJson, path, store, commits);
        bodyBytes = body;
        results.push({ path, store: storeKind, ...spread(runMs), run_ms: runMs });
      }
    }
    return { format: input.format, chunk_bytes: chunkBytes, lines, partial_bytes: metricsJson.length, body_bytes: bodyBytes, results };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
