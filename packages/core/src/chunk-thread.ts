// Entry point of a pool thread: each thread opens the file and reads its own range, so no chunk data
// is copied between threads; only the small partial result travels back.
import { analyzeRange } from './analyze';
import type { ChunkJob, ChunkOutcome } from './chunk-pool';
import { AnalyzerError } from './errors';

export default function runChunk(job: ChunkJob): ChunkOutcome {
  try {
    return { metrics: analyzeRange(job.filepath, job.start, job.size, job.options) };
  } catch (err) {
    // Errors lose their class and code when cloned across threads; send them as data.
    if (err instanceof AnalyzerError) return { error: { code: err.code, message: err.message } };
    throw err;
  }
}
