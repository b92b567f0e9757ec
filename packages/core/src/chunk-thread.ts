// Entry point of a pool thread: each thread opens the file and reads its own range, so no chunk data
// is copied between threads; only the partial result travels back, as objects or as JSON bytes.
import { Piscina, transferableSymbol, valueSymbol } from 'piscina';
import { analyzeRange } from './analyze';
import type { ChunkOutcome, ThreadRequest } from './chunk-pool';
import { AnalyzerError } from './errors';
import { jsonBlocks } from './json-parts';

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

export default function runChunk(request: ThreadRequest): ChunkOutcome {
  try {
    const metrics = analyzeRange(request.filepath, request.start, request.size, request.options);
    if (!request.asJson) return { metrics };
    // Serializing here keeps the partial's objects out of the main thread's heap altogether: a
    // structured clone would rebuild them there, and reporting would then stringify them again.
    return Piscina.move(new MovedBlocks(jsonBlocks(metrics))) as unknown as ChunkOutcome;
  } catch (err) {
    // Errors lose their class and code when cloned across threads; send them as data.
    if (err instanceof AnalyzerError) return { error: { code: err.code, message: err.message } };
    throw err;
  }
}
