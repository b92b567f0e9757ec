// Shared fakes for the worker tests: a controllable processor result and a recording reporter.
import type { ChunkTask } from '@loganalyzer/contract';
import { emptyMetrics, PartialMetrics } from '@loganalyzer/core';
import type { ChunkReporter } from '../src/coordinator-link';

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export type Report = { kind: 'metrics'; task: ChunkTask; metrics: PartialMetrics | Uint8Array[] } | { kind: 'failure'; task: ChunkTask; error: string; permanent?: true };

/**
 * A reporter that records each report and answers with `answer()` (resolved by default). The signal
 * each report was given is kept apart in `signals`, so that reports compare with toStrictEqual.
 */
export function fakeReporter(answer: () => Promise<void> = () => Promise.resolve()) {
  const reports: Report[] = [];
  const signals: Array<AbortSignal | undefined> = [];
  const waiters: Array<{ count: number; done: () => void }> = [];
  const record = (report: Report, signal: AbortSignal | undefined): Promise<void> => {
    reports.push(report);
    signals.push(signal);
    for (const waiter of waiters.filter((w) => reports.length >= w.count)) waiter.done();
    return answer();
  };
  const reporter: ChunkReporter = {
    reportMetrics: (task, metrics, signal) => record({ kind: 'metrics', task, metrics }, signal),
    reportFailure: (task, error, signal, permanent) => record({ kind: 'failure', task, error, ...(permanent ? { permanent } : {}) }, signal),
  };
  /** Resolves once at least `count` reports have been made. */
  const reported = (count: number): Promise<Report[]> =>
    new Promise((resolve) => {
      if (reports.length >= count) return resolve(reports);
      waiters.push({ count, done: () => resolve(reports) });
    });
  return { reporter, reports, signals, reported };
}

/** A well-formed lease token (32 lowercase hex digits), distinct for each n. */
export const leaseToken = (n: number): string => n.toString(16).padStart(32, '0');

/** The lease token of task() unless overridden. */
export const LEASE = 'c0ffee00c0ffee00c0ffee00c0ffee00';

export const task = (overrides: Partial<ChunkTask> = {}): ChunkTask => ({
  input: { kind: 'file', path: '/var/log/app.log' },
  snapshot: { size: 1_048_576, mtime_ms: 1_706_091_332_123.5, dev: 2049, ino: 1_234_567 },
  start: 4096,
  size: 1024,
  job_id: 'job-1',
  chunk_id: 3,
  attempt: 2,
  lease_token: LEASE,
  ...overrides,
});

/** Metrics that differ from empty ones in every field, so a mix-up shows. */
export function sampleMetrics(): PartialMetrics {
  return {
    ...emptyMetrics(),
    lines: 12,
    blank_lines: 1,
    bytes: 1024,
    malformed_lines: 2,
    request_count: 7,
    error_count: 3,
    total_response_time_us: 123_456,
    levels: { ERROR: 3, INFO: 6 },
    first_timestamp_ms: Date.UTC(2024, 0, 24, 10, 15, 32, 123),
    last_timestamp_ms: Date.UTC(2024, 0, 24, 10, 16, 1, 5),
  };
}

export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}
