import { CHUNKS_PER_WORKER, defaultChunkSize, MAX_DEFAULT_CHUNK_SIZE, planChunks } from '../src/chunk-planner';
import { AnalyzerError } from '../src/errors';
import { mulberry32, randomInt, thrownBy } from './helpers';

const MiB = 1024 * 1024;

it('tiles a file with equal chunks and a shorter last chunk', () => {
  expect(planChunks(10, 3)).toStrictEqual([
    { chunk_id: 0, start: 0, size: 3 },
    { chunk_id: 1, start: 3, size: 3 },
    { chunk_id: 2, start: 6, size: 3 },
    { chunk_id: 3, start: 9, size: 1 },
  ]);
});

it('ends with a full chunk when the chunk size divides the file size', () => {
  expect(planChunks(9, 3)).toStrictEqual([
    { chunk_id: 0, start: 0, size: 3 },
    { chunk_id: 1, start: 3, size: 3 },
    { chunk_id: 2, start: 6, size: 3 },
  ]);
});

it('gives a file smaller than the chunk size one chunk of the file size', () => {
  expect(planChunks(5, 100)).toStrictEqual([{ chunk_id: 0, start: 0, size: 5 }]);
});

it('gives every byte its own chunk with a chunk size of 1', () => {
  expect(planChunks(3, 1)).toStrictEqual([
    { chunk_id: 0, start: 0, size: 1 },
    { chunk_id: 1, start: 1, size: 1 },
    { chunk_id: 2, start: 2, size: 1 },
  ]);
});

it('plans no chunks for an empty file', () => {
  expect(planChunks(0, 1)).toStrictEqual([]);
  expect(planChunks(0, MAX_DEFAULT_CHUNK_SIZE)).toStrictEqual([]);
});

it('tiles [0, size) exactly for random sizes: consecutive, numbered in order, full chunks but the last', () => {
  const random = mulberry32(101);
  for (let round = 0; round < 200; round++) {
    const fileSize = randomInt(random, 1, 3000);
    const chunkSize = randomInt(random, 1, round % 2 === 0 ? 64 : 4000);
    const count = Math.ceil(fileSize / chunkSize);
    const expected = Array.from({ length: count }, (_, i) => ({
      chunk_id: i,
      start: i * chunkSize,
      size: i < count - 1 ? chunkSize : fileSize - (count - 1) * chunkSize,
    }));
    expect(expected[count - 1].size >= 1 && expected[count - 1].size <= chunkSize).toBe(true);
    expect(planChunks(fileSize, chunkSize)).toStrictEqual(expected);
  }
});

it('handles a file larger than 4 GiB without overflow', () => {
  const fileSize = 5 * 1024 * MiB + 7;
  const chunks = planChunks(fileSize, 64 * MiB);
  expect(chunks.length).toBe(81);
  expect(chunks[80]).toStrictEqual({ chunk_id: 80, start: 80 * 64 * MiB, size: 7 });
});

it.each([
  [-1, 'file size must be a non-negative integer, got -1'],
  [1.5, 'file size must be a non-negative integer, got 1.5'],
  [NaN, 'file size must be a non-negative integer, got NaN'],
  [Infinity, 'file size must be a non-negative integer, got Infinity'],
  [Number.MAX_SAFE_INTEGER + 1, `file size must be a non-negative integer, got ${Number.MAX_SAFE_INTEGER + 1}`],
])('rejects file size %p with invalid_argument', (fileSize, message) => {
  const err = thrownBy(() => planChunks(fileSize, 10));
  expect(err).toBeInstanceOf(AnalyzerError);
  expect({ code: (err as AnalyzerError).code, message: (err as AnalyzerError).message }).toStrictEqual({ code: 'invalid_argument', message });
});

