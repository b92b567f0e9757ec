// Shared fakes for the coordinator tests: a recording ChunkSender, a hand-moved clock, temp log files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChunkTask } from '@loganalyzer/contract';
import { writeApplogFile } from '@loganalyzer/core';
import type { ChunkSender } from '../src/coordinator';

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

/** A clock that moves only when told to. */
export function fakeClock(start = T0): { now: () => number; advance(ms: number): void } {
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
 * Lets scheduled dispatches run. Dispatch is scheduled with setImmediate, sometimes from a promise
 * callback that runs after the first immediate, so a few turns are needed.
 */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

export interface TempLogs {
  /** Writes a generated application log and returns its path and size. */
  applog(name: string, lines: number, seed?: number): { path: string; size: number };
  write(name: string, content: string): string;
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

/** The error a function throws, or a failure if it returns. */
export function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw, but it returned');
}
