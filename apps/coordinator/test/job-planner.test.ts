import { defaultChunkSize } from '@loganalyzer/core';
import { chooseChunkSize, chunkBatches, chunkCount, PLAN_BATCH } from '../src/job-planner';
import type { ChunkRecord } from '../src/state/records';

/** The smallest chunk size that keeps the inputs within maxChunks, found by trying every size. */
function smallestWithin(sizes: number[], from: number, maxChunks: number): number {
  let size = from;
  while (chunkCount(sizes, size) > maxChunks) size++;
  return size;
}

describe('chooseChunkSize', () => {
  it('keeps the requested size when the job stays within the limit', () => {
    expect(chooseChunkSize([1000, 500], 100, 3, 15)).toStrictEqual({ chunkSize: 100, chunks: 15 });
  });

  it('uses the default for the active workers when no size is requested', () => {
    const size = defaultChunkSize(10_000, 3);
    expect(chooseChunkSize([10_000], null, 3, 1000)).toStrictEqual({ chunkSize: size, chunks: Math.ceil(10_000 / size) });
  });

  it('raises a one-byte chunk size on a 3 MB input to the smallest size within the limit', () => {
    const size = 3 * 1024 * 1024 + 17;
    const chunkSize = Math.ceil(size / 5000);
    expect(chooseChunkSize([size], 1, 1, 5000)).toStrictEqual({ chunkSize, raisedFrom: 1, chunks: Math.ceil(size / chunkSize) });
    expect(Math.ceil(size / (chunkSize - 1))).toBeGreaterThan(5000);
  });

  it('raises to exactly the smallest size within the limit over many inputs, each rounded up on its own', () => {
    // Per-input rounding is what makes this a search: total / limit is too small when many inputs end in a partial chunk.
    const cases: Array<[number[], number]> = [
      [[1001, 1001, 1001, 1], 10],
      [[7, 0, 9999, 123_456], 100],
      [[5, 5, 5, 5, 5], 5],
      [[65_537, 65_535, 3], 4],
    ];
    for (const [sizes, max] of cases) {
      const choice = chooseChunkSize(sizes, 1, 1, max);
      expect(choice).toStrictEqual({ chunkSize: smallestWithin(sizes, 1, max), raisedFrom: 1, chunks: chunkCount(sizes, choice.chunkSize) });
      expect(choice.chunks).toBeLessThanOrEqual(max);
    }
  });

  it('never asks for a chunk larger than the whole job, nor smaller than one byte', () => {
    expect(chooseChunkSize([10, 20], 1e15, 1, 100)).toStrictEqual({ chunkSize: 30, chunks: 2 });
    expect(chooseChunkSize([0, 0], null, 4, 100)).toStrictEqual({ chunkSize: 1, chunks: 0 });
  });
});

describe('inputs read whole (compressed)', () => {
  it('gives each non-empty one a single chunk over all its bytes, whatever the chunk size', () => {
    const batches = [...chunkBatches('job', [25, 1000, 0, 10], 10, [false, true, true, false])];
    expect(batches.map((b) => b.map((c) => [c.chunk_id, c.input_id, c.start, c.size]))).toStrictEqual([
      [
        [0, 0, 0, 10],
        [1, 0, 10, 10],
        [2, 0, 20, 5],
        [3, 1, 0, 1000],
        [4, 3, 0, 10],
      ],
    ]);
    expect(chunkCount([25, 1000, 0, 10], 10, [false, true, true, false])).toBe(5);
  });

  it('chooses the chunk size from the other inputs alone, and counts one chunk for each whole one', () => {
    expect(chooseChunkSize([100, 1_000_000], 10, 1, 100, [false, true])).toStrictEqual({ chunkSize: 10, chunks: 11 });
    expect(chooseChunkSize([100, 1_000_000], 1, 1, 21, [false, true])).toStrictEqual({ chunkSize: 5, raisedFrom: 1, chunks: 21 });
    expect(chooseChunkSize([0, 1_000_000], null, 4, 100, [false, true])).toStrictEqual({ chunkSize: 1, chunks: 1 });
  });
});

describe('chunkBatches', () => {
  it('covers every input exactly with consecutive ranges whose ids run on across inputs', () => {
    const batches = [...chunkBatches('job', [25, 0, 10], 10)];
    const fields = (c: ChunkRecord) => [c.chunk_id, c.input_id, c.start, c.size];
    expect(batches.map((b) => b.map(fields))).toStrictEqual([
      [
        [0, 0, 0, 10],
        [1, 0, 10, 10],
        [2, 0, 20, 5],
        [3, 2, 0, 10],
      ],
    ]);
    expect(batches[0][0]).toStrictEqual({
      job_id: 'job',
      chunk_id: 0,
      input_id: 0,
      start: 0,
      size: 10,
      state: 'pending',
      attempts: 0,
      failures: 0,
      last_error: null,
      committed_token: null,
      owned_bytes: null,
    });
  });

  it(`cuts the plan into batches of ${PLAN_BATCH} chunks, the last one holding the rest`, () => {
    const lengths = [...chunkBatches('job', [2 * PLAN_BATCH + 7], 1)].map((b) => b.length);
    expect(lengths).toStrictEqual([PLAN_BATCH, PLAN_BATCH, 7]);
  });
});
