// Shared fakes for the coordinator tests: a recording ChunkSender, a hand-moved clock, temp log files,
// and a worker's side of a chunk (analyze the task's bytes as a real worker would, report them).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChunkTask } from '@loganalyzer/contract';
import { analyzeRange, PartialMetrics } from '@loganalyzer/core';
import { writeApplogFile } from '@loganalyzer/core/testing';
import { AppError } from '@loganalyzer/server-kit';
import { ChunkSender, Coordinator, CoordinatorOptions } from '../src/coordinator';
import type { CoordinatorEvent } from '../src/events';

export interface SentChunk {
  workerUrl: string;
  task: ChunkTask;
  /** Resolves the send, as a worker answering 202 would. */
  accept(): void;
  /** Rejects the send, as an unreachable worker would. */
  refuse(error: Error): void;
}

/** A ChunkSender that records every task and leaves the answer to the test. */
export function fakeSender(): { sendChunk: ChunkSender; sent: SentChunk[] } {
  const sent: SentChunk[] = [];
  const sendChunk: ChunkSender = (workerUrl, task) =>
    new Promise<void>((resolve, reject) => {
      sent.push({ workerUrl, task, accept: resolve, refuse: reject });
    });
  return { sendChunk, sent };
}

export const T0 = Date.UTC(2024, 0, 24, 10, 0, 0);

export interface FakeClock {
  now: () => number;
  advance(ms: number): void;
}

/** A clock that moves only when told to. */
export function fakeClock(start = T0): FakeClock {
  let time = start;
  return {
    now: () => time,
    advance(ms) {
      time += ms;
    },
  };
}

export const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Lets scheduled dispatches and answered sends run. Dispatch is scheduled with setImmediate, sometimes
 * from a promise callback that runs after the first immediate, so a few turns are needed.
 */
export async function settle(): Promise<void> {
  for (let i = 0; i < 4; i++) await new Promise((resolve) => setImmediate(resolve));
}

export const urlOf = (workerId: string): string => `http://${workerId}.test:8001`;
export const workerIdOf = (url: string): string => new URL(url).hostname.replace(/\.test$/, '');

export interface Setup {
  coordinator: Coordinator;
  sent: SentChunk[];
  clock: FakeClock;
  events: CoordinatorEvent[];
}

/**
 * A coordinator on a fake sender and clock, recording its events; not started (tests sweep by hand).
 * No prefetch unless asked: these tests count what each worker is sent against its concurrency.
 */
export function setup(options: Partial<CoordinatorOptions> = {}): Setup {
  const { sendChunk, sent } = fakeSender();
  const clock = fakeClock();
  const coordinator = new Coordinator({ sendChunk, now: clock.now, prefetch: 0, ...options });
  const events: CoordinatorEvent[] = [];
  coordinator.events.on((event) => events.push(event));
  return { coordinator, sent, clock, events };
}

export function registerWorker(coordinator: Coordinator, workerId: string, concurrency = 1): Promise<'registered' | 're-registered'> {
  return coordinator.register({ worker_id: workerId, url: urlOf(workerId), concurrency });
}

/** Creates a job, waits until it is planned and its first chunks are sent. */
export async function startJob(coordinator: Coordinator, body: Parameters<Coordinator['createJob']>[0]): Promise<string> {
  const jobId = coordinator.createJob(body);
  await coordinator.idle();
  await settle();
  return jobId;
}

/** What a real worker computes for a task: the task's bytes of its input, read against its snapshot. */
export function partialOf(task: ChunkTask): PartialMetrics {
  const format = task.log_format !== undefined ? { nginx: task.log_format } : (task.format ?? 'auto');
  return analyzeRange(task.input.path, task.start, task.size, { format, snapshot: task.snapshot, window: windowOf(task) });
}

/** The task's time window in core's terms, as a worker passes it. */
export function windowOf(task: ChunkTask): { sinceMs?: number; untilMs?: number } | undefined {
  if (task.since_ms === undefined && task.until_ms === undefined) return undefined;
  return { ...(task.since_ms !== undefined ? { sinceMs: task.since_ms } : {}), ...(task.until_ms !== undefined ? { untilMs: task.until_ms } : {}) };
}

/** The key of a report for a sent task, from the worker it was sent to. */
export function reportKey(s: SentChunk) {
  return { worker_id: workerIdOf(s.workerUrl), job_id: s.task.job_id, chunk_id: s.task.chunk_id, attempt: s.task.attempt, lease_token: s.task.lease_token };
}

/** Reports a sent task's real metrics on behalf of the worker it went to. */
export function reportDone(coordinator: Coordinator, s: SentChunk, metrics: unknown = partialOf(s.task)) {
  return coordinator.reportMetrics({ ...reportKey(s), metrics });
}

/** [worker id, chunk id, attempt] of each send, in the order they happened. */
export const sends = (sent: SentChunk[]): Array<[string, number, number]> => sent.map((s) => [workerIdOf(s.workerUrl), s.task.chunk_id, s.task.attempt]);

/** The AppError a call throws, as { code, message }; fails the test if it returns or throws anything else. */
export function appErrorOf(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (err) {
    if (err instanceof AppError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected the call to throw an AppError, but it returned');
}

/** The message a call throws; fails the test if it returns. */
export function errorMessageOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the call to throw, but it returned');
}

export interface TempLogs {
  /** Writes a generated application log and returns its path and size. */
  applog(name: string, lines: number, seed?: number): { path: string; size: number };
  write(name: string, content: string | Buffer): string;
  dir(name: string): string;
  path(name: string): string;
}

/** A temp directory created before the suite's tests and removed after them. */
export function useTempLogs(): TempLogs {
  let root = '';
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'loganalyzer-coordinator-test-'));
  });
  afterAll(() => {
    if (root !== '') rmSync(root, { recursive: true, force: true });
  });
  return {
    applog(name, lines, seed = 1) {
      const path = join(root, name);
      return { path, size: writeApplogFile(path, lines, { seed }) };
    },
    write(name, content) {
      const path = join(root, name);
      writeFileSync(path, content);
      return path;
    },
    dir(name) {
      const path = join(root, name);
      mkdirSync(path);
      return path;
    },
    path(name) {
      return join(root, name);
    },
  };
}
