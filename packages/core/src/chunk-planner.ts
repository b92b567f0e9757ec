// Splits a file into byte ranges. Ranges ignore line boundaries: the line reader decides which lines
// a range owns, so any chunk size (down to 1 byte) gives every line to exactly one chunk.
import { AnalyzerError } from './errors';

export interface ChunkRange {
  chunk_id: number;
  start: number;
  size: number;
}

export const MAX_DEFAULT_CHUNK_SIZE = 64 * 1024 * 1024;
export const CHUNKS_PER_WORKER = 4;

/** The default chunk size: at least 4 chunks per active worker, at most 64 MiB each. */
export function defaultChunkSize(fileSize: number, activeWorkers: number): number {
  const wanted = Math.max(1, activeWorkers) * CHUNKS_PER_WORKER;
  let chunkSize = Math.ceil(fileSize / wanted);
  // Rounding up can leave a small file fewer chunks than wanted (5 bytes, 4 wanted: 3 chunks of 2).
  if (Math.ceil(fileSize / chunkSize) < wanted) chunkSize = Math.floor(fileSize / wanted);
  return Math.max(1, Math.min(MAX_DEFAULT_CHUNK_SIZE, chunkSize));
}

/** Consecutive ranges covering [0, fileSize). An empty file has no chunks. */
export function planChunks(fileSize: number, chunkSize: number): ChunkRange[] {
  if (!Number.isSafeInteger(fileSize) || fileSize < 0) {
    throw new AnalyzerError('invalid_argument', `file size must be a non-negative integer, got ${fileSize}`);
  }
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    throw new AnalyzerError('invalid_argument', `chunk size must be a positive integer, got ${chunkSize}`);
  }
  const chunks: ChunkRange[] = [];
  for (let start = 0, id = 0; start < fileSize; start += chunkSize, id++) {
    chunks.push({ chunk_id: id, start, size: Math.min(chunkSize, fileSize - start) });
  }
  return chunks;
}
