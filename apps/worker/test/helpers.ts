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

export type Report = { kind: 'metrics'; task: ChunkTask; metrics: PartialMetrics | Uint8Array[] } | { kind: 'failure'; task: ChunkTask; error: string };

/** A reporter that records each report and answers with `answer()` (resolved by default). */
export function fakeReporter(answer: () => Promise<void> = () => Promise.resolve()) {
  const reports: Report[] = [];
  const waiters: Array<{ count: number; done: () => void }> = [];
  const record = (report: Report): Promise<void> => {
    reports.push(report);
    for (const waiter of waiters.filter((w) => reports.length >= w.count)) waiter.done();
    return answer();
  };
  const reporter: ChunkReporter = {
    reportMetrics: (task, metrics) => record({ kind: 'metrics', task, metrics }),
    reportFailure: (task, error) => record({ kind: 'failure', task, error }),
  };
  /** Resolves once at least `count` reports have been made. */
  const reported = (count: number): Promise<Report[]> =>
    new Promise((resolve) => {
      if (reports.length >= count) return resolve(reports);
      waiters.push({ count, done: () => resolve(reports) });
    });
  return { reporter, reports, reported };
}

export const task = (overrides: Partial<ChunkTask> = {}): ChunkTask => ({
  filepath: '/var/log/app.log',
  start: 4096,
  size: 1024,
  job_id: 'job-1',
  chunk_id: 3,
  attempt: 2,
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
