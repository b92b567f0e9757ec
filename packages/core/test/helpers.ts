// Shared test helpers: a seeded PRNG, per-suite temp directories, and reading a file chunk by chunk.
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChunkRange } from '../src/chunk-planner';
import { LineReaderOptions, readLinesInRange } from '../src/line-reader';

import { mulberry32, Random } from '../src/seeded-random';

export { mulberry32 };
export type { Random };

/** An integer in [min, max]. */
export function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

export function shuffled<T>(random: Random, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

export interface TempDir {
  /** Writes a file in the directory and returns its path. */
  write(name: string, content: string | Buffer): string;
  /** A path in the directory, without creating anything. */
  path(name: string): string;
}

/** A temp directory created before the suite's tests and removed after them. */
export function useTempDir(): TempDir {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'loganalyzer-core-test-'));
  });
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });
  return {
    write(name, content) {
      const filepath = join(dir, name);
      writeFileSync(filepath, content);
      return filepath;
    },
    path(name) {
      return join(dir, name);
    },
  };
}

export function withOpenFile<T>(filepath: string, use: (fd: number) => T): T {
  const fd = openSync(filepath, 'r');
  try {
    return use(fd);
  } finally {
    closeSync(fd);
  }
}

/** Consecutive ranges over [0, size) that end at each cut (cuts outside (0, size) are ignored). */
export function rangesFromCuts(size: number, cuts: readonly number[]): ChunkRange[] {
  const ends = [...new Set(cuts.filter((cut) => cut > 0 && cut < size)), size].sort((a, b) => a - b);
  const ranges: ChunkRange[] = [];
  let start = 0;
  for (const end of size === 0 ? [] : ends) {
    ranges.push({ chunk_id: ranges.length, start, size: end - start });
    start = end;
  }
  return ranges;
}

export interface ReadLine {
  /** A copy of the line's bytes, without the '\n'. */
  bytes: Buffer;
  utf8Valid: boolean;
  chunkId: number;
}

export interface ChunkedRead {
  lines: ReadLine[];
  /** Sums of the per-range results. */
  lineCount: number;
  bytes: number;
  oversizedLines: number;
  /** File offsets passed to onOversizedLine, in order. */
  oversizedOffsets: number[];
}

/** Reads every range with readLinesInRange, in order, collecting what each delivers. */
export function readChunked(fd: number, ranges: readonly ChunkRange[], options: LineReaderOptions = {}): ChunkedRead {
  const read: ChunkedRead = { lines: [], lineCount: 0, bytes: 0, oversizedLines: 0, oversizedOffsets: [] };
  for (const range of ranges) {
    const result = readLinesInRange(
      fd,
      range.start,
      range.size,
      (buf, start, end, utf8Valid) => {
        read.lines.push({ bytes: Buffer.from(buf.subarray(start, end)), utf8Valid, chunkId: range.chunk_id });
      },
      { ...options, onOversizedLine: (offset) => read.oversizedOffsets.push(offset) },
    );
    read.lineCount += result.lines;
    read.bytes += result.bytes;
    read.oversizedLines += result.oversizedLines;
  }
  return read;
}

/** The lines of a file as `wc -l` sees them, plus an unterminated last line. */
export function splitLines(content: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let nl = content.indexOf(0x0a); nl !== -1; nl = content.indexOf(0x0a, start)) {
    lines.push(content.subarray(start, nl));
    start = nl + 1;
  }
  if (start < content.length) lines.push(content.subarray(start));
  return lines;
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