it.each([
  [0, 'chunk size must be a positive integer, got 0'],
  [-5, 'chunk size must be a positive integer, got -5'],
  [0.5, 'chunk size must be a positive integer, got 0.5'],
  [NaN, 'chunk size must be a positive integer, got NaN'],
  [Infinity, 'chunk size must be a positive integer, got Infinity'],
])('rejects chunk size %p with invalid_argument', (chunkSize, message) => {
  const err = thrownBy(() => planChunks(100, chunkSize));
  expect(err).toBeInstanceOf(AnalyzerError);
  expect({ code: (err as AnalyzerError).code, message: (err as AnalyzerError).message }).toStrictEqual({ code: 'invalid_argument', message });
});

it('rejects an invalid chunk size even for an empty file', () => {
  const err = thrownBy(() => planChunks(0, 0));
  expect((err as AnalyzerError).code).toBe('invalid_argument');
});

it('splits a file into 2 equal chunks per worker', () => {
  expect(CHUNKS_PER_WORKER).toBe(2);
  expect(defaultChunkSize(1600, 2)).toBe(400);
  expect(planChunks(1600, defaultChunkSize(1600, 2)).length).toBe(4);
});

it('treats zero active workers as one', () => {
  expect(defaultChunkSize(400, 0)).toBe(200);
});

it('gives an empty file a chunk size of 1, which plans no chunks', () => {
  expect(defaultChunkSize(0, 3)).toBe(1);
  expect(planChunks(0, defaultChunkSize(0, 3))).toStrictEqual([]);
});

it('gives a file smaller than 2 bytes per worker one byte per chunk', () => {
  expect(defaultChunkSize(3, 2)).toBe(1);
});

it('gives at least 2 chunks per worker even when rounding up the chunk size would leave fewer', () => {
  // 4, 16 and 256 chunks wanted: rounding up would give 3 chunks of 2 bytes, 15 of 7, and 150 of 2.
  expect([defaultChunkSize(5, 2), planChunks(5, defaultChunkSize(5, 2)).length]).toStrictEqual([1, 5]);
  expect([defaultChunkSize(100, 8), planChunks(100, defaultChunkSize(100, 8)).length]).toStrictEqual([6, 17]);
  expect([defaultChunkSize(300, 128), planChunks(300, defaultChunkSize(300, 128)).length]).toStrictEqual([1, 300]);
});

it('caps the default chunk size at 256 MiB', () => {
  expect(defaultChunkSize(100 * 1024 * MiB, 1)).toBe(MAX_DEFAULT_CHUNK_SIZE);
  expect(defaultChunkSize(2 * MAX_DEFAULT_CHUNK_SIZE, 1)).toBe(MAX_DEFAULT_CHUNK_SIZE);
  expect(defaultChunkSize(2 * MAX_DEFAULT_CHUNK_SIZE + 2, 1)).toBe(MAX_DEFAULT_CHUNK_SIZE);
  expect(MAX_DEFAULT_CHUNK_SIZE).toBe(256 * MiB);
  // The bench's case: 1 GiB on 2 workers is 4 chunks of 256 MiB.
  expect(planChunks(1024 * MiB, defaultChunkSize(1024 * MiB, 2)).length).toBe(4);
});

it('gives at least 2 chunks per worker (or one per byte) and never more than 256 MiB per chunk, for random sizes', () => {
  const random = mulberry32(202);
  for (let round = 0; round < 2000; round++) {
    const workers = randomInt(random, 1, 64);
    const fileSize = round % 3 === 0 ? randomInt(random, 0, 50_000) : randomInt(random, 0, 2 ** 40);
    const chunkSize = defaultChunkSize(fileSize, workers);
    const chunkCount = Math.ceil(fileSize / chunkSize);
    const context = { fileSize, workers, chunkSize };

    expect({ ...context, integer: Number.isSafeInteger(chunkSize) }).toStrictEqual({ ...context, integer: true });
    expect({ ...context, inBounds: chunkSize >= 1 && chunkSize <= MAX_DEFAULT_CHUNK_SIZE }).toStrictEqual({ ...context, inBounds: true });
    if (chunkSize < MAX_DEFAULT_CHUNK_SIZE) {
      const enough = chunkCount >= Math.min(fileSize, workers * CHUNKS_PER_WORKER);
      expect({ ...context, chunkCount, enough }).toStrictEqual({ ...context, chunkCount, enough: true });
    }
  }
});
