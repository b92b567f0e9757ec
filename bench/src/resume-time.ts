// Resume time: a coordinator on SQLite holding a job of 50,000 chunks, half of them committed with
// their real partials and half of those covered by a checkpoint, stops as if killed; a new
// coordinator then opens the same file. Timed from opening the file until the job is listed with
// every committed chunk, which includes replaying the partials committed since the checkpoint.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChunkTask } from '@loganalyzer/contract';
import { Coordinator, SqliteStore } from '@loganalyzer/coordinator';
import { analyzeRange } from '@loganalyzer/core';
import { CrashableStore } from './crashable-store';
import { BenchInput, ensureInput } from './inputs';
import { LeasedChunks, reportKey, startWithFakeWorker } from './leased-chunks';
import { log } from './log';
import { secondsSince } from './measure';
import { MiB } from './options';

export const RESUME_CHUNKS = 50_000;
const RESUME_INPUT_BYTES = 4 * MiB;
/** Chunks the fake worker holds at a time (a cluster's worth of threads); they are leases at the crash. */
const WORKER_SLOTS = 64;
const CHECKPOINT_INTERVAL_MS = 50;
const CHECKPOINT_WAIT_MS = 30_000;

export interface ResumeTime {
  input_bytes: number;
  chunk_size: number;
  chunks: number;
  chunks_committed: number;
  /** Committed chunks the last checkpoint before the crash included. */
  chunks_checkpointed: number;
  /** Partials stored after that checkpoint, which the new coordinator merges again. */
  partials_replayed: number;
  /** Leases live at the crash, restored by the new coordinator. */
  leases_at_crash: number;
  /** The state file (and its write-ahead log, if any) at the crash. */
  state_file_bytes: number;
  /** new SqliteStore(file). */
  open_seconds: number;
  /** new Coordinator({ store }).start(): loads every record and rebuilds the job's merge. */
  start_seconds: number;
  /** The first getJob, which builds the report of what is merged. */
  first_get_job_seconds: number;
  /** From opening the file until getJob lists the committed chunks. */
  seconds: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function commitWithRealPartial(coordinator: Coordinator, input: BenchInput, task: ChunkTask): void {
  const metrics = analyzeRange(input.path, task.start, task.size, { format: input.format });
  const body = Buffer.from(JSON.stringify({ ...reportKey(task), metrics }));
  const outcome = coordinator.reportMetrics(JSON.parse(body.toString('utf8')), body);
  if (!outcome.accepted) throw new Error(`the commit of chunk ${task.chunk_id} was not accepted: ${outcome.reason}`);
}

/** Commits `count` chunks in the order the fake worker is sent them; returns the tasks it still holds. */
async function commitChunks(leased: LeasedChunks, input: BenchInput, held: ChunkTask[], count: number): Promise<ChunkTask[]> {
  let queue = held;
  for (let committed = 0; committed < count; committed++) {
    // Waiting turns the event loop: dispatch refills the worker's slots, and due timers (checkpoints) run.
    if (queue.length === 0) queue = await leased.waitForTasks();
    commitWithRealPartial(leased.coordinator, input, queue.shift() as ChunkTask);
  }
  return queue;
}

function sizeOnDisk(file: string): number {
  return [file, `${file}-wal`].filter((path) => existsSync(path)).reduce((sum, path) => sum + statSync(path).size, 0);
}

interface Crashed {
  jobId: string;
  chunks: number;
  chunkSize: number;
  committed: number;
  checkpointed: number;
  leases: number;
  stateBytes: number;
}

/** Runs the first coordinator up to its crash: half the chunks committed, the first quarter checkpointed. */
async function commitHalfThenCrash(input: BenchInput, file: string): Promise<Crashed> {
  const chunkSize = Math.ceil(input.bytes / RESUME_CHUNKS);
  const store = new CrashableStore(new SqliteStore(file));
  const leased = startWithFakeWorker(store, WORKER_SLOTS, { checkpointIntervalMs: CHECKPOINT_INTERVAL_MS });
  try {
    const jobId = leased.coordinator.createJob({ inputs: [input.path], format: input.format, chunk_size: chunkSize });
    let held = await leased.waitForTasks();
    const chunks = leased.coordinator.getJob(jobId).progress.chunks_total;
    const toCommit = Math.floor(chunks / 2);
    const beforeCheckpoint = Math.floor(toCommit / 2);
    held = await commitChunks(leased, input, held, beforeCheckpoint);
    const waitUntil = Date.now() + CHECKPOINT_WAIT_MS;
    while (store.checkpointedCommits < store.commits) {
      if (Date.now() > waitUntil) throw new Error(`no checkpoint within ${CHECKPOINT_WAIT_MS} ms of ${store.commits} commits`);
      await sleep(CHECKPOINT_INTERVAL_MS);
    }
    const checkpointed = store.checkpointedCommits;
    store.holdCheckpoints = true;
    held = await commitChunks(leased, input, held, toCommit - beforeCheckpoint);
    held.push(...leased.takeTasks());
    store.crash();
    return { jobId, chunks, chunkSize, committed: store.commits, checkpointed, leases: held.length, stateBytes: sizeOnDisk(file) };
  } finally {
    // Only stops its timers: whatever it still writes after the crash is lost.
    await leased.coordinator.close();
  }
}

export async function measureResumeTime(cacheDir: string, seed: number): Promise<ResumeTime> {
  const input = ensureInput(cacheDir, 'applog', RESUME_INPUT_BYTES, seed, log);
  const dir = mkdtempSync(join(tmpdir(), 'loganalyzer-bench-resume-'));
  const file = join(dir, 'state.db');
  try {
    const crashed = await commitHalfThenCrash(input, file);
    log(`  resume: ${crashed.committed} of ${crashed.chunks} chunks committed, ${crashed.checkpointed} checkpointed; restarting`);
    const start = process.hrtime.bigint();
    const store = new SqliteStore(file);
    const openSeconds = secondsSince(start);
    const coordinator = new Coordinator({ sendChunk: async () => {}, store });
    try {
      coordinator.start();
      const startSeconds = secondsSince(start) - openSeconds;
      const progress = coordinator.getJob(crashed.jobId).progress;
      const seconds = secondsSince(start);
      if (progress.chunks_done !== crashed.committed) throw new Error(`the resumed job lists ${progress.chunks_done} committed chunks, ${crashed.committed} were committed`);
      return {
        input_bytes: input.bytes,
        chunk_size: crashed.chunkSize,
        chunks: crashed.chunks,
        chunks_committed: crashed.committed,
        chunks_checkpointed: crashed.checkpointed,
        partials_replayed: crashed.committed - crashed.checkpointed,
        leases_at_crash: crashed.leases,
        state_file_bytes: crashed.stateBytes,
        open_seconds: openSeconds,
        start_seconds: startSeconds,
        first_get_job_seconds: seconds - openSeconds - startSeconds,
        seconds,
      };
    } finally {
      await coordinator.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
