// Entry point of a pool thread: each thread opens the file and reads its own range, so no chunk data
// is copied between threads; only the partial result travels back, as objects or as JSON bytes.
import { Piscina, transferableSymbol, valueSymbol } from 'piscina';
import { analyzeRange, analyzeRangeJson } from './analyze';
import { analyzeCompressedFile, analyzeCompressedFileJson } from './compressed-analyze';
import type { ChunkOutcome, ThreadRequest } from './chunk-pool';
import { AnalyzerError } from './errors';
import type { PartialMetrics } from './partial-metrics';

/** Moves every block's ArrayBuffer to the receiving thread instead of copying it. */
class MovedBlocks {
  constructor(private readonly blocks: Uint8Array[]) {}
  get [transferableSymbol](): ArrayBufferLike[] {
    return this.blocks.map((block) => block.buffer);
  }
  get [valueSymbol](): Uint8Array[] {
    return this.blocks;
  }
}

/** A compressed file is read whole: a range of it would be a range of compressed bytes, not of lines. */
function checkCompressedJob(request: ThreadRequest): void {
  const planned = request.options?.snapshot?.size;
  if (request.start !== 0 || planned === undefined || request.size !== planned) {
    throw new AnalyzerError('invalid_argument', `${request.filepath} is ${request.compression}-compressed: a chunk of it must be the whole file as planned (start 0, size ${planned ?? 'of the snapshot'}), got ${request.start}+${request.size}`);
  }
}

async function analyzeJob(request: ThreadRequest): Promise<PartialMetrics> {
  if (request.compression === undefined) return analyzeRange(request.filepath, request.start, request.size, request.options);
  checkCompressedJob(request);
  return analyzeCompressedFile(request.filepath, request.compression, request.options);
}

/**
 * The same partial as its JSON bytes, written by the accumulator itself: the partial's objects (most
 * of them its top tables' rows) are never made, so the thread's peak holds the tables and the bytes only.
 */
async function analyzeJobJson(request: ThreadRequest): Promise<Uint8Array[]> {
  if (request.compression === undefined) return analyzeRangeJson(request.filepath, request.start, request.size, request.options);
  checkCompressedJob(request);
  return analyzeCompressedFileJson(request.filepath, request.compression, request.options);
}

export default async function runChunk(request: ThreadRequest): Promise<ChunkOutcome> {
  try {
    if (!request.asJson) return { metrics: await analyzeJob(request) };
    // Serializing here keeps the partial's objects out of the main thread's heap altogether: a
    // structured clone would rebuild them there, and reporting would then stringify them again.
    return Piscina.move(new MovedBlocks(await analyzeJobJson(request))) as unknown as ChunkOutcome;
  } catch (err) {
    // Errors lose their class and code when cloned across threads; send them as data.
    if (err instanceof AnalyzerError) return { error: { code: err.code, message: err.message } };
    throw err;
  }
}
